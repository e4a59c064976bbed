"""The dashboard of ``scnews serve`` in a real headless Chromium: the charts are drawn (screenshot
pixels), with the counts of the hand-written corpus (tests/search/search_corpus.py: eight articles,
2022-12 to 2024-06).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "search"))
from search_corpus import write_corpus  # noqa: E402
from serve_process import running_serve  # noqa: E402

SCNEWS = str(Path(sys.executable).parent / "scnews")
WINDOW = (1200, 1500)
# dashboard.js colours: the trend line (#e15759) and the first series of the bar charts (#4e79a7)
TREND_RGB = (0xE1, 0x57, 0x59)
FIRST_RGB = (0x4E, 0x79, 0xA7)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dashboard")
    path = tmp / "scnews.db"
    write_corpus(path)
    with running_serve(path) as base:
        yield base, tmp


def chromium(url: str, profile: Path, *mode: str) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "chromium is not installed (apt-get install chromium)"
    result = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            "--virtual-time-budget=5000",
            f"--user-data-dir={profile}",
            *mode,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def body_attribute(dom: str, name: str) -> str:
    start = dom.index(f'{name}="', dom.index("<body")) + len(name) + 2
    return unescape(dom[start : dom.index('"', start)])


def close_to(pixel: tuple[int, ...], rgb: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], rgb, strict=True))


def test_cjk_font_is_installed():
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font: apt-get install fonts-noto-cjk (screenshots would show boxes)"


def test_charts_are_drawn(server):
    base, tmp = server
    url = f"{base}/-/dashboard?term={quote('成都')}&by=month&days=900"
    dom = chromium(url, tmp / "profile-dom", "--dump-dom").stdout
    assert body_attribute(dom, "data-charts-drawn").split() == [
        "chart-channels",
        "chart-sources",
        "chart-trend",
    ]
    assert "Trend: 成都 (4 articles)" in dom  # 1001, 1006, 1005, 1008; not 1002 (完成。都江堰)
    boxes = json.loads(body_attribute(dom, "data-chart-boxes"))
    shot = tmp / "dashboard.png"
    chromium(url, tmp / "profile-shot", f"--screenshot={shot}")
    image = Image.open(shot).convert("RGB")
    assert image.size == WINDOW
    for chart, colour, at_least in (
        ("chart-trend", TREND_RGB, 300),  # a 3-pixel line across the chart
        ("chart-channels", FIRST_RGB, 20),  # the bars of the largest channel
        ("chart-sources", FIRST_RGB, 2000),  # the longest bar is most of the chart's width
    ):
        left, top, width, height = boxes[chart]
        assert top + height <= WINDOW[1], f"{chart} is below the screenshot"
        region = image.crop((left, top, left + width, top + height))
        raw = region.tobytes()  # RGB triples, row by row
        pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
        coloured = sum(close_to(p, colour) for p in pixels)
        background = pixels[0]
        drawn = sum(p != background for p in pixels)
        assert coloured >= at_least, f"{chart}: {coloured} pixels of its colour"
        assert drawn > 0.01 * len(pixels), f"{chart}: only {drawn} non-background pixels"


def test_data_counts(server):
    base, _ = server
    data = json.loads(
        urllib.request.urlopen(f"{base}/-/dashboard.json?days=900&by=month&term={quote('成都')}").read()
    )
    assert (data["first"], data["last"], data["total"]) == ("2021-12-15", "2024-06-01", 8)
    assert data["sources"][:2] == [{"source": "中国新闻网", "count": 3}, {"source": "四川日报", "count": 2}]
    totals = {c["code"]: sum(c["counts"]) for c in data["channels"]}
    assert totals == {"cjbd": 2, "scxw": 2, "whty": 1, "shms": 1, "kjws": 1, "glgj": 1}
    assert [c["code"] for c in data["channels"][:2]] == ["cjbd", "scxw"]  # ties by code
    days = data["labels"]
    assert len(days) == 900 and days[0] == "2021-12-15" and days[-1] == "2024-06-01"
    scxw = next(c for c in data["channels"] if c["code"] == "scxw")
    assert scxw["counts"][days.index("2024-01-05")] == 1 and scxw["counts"][days.index("2023-07-29")] == 1
    trend = dict(zip(data["trend"]["periods"], data["trend"]["counts"], strict=True))
    assert trend["2023-07"] == 2 and trend["2024-05"] == 1 and trend["2024-06"] == 1 and trend["2023-08"] == 0
    assert data["trend"]["total"] == 4


def test_bad_input_is_one_message_on_the_page(server):
    base, tmp = server
    dom = chromium(
        f"{base}/-/dashboard?term={quote(chr(34) + '成都')}", tmp / "profile-bad", "--dump-dom"
    ).stdout
    assert "unterminated quote in query" in dom and "raised exception" not in dom
    assert "chart-channels" in body_attribute(dom, "data-charts-drawn")  # the other charts still show
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{base}/-/dashboard.json?days=0")
    assert error.value.code == 400
    assert "days must be a whole number from 1 to 3660" in error.value.read().decode()


def test_linked_from_the_menu(server):
    base, _ = server
    html = urllib.request.urlopen(f"{base}/").read().decode()
    assert 'href="/-/dashboard"' in html


def test_nothing_loaded_from_outside(server):
    base, _ = server
    html = urllib.request.urlopen(f"{base}/-/dashboard").read().decode()
    loaded = re.findall(r'<script[^>]* src="([^"]+)"|<link[^>]* href="([^"]+)"', html)
    urls = [a or b for a, b in loaded]
    assert "/-/static-plugins/crawler.datasette.dashboard/chart.umd.min.js" in urls
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    script = urllib.request.urlopen(f"{base}/-/static-plugins/crawler.datasette.dashboard/chart.umd.min.js")
    assert script.read(64).startswith(b"/*!\n * Chart.js v4")
