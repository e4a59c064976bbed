"""``scnews trend`` as a real subprocess on a real SQLite file (tests/search/search_corpus.py)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import write_corpus  # noqa: E402

from crawler.cli.trend import bar, format_table, sparkline  # noqa: E402
from crawler.search.trend import TrendResult  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("trend") / "scnews.db"
    write_corpus(path)
    return path


def scnews(*args):
    return subprocess.run([SCNEWS, *args], capture_output=True, text=True, timeout=60)


def test_table_has_a_row_per_period_with_bars(db_path):
    result = scnews(
        "trend",
        "成都",
        "大运会",
        "--by",
        "month",
        "--since",
        "2024-04-01",
        "--until",
        "2024-06-30",
        "--db",
        str(db_path),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["period", "成都", "大运会"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:4]}
    assert rows["2024-04"] == ["0", "0"]
    assert rows["2024-05"][0] == "1" and "█" in rows["2024-05"][1] and rows["2024-05"][2] == "0"
    assert rows["2024-06"][0] == "1"
    assert lines[4] == ""
    assert lines[5].startswith("成都") and " 2 articles" in lines[5]
    assert lines[6].startswith("大运会") and lines[6].endswith(" 0 articles  ▁▁▁")


def test_json_and_csv_give_the_same_counts(db_path):
    args = [
        "trend",
        "成都",
        "人工智能 OR AIGC",
        "--by",
        "week",
        "--since",
        "2024-04-08",
        "--until",
        "2024-04-21",
    ]
    as_json = scnews(*args, "--format", "json", "--db", str(db_path))
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["by"] == "week" and data["terms"] == ["成都", "人工智能 OR AIGC"]
    assert data["periods"] == [
        {"period": "2024-04-08", "成都": 0, "人工智能 OR AIGC": 1},  # 1003, AIGC, 2024-04-11
        {"period": "2024-04-15", "成都": 0, "人工智能 OR AIGC": 0},
    ]
    assert data["totals"] == {"成都": 0, "人工智能 OR AIGC": 1}
    as_csv = scnews(*args, "--format", "csv", "--db", str(db_path))
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["period", "成都", "人工智能 OR AIGC"],
        ["2024-04-08", "0", "1"],
        ["2024-04-15", "0", "0"],
    ]


@pytest.mark.parametrize(
    "args, code, fragment",
    [
        (["'\"成都"], 2, "unterminated quote"),
        (["成都", "--by", "year"], 2, "'year' is not one of"),
        (["成都", "--since", "2024-02-30"], 2, "not a valid date"),
        (["成都", "--channel", "nowhere"], 2, "unknown channel"),
        (["成都", "--since", "2024-05-01", "--until", "2024-04-01"], 2, "is not before"),
        ([], 2, "Missing argument"),
    ],
)
def test_usage_errors_are_one_line_exit_2(db_path, args, code, fragment):
    result = scnews("trend", *[a.strip("'") for a in args], "--db", str(db_path))
    assert result.returncode == code, result.stderr
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_file_that_is_not_a_database_is_a_runtime_failure(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = scnews("trend", "成都", "--db", str(bad))
    assert result.returncode == 1, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_bars_and_sparklines():
    assert bar(0, 10, 8) == ""
    assert bar(10, 10, 8) == "█" * 8
    assert bar(5, 10, 8) == "████"
    assert bar(1, 1000, 8) == "▏"  # a non-zero count is never invisible
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([1, 100]) == "▂█"  # a non-zero count is never the empty mark
    assert sparkline([0, 0]) == "▁▁"


def test_table_columns_stay_aligned_with_chinese_terms():
    result = TrendResult(
        terms=["成都", "AI"],
        by="day",
        periods=["2024-01-01", "2024-01-02"],
        counts={"成都": [3, 0], "AI": [1, 1]},
    )
    lines = format_table(result, columns=60).splitlines()
    # the second term's column starts at the same display column on every row
    from crawler.cli.trend import width

    starts = {width(line[: line.rindex(c)]) for line, c in zip(lines[:3], ["AI", "1 ", "1 "], strict=True)}
    assert len(starts) == 1
