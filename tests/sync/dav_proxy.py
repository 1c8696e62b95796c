"""A small HTTP proxy in front of a real CalDAV server, to show how other servers answer.

``strip_listing_etags``: depth-1 PROPFIND answers lose every ``getetag`` (SmarterMail and
Kerio Connect list members that way; twentyhq/twenty#25648). ``weak_put_etags``: PUT answers
carry the ETag weak (``W/"x"``) while listings spell it quoted. Everything else passes
through unchanged, on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_GETETAG = re.compile(rb"<(?:[\w-]+:)?getetag\b[^>]*?(?:/>|>.*?</(?:[\w-]+:)?getetag>)", re.S)
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
       "accept-encoding"}  # bodies pass as plain text, so they can be rewritten


class DavProxy:
    """Forwards to ``upstream``; ``url`` is where clients connect instead."""

    def __init__(
        self, upstream: str, strip_listing_etags: bool = False, weak_put_etags: bool = False
    ) -> None:
        self.upstream = urlsplit(upstream)
        self.strip_listing_etags = strip_listing_etags
        self.weak_put_etags = weak_put_etags
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
                conn = http.client.HTTPConnection(
                    proxy.upstream.hostname, proxy.upstream.port, timeout=10
                )
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    answer = conn.getresponse()
                    data = answer.read()
                    out_headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP]
                finally:
                    conn.close()
                depth = self.headers.get("Depth", "")
                if proxy.strip_listing_etags and self.command == "PROPFIND" and depth == "1":
                    data = _GETETAG.sub(b"", data)
                if proxy.weak_put_etags and self.command == "PUT":
                    out_headers = [
                        (k, f"W/{v}" if k.lower() == "etag" and not v.startswith("W/") else v)
                        for k, v in out_headers
                    ]
                self.send_response(answer.status)
                for key, value in out_headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_HEAD = _forward
            do_OPTIONS = do_MKCALENDAR = do_MKCOL = do_PROPPATCH = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> DavProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
