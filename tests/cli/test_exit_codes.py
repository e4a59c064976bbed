"""One convention for every command: a usage error exits 2, a runtime failure 1, each with one line on
stderr; a short option means the same thing in every command. (crawl's own statuses: tests/e2e/test_cron.py.)
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import write_corpus  # noqa: E402

from crawler.cli import COMMANDS, cli  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exit")
    good = tmp / "scnews.db"
    write_corpus(good)
    bad = tmp / "garbage.db"
    bad.write_bytes(b"not sqlite at all " * 300)
    page = tmp / "list.html"
    page.write_text("<html><body><p>not an article</p></body></html>", encoding="utf-8")
    return {"db": str(good), "bad": str(bad), "page": str(page), "dir": str(tmp)}


def run(args, files):
    args = [a.format(**files) for a in args]
    return subprocess.run([SCNEWS, *args], capture_output=True, text=True, timeout=60)


def assert_one_line(result, status, fragment):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == status, result.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


USAGE = [
    (["nosuch"], "No such command 'nosuch'"),
    (["crawl", "--nosuch"], "No such option '--nosuch'. (see: scnews crawl --help)"),
    (["crawl", "--since", "last tuesday", "--db", "{db}"], "--since"),
    (["replica", "--port", "70000"], "Invalid value for '--port'"),
    (["parse", "{page}", "--fetched-at", "noon"], "--fetched-at"),
    (["parse", "{dir}/missing.html"], "cannot read"),
    (["search", "成都", "--since", "2024-02-30", "--db", "{db}"], "not a valid date"),
    (["search", '"成都', "--db", "{db}"], "unterminated quote"),
    (["search", "成都", "--nosuch", "--db", "{db}"], "No such option"),
    (["show", "999999", "--db", "{db}"], "no article with id or URL '999999'"),
    (["export", "--format", "csv", "--until", "someday", "--db", "{db}"], "not a valid date"),
    (["export", "--format", "xml", "--db", "{db}"], "'xml' is not one of"),
    (["stats", "--days", "0", "--db", "{db}"], "--days"),
    (["changes", "--kind", "deleted", "--db", "{db}"], "deleted"),
    (["revisit", "--nosuch"], "No such option '--nosuch'. (see: scnews revisit --help)"),
    (["trend", "成都", "--by", "year", "--db", "{db}"], "--by"),
    (["watch", "nosuch"], "No such command 'nosuch'. (see: scnews watch --help)"),
    (["watch", "add", "x", "NOT 成都", "--db", "{db}"], "cannot only exclude"),
    (["watch", "run", "nosuch", "--db", "{db}"], "no watch named 'nosuch'"),
    (["watch", "feed", "nosuch", "--db", "{db}"], "no watch named 'nosuch'"),
    (["watch", "feed", "x", "--limit", "0", "--db", "{db}"], "--limit"),
    (["serve", "--port", "-1", "--db", "{db}"], "Invalid value for '--port'"),
    (["search", "成都", "--db", "{dir}/missing.db"], "database not found"),
]


@pytest.mark.parametrize("args, fragment", USAGE, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_usage_errors_exit_2(files, args, fragment):
    assert_one_line(run(args, files), 2, fragment)


RUNTIME = [
    (["parse", "{page}"], "not an article"),
    (["search", "成都", "--db", "{bad}"], "not a usable scnews database"),
    (["show", "1001", "--db", "{bad}"], "not a usable scnews database"),
    (["export", "--format", "json", "--db", "{bad}"], "not a usable scnews database"),
    (
        ["export", "--format", "csv", "-o", "{dir}/no/such/dir.csv", "--db", "{db}"],
        "No such file or directory",
    ),
    (["search", "成都", "-o", "{dir}/no/such/dir.txt", "--db", "{db}"], "No such file or directory"),
    (["stats", "--db", "{bad}"], "not a usable scnews database"),
    (["changes", "--db", "{bad}"], "not a usable scnews database"),
    (["trend", "成都", "--db", "{bad}"], "not a usable scnews database"),
    (["watch", "list", "--db", "{bad}"], "not a usable scnews database"),
    (["watch", "feed", "x", "--db", "{bad}"], "not a usable scnews database"),
    (["serve", "--port", "0", "--db", "{bad}"], "not a usable scnews database"),
]


@pytest.mark.parametrize("args, fragment", RUNTIME, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_runtime_failures_exit_1(files, args, fragment):
    assert_one_line(run(args, files), 1, fragment)


@pytest.mark.parametrize("command", ["replica", "serve"])
def test_a_port_in_use_is_a_runtime_failure(files, command):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        extra = ["--db", files["db"]] if command == "serve" else []
        assert_one_line(run([command, "--port", port, *extra], files), 1, f"127.0.0.1:{port}")


def _walk(command: click.Command, path: tuple[str, ...]):
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), (*path, name))
    else:
        yield path, command


def test_a_short_option_means_the_same_everywhere():
    meaning: dict[str, tuple[str, str]] = {}
    for path, command in _walk(cli, ()):
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            longest = max(param.opts, key=len)
            for short in [o for o in param.opts if len(o) == 2]:
                seen = meaning.setdefault(short, (longest, " ".join(path)))
                assert seen[0] == longest, (
                    f"{short} is {seen[0]} in {seen[1]} but {longest} in {' '.join(path)}"
                )
    assert meaning["-q"][0] == "--quiet" and meaning["-o"][0] == "--output"
    assert set(COMMANDS) <= {p[0] for p, _ in _walk(cli, ())}
