"""`scnews stats` shows coverage and open gaps per channel, and runs that died as abandoned."""

import json
from datetime import datetime

from click.testing import CliRunner

from crawler import coverage, storage
from crawler.cli.stats import stats_command
from crawler.database import open_database
from crawler.timewindow import CHINA


def test_stats_show_coverage_gaps_and_abandoned_runs(tmp_path):
    path = tmp_path / "news.db"
    db = open_database(path)
    coverage.add_coverage(
        db, "cjbd", datetime(2025, 3, 1, tzinfo=CHINA), datetime(2025, 3, 4, 9, tzinfo=CHINA)
    )
    coverage.record_gap(
        db,
        "cjbd",
        datetime(2025, 2, 27, tzinfo=CHINA),
        datetime(2025, 3, 1, tzinfo=CHINA),
        "--max-pages 2 reached",
    )
    storage.start_run(db, {})
    storage.abandon_running_runs(db)
    db.close()

    result = CliRunner().invoke(stats_command, ["--db", str(path)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "  cjbd         3.4 days  2025-03-01 00:00 -> 2025-03-04 09:00" in text
    assert "gap  2025-02-27 00:00 -> 2025-03-01 00:00  (--max-pages 2 reached)" in text
    assert "last runs: (1 abandoned in all)" in text
    assert " abandoned" in text.split("last runs:")[1]

    data = json.loads(CliRunner().invoke(stats_command, ["--db", str(path), "--format", "json"]).output)
    (row,) = data["coverage"]
    assert row["open_gaps"] == [
        {
            "start": "2025-02-26T16:00:00+00:00",
            "end": "2025-02-28T16:00:00+00:00",
            "reason": "--max-pages 2 reached",
        }
    ]
