"""The README's command table lists exactly the commands `scnews --help` offers."""

import re
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import cli

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_command_table_matches_the_cli():
    listed = set(re.findall(r"^\| `scnews (\w+)` \|", README.read_text(encoding="utf-8"), re.MULTILINE))
    help_text = CliRunner().invoke(cli, ["--help"]).output
    offered = set(re.findall(r"^  (\w+)\s{2,}", help_text.split("Commands:", 1)[1], re.MULTILINE))
    assert listed == offered and len(offered) == 13
