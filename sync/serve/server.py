"""The HTTP server of ``hamsync serve`` and of the daemon's ``[feed]``: the ICS feed at
``/<feed token>.ics`` and the check-in page at ``/<page token>/``; everything else is 404.

Python's ``ThreadingHTTPServer``, one thread per request, listening on 127.0.0.1 unless
``[feed] host`` says otherwise. Around the page's forms (:mod:`sync.serve.page`), the limits
of a server that a phone reaches through a proxy or a private network:

- a body over :data:`MAX_BODY_BYTES` is refused (413) before it is read, a body without a
  length (411) or of another type than a plain form (415) too;
- a post from another site (an ``Origin`` not this host, or ``Sec-Fetch-Site`` cross-site)
  is refused (403) before its token is even looked at;
- a client that stalls is cut off after :data:`SOCKET_TIMEOUT_S`, and a form's body must
  arrive within :data:`BODY_DEADLINE_S`;
- tokens are compared in constant time (``hmac.compare_digest``), and no request line is
  logged (the paths hold the tokens).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from sync.config.model import Config
from sync.serve.feed import feed_token, render_feed
from sync.serve.page import AFTER_DAEMON, Answer, CheckinPage, page_token

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
ACTIONS = ("done", "checkin")


class HamsyncServer:
    """The feed (always) and the check-in page (when given); :meth:`stop` ends it."""

    def __init__(
        self, config: Config, feed: str, host: str, port: int, page: CheckinPage | None = None
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

            def _get(self, with_body: bool) -> None:
                parts = urlsplit(self.path)
                wanted = parts.path.encode()
                if hmac.compare_digest(wanted, feed_path.encode()):
                    try:
                        body = render_feed(config)
                    except Exception:
                        self.send_error(500, "the calendar could not be rendered")
                        raise
                    headers = (
                        ("Content-Type", "text/calendar; charset=utf-8"),
                        ("Cache-Control", "no-cache"),
                    )
                    self._send(Answer(200, body, headers), with_body)
                elif page is not None and hmac.compare_digest(wanted, page.base.encode()):
                    said = parse_qs(parts.query, max_num_fields=MAX_FIELDS).get("said", [""])
                    try:
                        answer = page.get(said[0])
                    except Exception:
                        self.send_error(500, "the page could not be rendered")
                        raise
                    self._send(answer, with_body)
                else:
                    self._not_found()

            def _post(self, page: CheckinPage, action: str) -> Answer:
                """Check the framing and the origin, read the form, let the page act."""
                self.close_connection = True  # a refused body is never read: end here
                length_text = self.headers.get("Content-Length")
                if self.headers.get("Transfer-Encoding") or not (length_text or "").isdigit():
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
                        strict_parsing=bool(text),
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

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
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
    server = HamsyncServer(config, feed_token()[0], config.feed.host, config.feed.port, page)
    return server.start()
