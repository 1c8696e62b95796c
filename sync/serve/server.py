"""The HTTP server of ``hamsync serve`` and of the daemon's ``[feed]``: the ICS feed at
``/<feed token>.ics`` and the check-in page at ``/<page token>/``; everything else is 404.

Python's ``ThreadingHTTPServer``, one thread per request, listening on 127.0.0.1 unless
``[feed] host`` says otherwise. Around the page's forms (:mod:`sync.serve.page`), the limits
of a server that a phone reaches through a proxy or a private network:

- a body over :data:`MAX_BODY_BYTES` is refused (413) before it is read, a body without a
  length (411) or of another type than a plain form (415) too;
- a post from another site (an ``Origin`` not this host, or ``Sec-Fetch-Site`` cross-site)
  is refused (403) before its token is even looked at;
- a client that stalls is cut off after :data:`SOCKET_TIMEOUT_S`; a request line and its
  headers must arrive within :data:`HEADER_DEADLINE_S` however slowly they drip in
  (Slowloris), and a form's body within :data:`BODY_DEADLINE_S`;
- at most :data:`MAX_CONNECTIONS` connections are served at once; one more is answered 503
  at once and closed;
- a request that cannot be parsed (a query or form with too many fields, a length that is
  not ASCII digits, invalid UTF-8 even percent-encoded) is answered 400; an unknown method
  404; a fault while answering 500 without detail and one line on stderr, never a
  traceback nor an unanswered connection;
- tokens are compared in constant time (``hmac.compare_digest``), and no request line is
  logged (the paths hold the tokens).
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sync.config.model import Config
from sync.serve.addresses import is_loopback
from sync.serve.feed import feed_token, render_feed
from sync.serve.page import AFTER_DAEMON, SECURITY_HEADERS, Answer, CheckinPage, page_token

MAX_BODY_BYTES = 8192
"""A form's body at most: a 500-character note of 4-byte characters, percent-encoded, fits."""
DRAIN_MAX_BYTES = 1 << 20
"""A refused body up to this size is read and dropped, so the client sees the 413 (closing
on unread data can reset the connection before the answer is read); a larger one is not."""
MAX_FIELDS = 8
BODY_DEADLINE_S = 10.0
"""A form's body must have arrived this long after its headers (no drip-feeding)."""
SOCKET_TIMEOUT_S = 20.0
"""A request that sends nothing for this long is dropped (a stalled or hostile client)."""
HEADER_DEADLINE_S = 20.0
"""A request line and all its headers must have arrived this long after the server started
waiting for them, however slowly they drip in (a Slowloris client sending a byte every few
seconds never trips :data:`SOCKET_TIMEOUT_S`); then the connection is closed unanswered. A
phone sends its few hundred bytes of headers at once: 20 s leaves room for a slow mobile
network, and matches the stall limit the docs name."""
MAX_CONNECTIONS = 32
"""Connections served at once (one thread each). One runner's phone and calendar apps need a
handful; one more is answered ``503`` with ``Retry-After`` and closed, so a flood of open
connections cannot pile up threads and memory (32 threads of Python's default stack)."""
_LENGTH = re.compile(r"[0-9]{1,12}")
ACTIONS = ("done", "checkin")


class CappedServer(ThreadingHTTPServer):
    """A thread per connection, at most ``max_connections`` at once; one more is answered
    ``503`` (``Retry-After: 10``) from the accepting thread and closed."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: Any, max_connections: int
    ) -> None:
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._turn_away(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed outside a request's handling: one line, no traceback."""
        kind = type(sys.exc_info()[1]).__name__
        print(f"hamsync serve: a connection failed ({kind})", file=sys.stderr)

    def _turn_away(self, request: socket.socket) -> None:
        body = b"503 Service Unavailable: too many connections, try again shortly\n"
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            request.settimeout(1.0)
            request.sendall(head.encode() + body)
            request.setblocking(False)
            request.recv(65536)  # what already came: closing on unread data would reset
        except OSError:
            pass
        finally:
            self.shutdown_request(request)


class HamsyncServer:
    """The feed (always) and the check-in page (when given); :meth:`stop` ends it."""

    def __init__(
        self,
        config: Config,
        feed: str,
        host: str,
        port: int,
        page: CheckinPage | None = None,
        *,
        header_deadline_s: float = HEADER_DEADLINE_S,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        feed_path = f"/{feed}.ics"
        posts = {f"{page.base}{action}": action for action in ACTIONS} if page else {}

        class Handler(BaseHTTPRequestHandler):
            server_version = "hamsync"
            sys_version = ""
            timeout = SOCKET_TIMEOUT_S

            def do_GET(self) -> None:
                self._get(with_body=True)

            def do_HEAD(self) -> None:
                self._get(with_body=False)

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                action = next(
                    (a for p, a in posts.items() if hmac.compare_digest(path.encode(), p.encode())),
                    None,
                )
                if page is None or action is None:
                    self._not_found()
                    return
                self._send(self._post(page, action), with_body=True)

            def _not_found(self) -> None:
                self.close_connection = True
                self.send_error(404, "Not Found")

            do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_found

            def handle_one_request(self) -> None:
                """One request, its line and headers within :data:`HEADER_DEADLINE_S`; any
                fault ends in an answer (500 when nothing was sent yet) and one log line."""
                self._answered = False
                self._cut = False
                self._deadline = threading.Timer(header_deadline_s, self._cut_off)
                self._deadline.daemon = True
                self._deadline.start()
                try:
                    super().handle_one_request()
                except OSError:  # a reset, a timeout, the deadline: nobody to answer
                    self.close_connection = True
                except Exception as exc:
                    self.close_connection = True
                    print(
                        f"hamsync serve: a request failed ({type(exc).__name__}); "
                        "answered 500",
                        file=sys.stderr,
                    )
                    if not self._answered:
                        with contextlib.suppress(OSError):
                            self.send_error(500)
                finally:
                    self._deadline.cancel()

            def parse_request(self) -> bool:
                ok = super().parse_request()  # the headers are in (or refused)
                self._deadline.cancel()
                if self._cut:  # headers cut short by the deadline: not a request
                    self.close_connection = True
                    return False
                return ok

            def _cut_off(self) -> None:
                """The header deadline passed: end the connection under the reader."""
                self._cut = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

            def send_response(self, code: int, message: str | None = None) -> None:
                self._answered = True
                super().send_response(code, message)

            def send_error(
                self, code: int, message: str | None = None, explain: str | None = None
            ) -> None:
                """Every error answer: a short plain text with the page's security headers
                (no server detail); an unknown method (501 in Python) answers 404."""
                status = HTTPStatus.NOT_FOUND if code == HTTPStatus.NOT_IMPLEMENTED else code
                phrase = HTTPStatus(status).phrase
                body = f"{int(status)} {phrase}\n".encode()
                self.close_connection = True
                self.send_response(status, phrase)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                for name, value in SECURITY_HEADERS:
                    self.send_header(name, value)
                self.send_header("Connection", "close")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if getattr(self, "command", "") != "HEAD":
                    self.wfile.write(body)

            def _get(self, with_body: bool) -> None:
                parts = urlsplit(self.path)
                wanted = parts.path.encode()
                if hmac.compare_digest(wanted, feed_path.encode()):
                    body = render_feed(config)  # a fault: 500 (handle_one_request)
                    headers = (
                        ("Content-Type", "text/calendar; charset=utf-8"),
                        ("Cache-Control", "no-cache"),
                    )
                    self._send(Answer(200, body, headers), with_body)
                elif page is not None and hmac.compare_digest(wanted, page.base.encode()):
                    try:
                        query = parse_qs(
                            parts.query, max_num_fields=MAX_FIELDS, errors="strict"
                        )
                    except ValueError:  # too many fields, invalid UTF-8
                        self._send(page.refusal(400, "Not this page", "Open the page's own "
                                                "address."), with_body)  # fmt: skip
                        return
                    said = query.get("said", [""])
                    self._send(page.get(said[0] if len(said) == 1 else ""), with_body)
                else:
                    self._not_found()

            def _post(self, page: CheckinPage, action: str) -> Answer:
                """Check the framing and the origin, read the form, let the page act."""
                self.close_connection = True  # a refused body is never read: end here
                length_text = self.headers.get("Content-Length")
                if self.headers.get("Transfer-Encoding") or not _LENGTH.fullmatch(
                    length_text or ""
                ):
                    return page.refusal(411, "No length", "Send the form from the page.")
                length = int(length_text or "0")
                if length > MAX_BODY_BYTES:
                    self._drain(length)
                    return page.refusal(
                        413, "Too large", f"A form is at most {MAX_BODY_BYTES:,} bytes."
                    )
                kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if kind != "application/x-www-form-urlencoded":
                    return page.refusal(415, "Not a form", "Send the form from the page.")
                if not self._same_origin():
                    return page.refusal(
                        403, "Not from this page", "Forms are taken from this page only."
                    )
                try:
                    text = self._read_body(length).decode("utf-8")
                    form = parse_qs(
                        text, keep_blank_values=True, max_num_fields=MAX_FIELDS,
                        strict_parsing=bool(text), errors="strict",
                    )  # fmt: skip
                except (UnicodeDecodeError, ValueError):
                    return page.refusal(400, "Not a form", "Send the form from the page.")
                except OSError:  # too slow (a timeout), or the client went away
                    return page.refusal(408, "Too slow", "Send the form again.")
                return page.post(action, form)

            def _read_body(self, length: int) -> bytes:
                """The body, within :data:`BODY_DEADLINE_S` however slowly it drips in."""
                end = time.monotonic() + BODY_DEADLINE_S
                chunks: list[bytes] = []
                while length > 0:
                    left = end - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    self.connection.settimeout(left)
                    chunk = self.rfile.read1(length)
                    if not chunk:
                        raise ValueError("the body ended early")
                    chunks.append(chunk)
                    length -= len(chunk)
                return b"".join(chunks)

            def _drain(self, length: int) -> None:
                if length > DRAIN_MAX_BYTES:
                    return
                try:
                    while length > 0:
                        chunk = self.rfile.read(min(length, 65536))
                        if not chunk:
                            return
                        length -= len(chunk)
                except OSError:
                    return

            def _same_origin(self) -> bool:
                """Never a cross-site fetch, nor an ``Origin`` other than this host.

                No ``Origin`` (an old browser, a script) or ``null`` passes: a browser sends
                ``null`` for the page's own forms under ``Referrer-Policy: no-referrer``. The
                one-time CSRF token is what stops a forged form; this is a second line.
                """
                site = self.headers.get("Sec-Fetch-Site")
                if site is not None and site not in ("same-origin", "none"):
                    return False
                origin = self.headers.get("Origin")
                if origin is None or origin == "null":
                    return True
                host = self.headers.get("Host", "")
                return urlsplit(origin).netloc.lower() == host.lower()

            def _send(self, answer: Answer, with_body: bool) -> None:
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                """Silent: request lines hold the tokens."""

        self.httpd = CappedServer((host, port), Handler, max_connections)
        bound_host, bound_port = self.httpd.server_address[:2]
        shown = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
        origin = f"http://{f'[{shown}]' if ':' in shown else shown}:{bound_port}"
        self.url = f"{origin}{feed_path}"
        """The feed's address (it holds the feed token: never log it)."""
        self.page_url = f"{origin}{page.base}" if page else None
        """The page's address (it holds the page token: never log it), or None."""
        self.page = page
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> HamsyncServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="hamsync-serve")
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.httpd.server_close()


FeedServer = HamsyncServer
"""The name ``hamsync serve`` and the daemon knew it by before the check-in page."""


def start_feed(
    config: Config, host: str | None = None, port: int | None = None, token: str | None = None
) -> HamsyncServer:
    """Serve the feed alone in a background thread; call ``.stop()`` to end it."""
    chosen = token or feed_token()[0]
    server = HamsyncServer(
        config, chosen, host or config.feed.host, config.feed.port if port is None else port
    )
    return server.start()


def start_for_daemon(config: Config, on_change: Callable[[], None]) -> HamsyncServer:
    """The daemon's server (``[feed] enabled``): the feed, and the page unless
    ``[feed] page = false``; a check-in on the page calls ``on_change`` (the daemon syncs)."""
    page = None
    if config.feed.page:
        page = CheckinPage(config, page_token()[0], on_change=on_change, next_step=AFTER_DAEMON)
        if not is_loopback(config.feed.host):
            logging.getLogger("hamsync").warning(
                "the check-in page is served over plain HTTP on %s: anyone on that network "
                "who sees its address can change your plan; listen on 127.0.0.1 and reach it "
                "through Tailscale/WireGuard or a reverse proxy with TLS (docs/checkin.md)",
                config.feed.host or "every address",
            )
    server = HamsyncServer(config, feed_token()[0], config.feed.host, config.feed.port, page)
    return server.start()
