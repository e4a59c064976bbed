"""The replica's HTTP server: a real server on 127.0.0.1 (stdlib ``ThreadingHTTPServer``) in a thread.

Besides the site's paths it answers two control endpoints (robots.txt keeps crawlers out of them):
``GET /_replica/requests`` (the request log as JSON) and ``POST /_replica/articles`` with a JSON object
``{"channel": "cjbd", "title": "...", "date": "2024-04-11", "paragraphs": ["..."]}`` (adds an article,
which the channel's list shows at once; answers ``{"path": ...}``). ``PUT /_replica/articles/{id}`` with the
fields to change (``{"title": ..., "body": ..., "source": ..., "editor": ...}``, or ``{"redirect_to": "/"}``)
edits an article in place, and ``DELETE /_replica/articles/{id}`` withdraws it (404 afterwards; a later PUT
brings it back): both answer ``{"path": ..., "status": ...}``, or 404 for an unknown id.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from crawler.replica.site import ReplicaSite
from crawler.urls import CANONICAL_HOST, is_site_host

MAX_POST_BYTES = 1 << 20  # an article to add is a few KB


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def _send(self, status: int, headers: dict[str, str], body: bytes, *, head: bool = False) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool = False) -> None:
        site = self.server.site
        path = urlsplit(self.path).path or "/"
        host_header = (self.headers.get("Host") or "").strip()
        hostname = host_header.split(":")[0].lower()
        user_agent = self.headers.get("User-Agent") or ""
        try:
            if is_site_host(hostname) and hostname != CANONICAL_HOST:
                # Another host form of the site (www.sc.chinanews.com): 301 to the canonical form, here.
                location = f"{self.server.url}{path}"
                site.record(self.command, path, host_header, 301, user_agent)
                self._send(301, {"Location": location, "Content-Type": "text/plain"}, b"moved", head=head)
                return
            if path == "/_replica/requests":
                body = json.dumps([asdict(r) for r in site.requests()], ensure_ascii=False).encode()
                self._send(200, {"Content-Type": "application/json"}, body, head=head)
                return
            status, headers, body, delay = site.answer(path)
            site.record(self.command, path, host_header, status, user_agent)
            if delay:
                time.sleep(delay)
            self._send(status, headers, body, head=head)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout): nothing to answer

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve()

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def do_POST(self) -> None:  # noqa: N802
        if urlsplit(self.path).path != "/_replica/articles":
            self._send(404, {"Content-Type": "text/plain"}, b"not found")
            return
        declared = (self.headers.get("Content-Length") or "0").strip()
        if not declared.isdigit() or int(declared) > MAX_POST_BYTES:
            # The body cannot be delimited (or is too big to read): answer and close the connection.
            self.close_connection = True
            reason = "too large" if declared.isdigit() else f"bad Content-Length {declared!r}"
            status = 413 if declared.isdigit() else 400
            self._send(status, {"Content-Type": "text/plain", "Connection": "close"}, reason.encode())
            return
        try:
            data = json.loads(self.rfile.read(int(declared)) or b"{}")
            path = self.server.site.add_article(
                str(data["channel"]),
                title=data.get("title"),
                date=data.get("date"),
                article_id=data.get("article_id"),
                paragraphs=data.get("paragraphs"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"Content-Type": "text/plain"}, f"bad request: {exc}".encode())
            return
        self._send(201, {"Content-Type": "application/json"}, json.dumps({"path": path}).encode())

    def _article_id(self) -> str | None:
        path = urlsplit(self.path).path
        prefix = "/_replica/articles/"
        return path[len(prefix) :] if path.startswith(prefix) and path[len(prefix) :].isdigit() else None

    def _json(self, status: int, data: object) -> None:
        self._send(
            status, {"Content-Type": "application/json"}, json.dumps(data, ensure_ascii=False).encode()
        )

    def do_PUT(self) -> None:  # noqa: N802
        article_id = self._article_id()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if article_id is None:
            self._json(404, {"error": "use /_replica/articles/{id}"})
            return
        try:
            data = json.loads(raw or b"{}")
            if not isinstance(data, dict):
                raise ValueError("a JSON object of the fields to change is expected")
            done = self.server.site.edit_article(article_id, data)
        except (ValueError, TypeError) as exc:
            self._json(400, {"error": f"bad request: {exc}"})
            return
        if done is None:
            self._json(404, {"error": f"no article {article_id}"})
            return
        self._json(200, {"path": done[0], "status": done[1]})

    def do_DELETE(self) -> None:  # noqa: N802
        article_id = self._article_id()
        path = self.server.site.withdraw_article(article_id) if article_id else None
        if path is None:
            self._json(404, {"error": f"no article {article_id} online"})
            return
        self._json(200, {"path": path, "status": "withdrawn"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default backlog (5) drops connections when a crawl opens many at once
    site: ReplicaSite
    url: str

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # a client closing a kept-alive connection, or giving up on a slow page
        print(f"replica: error answering {client_address}: {exc!r}", file=sys.stderr)


class ReplicaServer:
    """``with ReplicaServer(ReplicaSite()) as replica: ... replica.url ...`` (port 0 picks a free port)."""

    def __init__(self, site: ReplicaSite | None = None, port: int = 0, host: str = "127.0.0.1") -> None:
        self.site = site or ReplicaSite()
        self.httpd = _Server((host, port), _Handler)
        self.httpd.site = self.site
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self.httpd.url = self.url
        self._thread: threading.Thread | None = None

    def start(self) -> ReplicaServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="scnews-replica", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
