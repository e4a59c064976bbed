"""README "Several machines" documents every option of `scnews ingest`; its help has an example."""

from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli
from crawler.cli.ingest import ingest_command

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
SECTION = README[README.index("### Several machines") :]
SECTION = SECTION[: SECTION.index("\n## ", 5)]


def test_every_ingest_option_is_in_the_readme():
    for param in ingest_command.params:
        longest = max(param.opts, key=len)
        assert longest in SECTION, f"ingest {longest} is not documented in README 'Several machines'"


def test_ingest_help_has_an_example():
    result = CliRunner().invoke(cli, ["ingest", "--help"])
    assert result.exit_code == 0 and "Example: scnews ingest" in result.output
