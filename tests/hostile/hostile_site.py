"""A hostile web server for the crawl's reliability tests: a real HTTP server on 127.0.0.1.

``HostileServer(routes)`` answers each path with its route (a function of the request handler), logs every
request (path and ``Host``), and answers 404 elsewhere. One instance stands for the site; a second one,
reached under the name ``localhost`` (another host name for the same loopback address), stands for another
host: the crawl must never reach it.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Route = Callable[["Handler"], None]


@dataclass(frozen=True)
class Logged:
    path: str
    host: str


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.log.append(Logged(path, self.headers.get("Host") or ""))
        route = self.server.routes.get(path)
        try:
            if route is None:
                send(self, 404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up (timeout, size limit): nothing more to send


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up are the point of this server


class HostileServer:
    def __init__(self, routes: dict[str, Route], name: str = "127.0.0.1") -> None:
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.routes = routes  # type: ignore[attr-defined]
        self.httpd.log = []  # type: ignore[attr-defined]
        self.httpd.lock = threading.Lock()  # type: ignore[attr-defined]
        self.stopping = threading.Event()
        self.httpd.stopping = self.stopping  # type: ignore[attr-defined]
        self.url = f"http://{name}:{self.httpd.server_address[1]}"
        self.netloc = urlsplit(self.url).netloc
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def routes(self) -> dict[str, Route]:
        return self.httpd.routes  # type: ignore[attr-defined]

    @property
    def log(self) -> list[Logged]:
        with self.httpd.lock:  # type: ignore[attr-defined]
            return list(self.httpd.log)  # type: ignore[attr-defined]

    def paths(self) -> list[str]:
        return [entry.path for entry in self.log]

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# --- answers ---------------------------------------------------------------------------------------


def send(
    h: Handler, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    for name, value in headers.items():
        h.send_header(name.replace("_", "-"), value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def page(body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> Route:
    return lambda h: send(h, 200, body, ctype, **headers)


def redirect(location: str, status: int = 302) -> Route:
    return lambda h: send(h, status, b"moved", "text/plain", Location=location)


def slow(seconds: float, route: Route) -> Route:
    def answer(h: Handler) -> None:
        time.sleep(seconds)
        route(h)

    return answer


def stall(h: Handler) -> None:
    """Headers and a first byte, then nothing until the server stops (the client must time out)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(b"<")
    h.wfile.flush()
    h.server.stopping.wait(60)  # type: ignore[attr-defined]


def drip(h: Handler) -> None:
    """A byte every 0.2 s, forever: never idle long enough for an idle timeout; only a total one ends it."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    while not h.server.stopping.wait(0.2):  # type: ignore[attr-defined]
        h.wfile.write(b"1\r\nx\r\n")
        h.wfile.flush()


def big(size: int, *, chunked: bool) -> Route:
    """``size`` bytes of HTML-ish filler, declared up front (Content-Length) or streamed in chunks."""
    block = b"<p>" + b"x" * (64 * 1024 - 8) + b"</p>\n"

    def answer(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(size))
        h.end_headers()
        sent = 0
        while sent < size:
            piece = block[: size - sent]
            h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            h.wfile.write(b"0\r\n\r\n")

    return answer


def encoded(body: bytes, encoding: str) -> Route:
    return lambda h: send(h, 200, body, "text/html; charset=utf-8", Content_Encoding=encoding)


def bomb(encoding: str, size: int) -> bytes:
    """``size`` zero bytes compressed as ``gzip``, ``deflate`` (zlib), ``br`` or ``zstd``: a few hundred KB
    at most. (brotli and zstd come with Scrapy 2.19, which decodes them.)"""
    block = bytes(1 << 20)
    chunks: Iterable[bytes]
    if encoding == "zstd":
        try:
            from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+
        except ImportError:
            from backports import zstd  # type: ignore[import-not-found,no-redef]

        packer = zstd.ZstdCompressor()
        return b"".join([packer.compress(block) for _ in range(size >> 20)] + [packer.flush()])
    if encoding == "br":
        import brotli

        compressor = brotli.Compressor(quality=5)
        chunks = [compressor.process(block) for _ in range(size >> 20)] + [compressor.finish()]
        return b"".join(chunks)
    wbits = 31 if encoding == "gzip" else 15
    deflater = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join([deflater.compress(block) for _ in range(size >> 20)] + [deflater.flush()])
