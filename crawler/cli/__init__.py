"""The ``scnews`` command line. Each command lives in its own module and is loaded only when used."""

from __future__ import annotations

import importlib
import sys

import click

# command name -> "module:attribute" (relative to this package). Add a line to add a command.
COMMANDS: dict[str, str] = {
    "parse": "parse:parse_command",
    "crawl": "crawl:crawl_command",
    "revisit": "revisit:revisit_command",
    "changes": "changes:changes_command",
    "ingest": "ingest:ingest_command",
    "replica": "replica:replica_command",
    "search": "search:search_command",
    "show": "show:show_command",
    "export": "export:export_command",
    "stats": "stats:stats_command",
    "watch": "watch:watch_group",
    "trend": "trend:trend_command",
    "serve": "serve:serve_command",
}


class OneLineUsageError(click.ClickException):
    exit_code = 2


def one_line_usage(exc: click.UsageError, ctx: click.Context) -> click.ClickException:
    """A usage error as one line on stderr and exit 2, not click's usage text around it."""
    where = exc.ctx or ctx
    message = " ".join(exc.format_message().split())
    return OneLineUsageError(f"{message} (see: {where.command_path} --help)")


class LazyGroup(click.Group):
    """The ``scnews`` group: commands loaded on use; a usage error anywhere below is one line, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            raise  # a bare 'scnews' or 'scnews watch': the help text itself
        except click.UsageError as exc:
            raise one_line_usage(exc, ctx) from None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise  # a bare 'scnews' or 'scnews watch': the help text itself
        except click.UsageError as exc:
            raise one_line_usage(exc, ctx) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(f"{__name__}.{module_name}")
        return getattr(module, attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scnews")
def cli() -> None:
    """scnews: monitor the Chinanews Sichuan channel (www.sc.chinanews.com.cn).

    Crawl articles into a SQLite database, then search, export and watch them.

    Example: scnews crawl --replica
    """


def main(argv: list[str] | None = None) -> None:
    """Console entry point: user errors print one line and exit non-zero; never a traceback for them.

    The convention of every command: exit 2 for a usage error (a bad option or value, a malformed query, an
    unknown watch or article, a missing database), 1 for a runtime failure (a file that cannot be written, an
    unusable database, a port in use, a crawl that failed); ``crawl`` adds 3 and 75 (see its --help).
    """
    from crawler.database import DatabaseMissing

    try:
        cli.main(args=argv, prog_name="scnews", standalone_mode=True)
    except DatabaseMissing as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
