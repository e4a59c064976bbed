"""README "Crawling" documents every option and exit status of `scnews crawl` and `scnews replica`."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler import crawl_run
from crawler.cli import cli
from crawler.cli.crawl import crawl_command
from crawler.cli.replica import replica_command

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
SECTION = README[README.index("## Crawling") :]
SECTION = SECTION[: SECTION.index("\n## ", 5)]


@pytest.mark.parametrize("command", [crawl_command, replica_command], ids=["crawl", "replica"])
def test_every_option_is_in_the_readme(command):
    for param in command.params:
        longest = max(param.opts, key=len)
        assert longest in SECTION, f"{command.name} {longest} is not documented in README 'Crawling'"


def test_every_exit_status_is_in_the_readme():
    codes = {value for name, value in vars(crawl_run).items() if name.startswith("EXIT_")}
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", SECTION, flags=re.MULTILINE)}
    assert documented == codes


@pytest.mark.parametrize("name", ["crawl", "replica"])
def test_help_has_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Example: scnews " + name in result.output
