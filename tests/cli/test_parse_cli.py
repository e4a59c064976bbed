"""`scnews parse` run as a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

URL = "https://www.sc.chinanews.com.cn/cjbd/2024-04-11/207510.html"
PAGE = (
    "<!DOCTYPE html><html><head><meta charset='gb2312'><title>四川发展AIGC产业-中新社四川分社</title>"
    "</head><body><div class='t'>四川如何因地制宜发展AIGC产业？</div>"
    "<div class='m'>2024年04月11日 10:57 来源：四川日报 编辑：曹惠君</div>"
    "<div class='b'><p>　　近日，四川宣布把人工智能列为今年的1号创新工程，"
    "以超常规最大力度精准支持人工智能产业发展。</p><p>　　AIGC作为人工智能的一个应用领域，"
    "是四川发展人工智能的重点。(川观智库研究员 黄爱林)</p></div>"
    "</body></html>"
)


def scnews(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("scnews")
    command = (
        [str(script)] if script.exists() else [sys.executable, "-c", "from crawler.cli import main; main()"]
    )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*command, *args], input=stdin, capture_output=True, timeout=60, env=env)


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("gb18030"))
    return path


def test_prints_one_json_record(page):
    result = scnews(
        "parse", str(page), "--url", URL + "?from=list", "--fetched-at", "2024-04-11T12:00:00+08:00"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert "四川日报" in out and "\\u" not in out  # UTF-8, not ASCII-escaped
    record = json.loads(out)
    assert record["url"] == URL and record["article_id"] == "207510"
    assert (record["title"], record["source"], record["editor"]) == (
        "四川如何因地制宜发展AIGC产业？",
        "四川日报",
        "曹惠君",
    )
    assert record["published_at"] == "2024-04-11T10:57:00+08:00" and record["authors"] == ["黄爱林"]
    assert record["fetched_at"] == "2024-04-11T12:00:00+08:00" and record["template"] == "sc-2024"


def test_encoding_option_overrides_a_wrong_meta_charset(tmp_path):
    path = tmp_path / "lying.html"
    path.write_bytes(PAGE.replace("gb2312", "utf-8").encode("gb18030"))
    result = scnews("parse", str(path), "--encoding", "GB2312")
    assert result.returncode == 0 and json.loads(result.stdout)["source"] == "四川日报"


def test_reads_stdin(page):
    result = scnews("parse", "-", "--url", URL, stdin=page.read_bytes())
    assert result.returncode == 0 and json.loads(result.stdout)["channel_name"] == "财经报道"


@pytest.mark.parametrize(
    "args, message, status",
    [
        (["missing.html"], "cannot read missing.html", 2),
        (["{page}", "--fetched-at", "yesterday"], "--fetched-at", 2),
        (["{page}", "--encoding", "klingon"], "unknown encoding", 2),
        (["{page}", "--nosuch"], "No such option", 2),
        (["{empty}"], "not an article: empty document", 1),
        (["{list}"], "not an article", 1),
    ],
)
def test_user_errors_are_one_line_without_traceback(tmp_path, page, args, message, status):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    listing = tmp_path / "list.html"
    items = "".join(
        f"<li><a href='/cjbd/2024-04-{d:02d}/2075{d:02d}.html'>新闻标题第{d}条</a></li>" for d in range(1, 29)
    )
    listing.write_text(f"<html><body><ul>{items}</ul></body></html>", encoding="utf-8")
    args = [a.format(page=page, empty=empty, list=listing) for a in args]
    result = scnews("parse", *args, stdin=None)
    err = result.stderr.decode("utf-8")
    assert result.returncode == status and result.stdout == b""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_help_has_an_example():
    result = scnews("parse", "--help")
    assert result.returncode == 0 and b"Example:" in result.stdout and b"--fetched-at" in result.stdout


def test_every_option_is_in_the_readme():
    import click

    from crawler.cli.parse import parse_command

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme[readme.index("### Parse one saved page") :]
    section = section[: section.index("\n## ", 5)]
    options = [p for p in parse_command.params if isinstance(p, click.Option)]
    assert len(options) == 3
    for option in options:
        assert max(option.opts, key=len) in section, f"{option.name} is not documented in README"


def test_a_utf8_page_named_gb2312_is_read_as_utf8_with_a_warning(tmp_path):
    path = tmp_path / "utf8.html"
    path.write_bytes(PAGE.encode("utf-8"))  # the page says gb2312, and so does --encoding
    result = scnews("parse", str(path), "--url", URL, "--encoding", "gb2312")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == "四川如何因地制宜发展AIGC产业？"
    assert "charset-mismatch" in record["warnings"] and "mojibake" not in record["warnings"]


def test_an_encoding_option_that_names_no_text_codec_is_one_line(page):
    result = scnews("parse", str(page), "--url", URL, "--encoding", "base64")
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().strip() == "Error: --encoding: unknown encoding: 'base64'"
