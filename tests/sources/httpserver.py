"""A real HTTP server on 127.0.0.1 (random port) for the fetch tests; no other network.

A plain module, not a conftest, so it cannot clash with fixtures of other test files here.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).parent / "pages"
BOMB_SIZE = 50 * 1024 * 1024
# path: (function of tests.sources.extraction.pdfs, its arguments, Content-Type sent)
PDF_ROUTES: dict[str, tuple[str, dict, str | None]] = {
    "/report.pdf": ("two_column_report", {}, "application/pdf"),
    "/download": ("two_column_report", {}, "application/octet-stream"),
    "/untyped-report": ("two_column_report", {}, None),
    "/scan.pdf": ("scanned", {}, "application/pdf"),
    "/long.pdf": ("many_pages", {"pages": 5}, "application/pdf"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0: the connection closes after each response, so a body without
    # Content-Length is delimited by the close
    protocol_version = "HTTP/1.0"
    gzip_bomb: bytes = b""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        # the client gives up on purpose (size cap, deadline)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str | None = "text/html",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/page":
            body = (PAGES / "en_thinktank_note.html").read_bytes()
            self.send(200, body, "text/html; charset=utf-8")
        elif path == "/slow-article":  # a distinct article (?n=) after ?wait= seconds
            time.sleep(float(query.get("wait", ["1"])[0]))
            n = query.get("n", ["0"])[0]
            page = (PAGES / "en_thinktank_note.html").read_text("utf-8")
            at = page.index("<p>") + 3
            marked = f"{page[:at]}Copy number {n} of this note, served slowly. {page[at:]}"
            self.send(200, marked.encode(), "text/html; charset=utf-8")
        elif path == "/ru-meta":
            self.send(200, (PAGES / "ru_cp1251_meta.html").read_bytes(), "text/html")
        elif path == "/echo":
            lines = [f"{k}: {v}" for k, v in self.headers.items()]
            body = (
                f"<html><body><pre>path: {self.path}\n" + "\n".join(lines) + "</pre></body></html>"
            )
            self.send(200, body.encode(), "text/html; charset=utf-8")
        elif path == "/redirect":
            self.send(302, b"", headers={"Location": query["to"][0]})
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            if n == 0:
                self.send(200, b"<html><body><p>end of chain</p></body></html>")
            else:
                self.send(301, b"", headers={"Location": f"/chain/{n - 1}"})
        elif path == "/no-location":
            self.send(302, b"")
        elif path == "/slow-headers":
            time.sleep(3)
            self.send(200, b"<html><body>late</body></html>")
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.02)
        elif path == "/big-length":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"<html>" + b"a" * 1000)
        elif path == "/big-stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"<p>" + b"a" * 65536 + b"</p>")
        elif path == "/gzip-bomb":
            self.send(200, self.gzip_bomb, "text/html", headers={"Content-Encoding": "gzip"})
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            headers = {"Retry-After": "7"} if code == 429 else {}
            self.send(code, b"<html><body>status page</body></html>", headers=headers)
        elif path == "/pdf":
            self.send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
        elif path in PDF_ROUTES:  # generated PDFs (reportlab, a test dependency)
            from tests.sources.extraction import pdfs

            make, arguments, content_type = PDF_ROUTES[path]
            self.send(200, getattr(pdfs, make)(**arguments), content_type)
        elif path == "/binary":
            self.send(200, b"\x00\x01 not a document", "application/octet-stream")
        elif path == "/weird-type":
            self.send(200, b"x", "<b>alert(1)</b>; charset=utf-8")
        elif path == "/empty":
            self.send(200, b"")
        elif path == "/feed.xml":
            self.send(200, rss_feed(f"http://{self.headers['Host']}"), "application/rss+xml")
        elif path == "/atom.xml":
            self.send(200, atom_feed(f"http://{self.headers['Host']}"), "application/atom+xml")
        else:
            self.send(404, b"<html><body>not found</body></html>")


def rss_feed(base: str) -> bytes:
    """An RSS 2.0 feed of two of this server's articles (and an entry without a link)."""
    items = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{guid}</guid></item>"
        for title, path, guid in [
            ("Drills without an alliance", "/page", "note-1"),
            ("Министр обороны КНДР в Москве", "/ru-meta", "ru-1"),
        ]
    )
    items += "<item><title>A podcast without a page</title></item>"
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Meridian notes</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def atom_feed(base: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Meridian (Atom)</title><id>urn:meridian</id>"
        f'<entry><title>Drills</title><id>urn:note-1</id><link href="{base}/page"/></entry>'
        "</feed>"
    ).encode()


class Server:
    def __init__(self, httpd: http.server.ThreadingHTTPServer, scheme: str = "http") -> None:
        self.httpd = httpd
        self.port = httpd.server_address[1]
        self.scheme = scheme

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


def start_server(wrap=None) -> http.server.ThreadingHTTPServer:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    if wrap is not None:
        httpd.socket = wrap(httpd.socket)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@contextmanager
def running_server(wrap=None) -> Iterator[Server]:
    """Serve in a daemon thread; `wrap` wraps the listening socket (TLS)."""
    if not Handler.gzip_bomb:
        Handler.gzip_bomb = gzip.compress(b"\0" * BOMB_SIZE, compresslevel=9)
    httpd = start_server(wrap)
    try:
        yield Server(httpd, scheme="http" if wrap is None else "https")
    finally:
        httpd.shutdown()
        httpd.server_close()
