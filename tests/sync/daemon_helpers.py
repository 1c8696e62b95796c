"""Shared by the daemon and fault tests: a local HTTP calendar server and simulated time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def planned_calendar(first: date) -> bytes:
    """A runner's calendar with a long trail race three days after ``first`` (R3 applies)."""
    race = first + timedelta(days=3)
    hills = first + timedelta(days=8)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//runner//planned//EN",
        "BEGIN:VEVENT",
        "UID:race-1@runner",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART:{race:%Y%m%d}T080000Z",
        f"DTEND:{race:%Y%m%d}T140000Z",
        "SUMMARY:Long trail race",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:hills-1@runner",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART:{hills:%Y%m%d}T170000Z",
        f"DTEND:{hills:%Y%m%d}T180000Z",
        "SUMMARY:Hill repeats",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


@dataclass
class CalendarServer:
    """What the fake calendar server answers; ``mode`` can change between requests."""

    body: bytes
    mode: str = "ok"
    retry_after: str | None = None
    hits: int = 0
    port: int = 0
    slow_s: float = 2.0
    paths: list[str] = field(default_factory=list)

    def url(self, path: str = "/planned.ics") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def calendar_server(body: bytes) -> Iterator[CalendarServer]:
    """A real HTTP server on 127.0.0.1 that serves the calendar or fails as told."""
    server_state = CalendarServer(body=body)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.hits += 1
            server_state.paths.append(self.path)
            mode = server_state.mode
            if mode == "drop":
                self.close_connection = True
                return
            if mode == "slow":
                time.sleep(server_state.slow_s)
            code = {"401": 401, "429": 429, "500": 500}.get(mode, 200)
            body = server_state.body if code == 200 else b"no"
            self.send_response(code)
            if code == 429 and server_state.retry_after is not None:
                self.send_header("Retry-After", server_state.retry_after)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
