"""``scnews export`` for Excel: CSV with BOM and CRLF, formula guard, and xlsx; read back as Excel would."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import ARTICLES, insert_sqlite3, write_corpus  # noqa: E402

from crawler.export import EXPORT_COLUMNS  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")
RISKY = {
    "article_id": "7001",
    "title": '=HYPERLINK("http://evil.example","点我")',
    "source": "+86 028 1234",
    "editor": "@SUM(A1)",
    "authors": ["-王"],
    "body": "正文\x01含控制字符，第二行。\n第二段。",
    "published_at": "2024-08-01T09:00:00+08:00",
}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("excel") / "scnews.db"
    write_corpus(path)
    insert_sqlite3(path, {**ARTICLES[1], **RISKY})
    insert_sqlite3(
        path,
        {
            **ARTICLES[1],
            "article_id": "7002",
            "title": "长文",
            "body": "长" * 40_000,
            "published_at": "2024-07-01T09:00:00+08:00",
        },
    )
    return path


def scnews(db, *args, ok=True):
    result = subprocess.run([SCNEWS, *args, "--db", str(db)], capture_output=True, timeout=60)
    if ok:
        assert result.returncode == 0, result.stderr.decode()
    return result


def test_excel_csv_has_bom_crlf_and_guards_formulas(db_path, tmp_path):
    out = tmp_path / "x.csv"
    result = scnews(db_path, "export", "--format", "csv", "--excel", "--limit", "2", "-o", str(out))
    assert result.stderr.decode().strip() == f"2 articles written to {out}"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + b"url,article_id,")
    assert data.count(b"\r\n") == 3  # header and two records; newlines inside a quoted body stay as they are
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["article_id"] for r in rows] == ["7001", "7002"]
    risky = rows[0]
    assert risky["title"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert risky["source"] == "'+86 028 1234"
    assert risky["editor"] == "'@SUM(A1)"
    assert risky["authors"] == '["-王"]'  # JSON text starts with [: nothing to guard
    assert risky["channel_name"] == "四川新闻"  # ordinary text untouched


def test_excel_csv_on_stdout_is_the_same_bytes(db_path, tmp_path):
    out = tmp_path / "x.csv"
    scnews(db_path, "export", "--format", "csv", "--excel", "--channel", "whty", "-o", str(out))
    stdout = scnews(db_path, "export", "--format", "csv", "--excel", "--channel", "whty").stdout
    assert stdout == out.read_bytes() and stdout.startswith(b"\xef\xbb\xbf")


def test_plain_csv_is_unchanged(db_path):
    data = scnews(db_path, "export", "--format", "csv", "--limit", "1").stdout
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    (row,) = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    assert row["title"] == RISKY["title"]


def test_xlsx_reads_back_with_text_cells(db_path, tmp_path):
    out = tmp_path / "x.xlsx"
    result = scnews(db_path, "export", "--format", "xlsx", "--since", "2024-07-01", "-o", str(out))
    assert result.stderr.decode().strip().splitlines() == [
        "warning: 1 cells were longer than Excel allows and were cut (marked)",
        f"2 articles written to {out}",
    ]
    sheet = openpyxl.load_workbook(out)["articles"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(EXPORT_COLUMNS)
    col = {name: i for i, name in enumerate(EXPORT_COLUMNS)}
    risky, long = rows[1], rows[2]
    title = risky[col["title"]]
    assert title.value == RISKY["title"] and title.data_type == "s"  # text, not a formula
    assert risky[col["editor"]].value == "@SUM(A1)"
    assert risky[col["body"]].value == "正文含控制字符，第二行。\n第二段。"
    assert risky[col["authors"]].value == '["-王"]'
    assert risky[col["disclaimer"]].value is None and risky[col["disclaimer"]].data_type == "n"
    body = long[col["body"]].value
    assert len(body) <= 32_767 and body.startswith("长" * 1000)
    assert body.endswith(" …[7293 characters cut: Excel holds 32,767 per cell]")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--format", "json", "--excel"],
            "Error: --excel applies to --format csv (--format json is not for Excel)",
        ),
        (
            ["-q", "成都", "--format", "csv"],
            "Error: -q means --quiet in every scnews command; give the search as --query",
        ),
    ],
)
def test_export_usage_errors(db_path, args, message):
    result = scnews(db_path, "export", *args, ok=False)
    assert result.returncode == 2
    assert result.stderr.decode().strip().splitlines() == [message]


def test_xlsx_to_a_terminal_is_refused(db_path):
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [SCNEWS, "export", "--format", "xlsx", "--db", str(db_path)],
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    assert (
        result.stderr.decode().strip() == "Error: --format xlsx writes a binary workbook: give --output FILE"
    )


def test_xlsx_to_redirected_stdout(db_path):
    result = scnews(db_path, "export", "--format", "xlsx", "--channel", "whty")
    sheet = openpyxl.load_workbook(io.BytesIO(result.stdout))["articles"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["1001"]
