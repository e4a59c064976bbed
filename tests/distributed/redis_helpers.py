"""A real redis-server on 127.0.0.1 (Debian's package), on a free port in a temporary directory."""

from __future__ import annotations

import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, directory: Path, *, durable: bool = False):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "redis-server is not installed (apt-get install redis-server; .ci/test does it)"
            )
        self.binary = binary
        self.directory = directory
        self.durable = durable
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
        args += ["--save", "", "--daemonize", "no", "--protected-mode", "no"]
        # Durable: every write is on disk before it is answered, so a killed server restarts with all of it.
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.directory
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


CLI = [sys.executable, "-c", "from crawler.cli import main; main()"]
# Crawlers notice a stopped peer after 2 s instead of 10 (its requests go back to the frontier then). A
# timeout longer than the replica's 1 s (still shorter than its slow page) keeps a loaded machine from
# timing out good pages, which would make the stored set differ by chance.
SETTINGS = ["-s", "DOWNLOAD_TIMEOUT=2.5"]
FAST = [*SETTINGS, "-s", "SCNEWS_REDIS_HEARTBEAT_TTL=2"]


def crawler(redis_url: str, replica_url: str, *args: str) -> subprocess.Popen:
    command = [*CLI, "crawl", "--redis", redis_url, "--replica-url", replica_url, "--quiet", *FAST, *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def ingester(redis_url: str, db: Path, *args: str) -> subprocess.Popen:
    command = [*CLI, "ingest", "--redis", redis_url, "--db", str(db), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 90) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def stored_count(db: Path) -> int:
    """Articles committed so far (0 while the writer has not created its database yet)."""
    try:
        return rows(db, "SELECT COUNT(*) FROM articles")[0][0] if db.exists() else 0
    except sqlite3.OperationalError:
        return 0


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, as a machine or process dying would, then collect it (closing its pipes)."""
    process.kill()
    process.communicate(timeout=10)
