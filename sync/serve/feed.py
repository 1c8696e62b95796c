"""The ICS feed: the calendar the ICS sink writes, served over HTTP for calendar apps.

Calendar apps subscribe to ``http://HOST:PORT/<token>.ics``. The token is a secret
(keyring entry ``feed.token`` or ``HAMSYNC_FEED_TOKEN``), made on first use; any other
path answers 404, so a scanner learns nothing. The server listens on 127.0.0.1 unless
``[feed] host`` says otherwise. Each request renders the calendar from the state database
(what the ICS sink recorded, with its SEQUENCE numbers), so the feed always shows the last
sync without writing anything itself.

:func:`start_feed` runs the server in a background thread for the daemon;
``hamsync serve`` runs it in the foreground.
"""

from __future__ import annotations

import hmac
import secrets as random_tokens
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sync.config.keystore import get_secret, set_secret
from sync.config.model import Config
from sync.sinks.ics_file import calendar_of
from sync.store.database import StateDatabase
from sync.store.serialize import session_from_body
from sync.wiring.build import event_renderer

ICS_SINK = "ics"


def feed_token(create: bool = True) -> tuple[str, bool]:
    """The feed's secret token and whether it was just made (stored in the keyring)."""
    token = get_secret("feed", "token")
    if token:
        return token, False
    if not create:
        raise LookupError("no feed token yet")
    token = random_tokens.token_urlsafe(24)
    set_secret("feed", "token", token)  # raises SecretStoreUnavailable with the fixes
    return token, True


def render_feed(config: Config) -> bytes:
    """The calendar the ICS sink writes, from the state database.

    Without an ICS sink (nothing recorded under its name), the stored plan is served with
    SEQUENCE 0 so a subscriber still sees the sessions.
    """
    assert config.state_dir is not None
    name = config.sinks.ics.name if config.sinks.ics else "hamsync hamstring sessions"
    renderer = event_renderer(config)
    state = StateDatabase.open(config.state_dir)
    try:
        recorded = [r for r in state.sink_items(ICS_SINK).values() if r.remote_id]
        if recorded:
            items = [
                renderer.render(session_from_body(r.body), r.sequence, r.uid) for r in recorded
            ]
        else:
            items = [renderer.render(s, 0, renderer.uid(s.id)) for s in state.plan_sessions()]
    finally:
        state.close()
    return calendar_of(items, name)


class FeedServer:
    """A running feed; :meth:`stop` shuts it down and waits for its thread."""

    def __init__(self, config: Config, token: str, host: str, port: int) -> None:
        path = f"/{token}.ics"

        class Handler(BaseHTTPRequestHandler):
            server_version = "hamsync-feed"

            def do_GET(self) -> None:
                self._answer(with_body=True)

            def do_HEAD(self) -> None:
                self._answer(with_body=False)

            def _answer(self, with_body: bool) -> None:
                wanted = self.path.split("?", 1)[0]
                if not hmac.compare_digest(wanted.encode(), path.encode()):
                    self.send_error(404, "Not Found")
                    return
                try:
                    body = render_feed(config)
                except Exception:
                    self.send_error(500, "the calendar could not be rendered")
                    raise
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Silent: request lines hold the token."""

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        bound_host, bound_port = self.httpd.server_address[:2]
        shown = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
        self.url = f"http://{shown}:{bound_port}/{token}.ics"
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> FeedServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="hamsync-feed")
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.httpd.server_close()


def start_feed(
    config: Config, host: str | None = None, port: int | None = None, token: str | None = None
) -> FeedServer:
    """Serve the feed in a background thread (for the daemon); call ``.stop()`` to end it."""
    chosen = token or feed_token()[0]
    server = FeedServer(
        config,
        chosen,
        host or config.feed.host,
        config.feed.port if port is None else port,
    )
    return server.start()
