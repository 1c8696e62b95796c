"""A local intervals.icu for the tests: the REST endpoints hamsync calls, on 127.0.0.1.

It answers from the synthetic fixtures in ``connectors/intervals_fixtures/`` (shapes from the
intervals.icu API documentation and open-source clients, named in each file) and keeps
calendar events in memory the way the service does: ``POST`` gives the event an ``id``,
a ``uid``, an ``end_date_local`` and an ``updated`` stamp; ``PUT`` replaces the fields
sent; ``DELETE`` removes it. Basic auth with user ``API_KEY`` is checked on every request.
``faults`` scripts the next answers (a 401, a 429 with ``Retry-After``, a 500), and
``log`` records every request as (method, path, query) so tests assert what was asked.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "connectors" / "intervals_fixtures"
KEY = "test-intervals-key"
ATHLETE = "i12345"


def session_of(event: dict[str, Any]) -> str | None:
    """The session id of an event hamsync wrote (its uid with or without an install id)."""
    from connectors.intervals.storage import uid_of

    uid = uid_of(event)
    return None if uid is None else uid.removesuffix("@hamsync").split(".")[0]


def fixture(name: str) -> Any:
    """The ``response`` of a synthetic fixture file."""
    return json.loads((FIXTURES / name).read_text())["response"]


@dataclass
class Fault:
    """A scripted answer; ``delay_s`` holds it back (a server too slow to answer)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    delay_s: float = 0.0


@dataclass
class FakeIntervals:
    """The service's state: activities, events, scripted faults, and the request log."""

    activities: list[dict[str, Any]] = field(default_factory=list)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    """Answers for the next requests, in order, whatever they ask."""
    fault_on: dict[int, Fault] = field(default_factory=dict)
    """An answer for the n-th request (1-based, counted in ``log``)."""
    log: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    key: str = KEY
    next_id: int = 90001
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_event(self, event: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            return self._store(dict(event))

    def _store(self, event: dict[str, Any]) -> dict[str, Any]:
        if "id" not in event:
            event["id"] = self.next_id
            self.next_id += 1
        event.setdefault("uid", f"uid-{event['id']}")
        start = datetime.fromisoformat(event["start_date_local"])
        event.setdefault("end_date_local", (start + timedelta(days=1)).isoformat())
        event.setdefault("calendar_id", 1)
        event["updated"] = f"2026-06-01T10:00:{event['id'] % 60:02d}.000+0000"
        self.events[int(event["id"])] = event
        return event

    # -- answers ---------------------------------------------------------------------------
    def answer(
        self, method: str, path: str, query: dict[str, str], body: Any, auth: str | None
    ) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            self.log.append((method, path, query))
            fault = self.fault_on.pop(len(self.log), None)
            if fault is None and self.faults:
                fault = self.faults.pop(0)
            if fault is not None:
                time.sleep(fault.delay_s)
                return fault.status, fault.headers, fault.body or {"error": "scripted"}
            if auth != "Basic " + base64.b64encode(f"API_KEY:{self.key}".encode()).decode():
                return 401, {}, {"status": 401, "error": "Unauthorized"}
            prefix = f"/api/v1/athlete/{ATHLETE}/"
            if not path.startswith(prefix):
                return 404, {}, {"error": "athlete not found"}
            rest = path.removeprefix(prefix)
            if rest == "activities" and method == "GET":
                return 200, {}, self._between(self.activities, query)
            if rest == "events" and method == "GET":
                return 200, {}, self._overlapping(list(self.events.values()), query)
            if rest == "events" and method == "POST":
                return 200, {}, self._store(dict(body))
            if rest.startswith("events/"):
                return self._one(method, int(rest.removeprefix("events/")), body)
            return 404, {}, {"error": "no such endpoint"}

    def _one(self, method: str, event_id: int, body: Any) -> tuple[int, dict[str, str], Any]:
        event = self.events.get(event_id)
        if event is None:
            return 404, {}, {"error": "Event not found"}
        if method == "GET":
            return 200, {}, event
        if method == "PUT":
            event.update(body)
            event.pop("end_date_local", None)
            return 200, {}, self._store(event)
        if method == "DELETE":
            del self.events[event_id]
            return 200, {}, ""
        return 405, {}, {"error": "method"}

    @staticmethod
    def _between(items: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
        """Items whose local day lies within ``oldest``..``newest``, newest first."""
        oldest = date.fromisoformat(query["oldest"])
        newest = date.fromisoformat(query.get("newest", "9999-12-31"))
        found = [
            i for i in items
            if oldest <= date.fromisoformat(str(i["start_date_local"])[:10]) <= newest
        ]  # fmt: skip
        return sorted(found, key=lambda i: str(i["start_date_local"]), reverse=True)

    @staticmethod
    def _overlapping(items: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
        """Events that touch ``oldest``..``newest``: the service widens the range to take in a
        multi-day event that overlaps it (forum post 'API access to Intervals.icu')."""
        oldest = date.fromisoformat(query["oldest"])
        newest = date.fromisoformat(query["newest"])
        found = []
        for item in items:
            first = date.fromisoformat(str(item["start_date_local"])[:10])
            end = datetime.fromisoformat(str(item["end_date_local"])).date()
            if first <= newest and max(end, first + timedelta(days=1)) > oldest:
                found.append(item)
        return sorted(found, key=lambda i: str(i["start_date_local"]))

    def requests(self, method: str | None = None) -> list[tuple[str, str, dict[str, str]]]:
        return [r for r in self.log if method is None or r[0] == method]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeIntervals

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        status, headers, answer = self.fake.answer(
            self.command, parts.path, query, body, self.headers.get("Authorization")
        )
        data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


@dataclass
class RunningServer:
    fake: FakeIntervals
    url: str


def serve(fake: FakeIntervals) -> Iterator[RunningServer]:
    """Run ``fake`` on a free port of 127.0.0.1 until the generator is closed."""
    handler = type("Handler", (_Handler,), {"fake": fake})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield RunningServer(fake, f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
