"""The README's "For media monitors" section documents every option of the commands it describes."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from crawler.cli import cli

README = Path(__file__).resolve().parents[2] / "README.md"
COMMANDS = [
    ["search"],
    ["show"],
    ["export"],
    ["stats"],
    ["watch", "add"],
    ["watch", "list"],
    ["watch", "rm"],
    ["watch", "run"],
    ["trend"],
    ["watch", "feed"],
    ["serve"],
]


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## For media monitors")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_option_is_in_the_readme(path):
    ctx = click.Context(cli)
    command: click.Command = cli
    for name in path:
        command = command.get_command(ctx, name)  # type: ignore[attr-defined]
    text = section()
    assert f"scnews {' '.join(path)}" in text
    for param in command.params:
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            assert longest in text, f"{longest} of scnews {' '.join(path)} is not in the README section"
