"""A real ``scnews serve`` process on a free port, for the web tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCNEWS = str(Path(sys.executable).parent / "scnews")


@contextmanager
def running_serve(path: Path, *extra: str, refresh: float | None = None) -> Iterator[str]:
    """Start ``scnews serve --port 0`` on ``path``, wait until it answers, yield its base URL, stop it."""
    env = {**os.environ}
    if refresh is not None:
        env["SCNEWS_SERVE_REFRESH"] = str(refresh)
    proc = subprocess.Popen(
        [SCNEWS, "serve", "--port", "0", "--db", str(path), *extra],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert f"serving {path.name} read-only on http://127.0.0.1:" in line, line
        base = line.split(" on ", 1)[1].strip().rsplit("/", 1)[0]
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()
