"""The README documents every option of `scnews revisit` and `scnews changes`; both have an example."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.cli.changes import changes_command
from crawler.cli.revisit import revisit_command

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def section(heading: str) -> str:
    text = README[README.index(heading) :]
    return text[: text.index("\n### ", 5)]


@pytest.mark.parametrize(
    ("command", "heading"),
    [
        (revisit_command, "### Revisits: edits and withdrawals"),
        (changes_command, "### Edits and withdrawals"),
    ],
    ids=["revisit", "changes"],
)
def test_every_option_is_in_the_readme(command, heading):
    text = section(heading)
    for param in command.params:
        longest = max(param.opts, key=len)
        assert longest in text, f"{command.name} {longest} is not documented in README {heading!r}"


@pytest.mark.parametrize("name", ["revisit", "changes"])
def test_help_has_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Example: scnews " + name in result.output
