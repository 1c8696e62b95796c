"""A stand-in for Google's Calendar API and token endpoint on 127.0.0.1, for the real client.

``google-api-python-client`` (with its bundled discovery document) and ``google-auth`` talk
to it over HTTP exactly as they talk to Google: the API at ``api_endpoint`` and the OAuth
token endpoint at ``token_uri``. It keeps events per calendar with etags and sync tokens and
answers with the response shapes of the public API reference, taken from the
``google_fixtures/*.synthetic.json`` files (each names the page its shape comes from).

It also plays the runner (edit or delete an event in the web app, revoke access) and the
bad days (a 403 rate limit, a 500) so the tests can check what hamsync does about them.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent / "google_fixtures"
PREFIX = "/calendar/v3"


def fixture(name: str) -> dict[str, Any]:
    """A fixture's body without its ``_source`` note."""
    data = json.loads((FIXTURES / f"{name}.synthetic.json").read_text(encoding="utf-8"))
    data.pop("_source", None)
    return dict(data)


@dataclass
class Seen:
    """One request the stand-in answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Header names in lower case."""

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Calendar:
    id: str
    summary: str
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    """Event id -> the change counter of its last change (for sync tokens)."""


class GoogleStandIn:
    """The stand-in's state and its server; start with ``with GoogleStandIn() as google:``."""

    def __init__(self) -> None:
        self.calendars: dict[str, Calendar] = {}
        for entry in fixture("calendar_list")["items"]:
            self.calendars[entry["id"]] = Calendar(entry["id"], entry["summary"])
        self.counter = 1000
        self.requests: list[Seen] = []
        self.faults: list[tuple[int, str, dict[str, str]] | None] = []
        """(status, error fixture, headers) to answer the next API requests with, in order
        (None: answer that one normally); only requests of ``fault_method`` if set."""
        self.fault_method: str | None = None
        self.revoked = False
        self.expired_tokens: set[str] = set()
        self.page_size: int | None = None
        """A smaller page than the client asks for (to exercise nextPageToken)."""
        self.access_tokens: set[str] = set()
        self.codes: dict[str, str] = {}
        """Authorization code -> the scopes granted with it (the consent screen's outcome)."""
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- lifecycle -----------------------------------------------------------------------
    def __enter__(self) -> GoogleStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_endpoint(self) -> str:
        return f"{self.base}{PREFIX}/"

    @property
    def token_uri(self) -> str:
        return f"{self.base}/token"

    @property
    def auth_uri(self) -> str:
        return f"{self.base}/auth"

    def api_requests(self) -> list[Seen]:
        return [r for r in self.requests if r.path.startswith(PREFIX)]

    def token_requests(self) -> list[Seen]:
        return [r for r in self.requests if r.path == "/token"]

    # -- the runner, by hand -------------------------------------------------------------
    def _touch(self, calendar: Calendar, event: dict[str, Any]) -> None:
        self.counter += 1
        event["etag"] = f'"{3412345678900000 + self.counter}"'
        event["updated"] = (
            datetime(2026, 11, 25, 8, tzinfo=UTC) + timedelta(seconds=self.counter)
        ).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        calendar.changed[event["id"]] = self.counter

    def runner_edits(self, calendar_id: str, event_id: str, summary: str) -> None:
        with self.lock:
            calendar = self.calendars[calendar_id]
            calendar.events[event_id]["summary"] = summary
            self._touch(calendar, calendar.events[event_id])

    def runner_deletes(self, calendar_id: str, event_id: str) -> None:
        with self.lock:
            calendar = self.calendars[calendar_id]
            calendar.events[event_id]["status"] = "cancelled"
            self._touch(calendar, calendar.events[event_id])

    def runner_adds(self, calendar_id: str, event: dict[str, Any]) -> str:
        with self.lock:
            calendar = self.calendars[calendar_id]
            made = {**fixture("event"), "id": f"runner{self.counter}", **copy.deepcopy(event)}
            calendar.events[made["id"]] = made
            self._touch(calendar, made)
            return str(made["id"])

    def live_events(self, calendar_id: str) -> dict[str, dict[str, Any]]:
        calendar = self.calendars[calendar_id]
        return {k: v for k, v in calendar.events.items() if v.get("status") != "cancelled"}

    # -- HTTP ----------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(
                self, status: int, body: Any = None, headers: dict[str, str] | None = None
            ) -> None:
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                seen = Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                )
                with stand_in.lock:
                    stand_in.requests.append(seen)
                    status, body, headers = stand_in.route(seen, raw)
                self._answer(status, body, headers)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler

    def route(self, seen: Seen, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        if seen.path == "/token":
            return self._token(parse_qs(raw.decode()), seen.headers.get("authorization", ""))
        if not seen.path.startswith(PREFIX):
            return 404, fixture("error_404_notFound"), {}
        bearer = seen.headers.get("authorization", "")
        if self.revoked or bearer.removeprefix("Bearer ") not in self.access_tokens:
            return 401, fixture("error_401_authError"), {"WWW-Authenticate": 'Bearer realm="x"'}
        if self.faults and self.fault_method in (None, seen.method):
            fault = self.faults.pop(0)
            if fault is not None:
                status, name, headers = fault
                return status, fixture(name), headers
        body = json.loads(raw) if raw else {}
        return self._api(seen, seen.path.removeprefix(PREFIX).strip("/").split("/"), body)

    def _token(
        self, form: dict[str, list[str]], authorization: str
    ) -> tuple[int, Any, dict[str, str]]:
        grant = form.get("grant_type", [""])[0]
        secret = form.get("client_secret", [""])[0]
        if authorization.startswith("Basic "):  # RFC 6749 2.3.1: either way is allowed
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            secret = unquote(decoded.partition(":")[2])
        if secret != CLIENT_SECRET:
            return 401, fixture("oauth_invalid_client"), {}
        if grant == "refresh_token":
            if self.revoked:
                return 400, fixture("oauth_invalid_grant"), {}
            answer = fixture("oauth_refresh")
        elif grant == "authorization_code":
            code = form.get("code", [""])[0]
            if code not in self.codes or not form.get("code_verifier"):
                return 400, fixture("oauth_invalid_grant"), {}
            answer = fixture("oauth_exchange")
            answer["scope"] = self.codes.pop(code)
        else:
            return 400, {"error": "unsupported_grant_type"}, {}
        self.counter += 1
        answer["access_token"] = f"ya29.test-{self.counter}"
        self.access_tokens.add(answer["access_token"])
        return 200, answer, {}

    def _api(
        self, seen: Seen, path: list[str], body: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        if path == ["users", "me", "calendarList"]:
            listing = fixture("calendar_list")
            listing["items"] = [
                {**e, "summary": self.calendars[e["id"]].summary}
                for e in listing["items"]
                if e["id"] in self.calendars
            ] + [
                {"kind": "calendar#calendarListEntry", "id": c.id, "summary": c.summary}
                for c in self.calendars.values()
                if c.id not in {e["id"] for e in listing["items"]}
            ]
            return 200, listing, {}
        if path == ["calendars"] and seen.method == "POST":
            made = fixture("calendar_insert")
            made["id"] = f"created{self.counter}@group.calendar.google.com"
            made["summary"] = body.get("summary", "")
            self.calendars[made["id"]] = Calendar(made["id"], made["summary"])
            return 200, made, {}
        if len(path) >= 3 and path[0] == "calendars" and path[2] == "events":
            calendar = self.calendars.get(unquote(path[1]))
            if calendar is None:
                return 404, fixture("error_404_notFound"), {}
            if len(path) == 3:
                if seen.method == "GET":
                    return self._list(calendar, seen)
                return self._insert(calendar, body)
            return self._one(calendar, unquote(path[3]), seen, body)
        return 404, fixture("error_404_notFound"), {}

    def _list(self, calendar: Calendar, seen: Seen) -> tuple[int, Any, dict[str, str]]:
        token = seen.param("syncToken")
        since = 0
        if token is not None:
            if token in self.expired_tokens or not token.startswith("sync-"):
                return 410, fixture("error_410_fullSyncRequired"), {}
            since = int(token.removeprefix("sync-"))
        items = sorted(calendar.events.values(), key=lambda e: calendar.changed[e["id"]])
        if token is not None:
            items = [e for e in items if calendar.changed[e["id"]] > since]
        elif seen.param("showDeleted") != "true":
            items = [e for e in items if e.get("status") != "cancelled"]
        items = [e for e in items if self._in_window(e, seen)]
        size = int(seen.param("maxResults") or 250)
        if self.page_size is not None:
            size = min(size, self.page_size)
        offset = int(seen.param("pageToken") or 0)
        page = fixture("events_list")
        page["summary"] = calendar.summary
        page["items"] = copy.deepcopy(items[offset : offset + size])
        if offset + size < len(items):
            page["nextPageToken"] = str(offset + size)
        else:
            page["nextSyncToken"] = f"sync-{self.counter}"
        return 200, page, {}

    @staticmethod
    def _in_window(event: dict[str, Any], seen: Seen) -> bool:
        low, high = seen.param("timeMin"), seen.param("timeMax")
        if low is None or high is None:
            return True

        def moment(when: dict[str, Any]) -> datetime:
            if "dateTime" in when:
                return datetime.fromisoformat(when["dateTime"].replace("Z", "+00:00"))
            return datetime.fromisoformat(when["date"] + "T00:00:00+00:00")

        try:
            start, end = moment(event["start"]), moment(event["end"])
        except ValueError:  # a malformed event (a test of the reader): always listed
            return True
        return end > datetime.fromisoformat(low) and start < datetime.fromisoformat(high)

    def _insert(self, calendar: Calendar, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        event = {**fixture("event"), **body}
        event["id"] = body.get("id") or f"hs{self.counter:016d}"
        if event["id"] in calendar.events:
            return 409, fixture("error_409_duplicate"), {}
        event["iCalUID"] = f"{event['id']}@google.com"
        calendar.events[event["id"]] = event
        self._touch(calendar, event)
        return 200, copy.deepcopy(event), {}

    def _one(
        self, calendar: Calendar, event_id: str, seen: Seen, body: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        event = calendar.events.get(event_id)
        if event is None:
            return 404, fixture("error_404_notFound"), {}
        if seen.method == "GET":
            return 200, copy.deepcopy(event), {}
        if seen.method == "DELETE" and event.get("status") == "cancelled":
            return 410, fixture("error_410_deleted"), {}  # Google: "Resource has been deleted"
        match = seen.headers.get("if-match")
        if match is not None and match != event["etag"]:
            return 412, fixture("error_412_conditionNotMet"), {}
        if seen.method == "DELETE":
            event["status"] = "cancelled"
            self._touch(calendar, event)
            return 204, None, {}
        for key, value in body.items():  # PATCH: merge the given fields
            if key == "extendedProperties":
                merged = event.setdefault("extendedProperties", {}).setdefault("private", {})
                merged.update(value.get("private", {}))
            else:
                event[key] = value
        self._touch(calendar, event)
        return 200, copy.deepcopy(event), {}


def events_of(stand_in: GoogleStandIn, calendar_id: str) -> Iterator[dict[str, Any]]:
    yield from stand_in.live_events(calendar_id).values()


TRAINING = "training-calendar@group.calendar.google.com"
"""The id of the calendar named "Training" in ``calendar_list.synthetic.json``."""
CLIENT_ID = "1234-test.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-client-secret"
REFRESH_TOKEN = "1//0test-refresh-token"


def service_for(stand_in: GoogleStandIn, refresh_token: str = REFRESH_TOKEN) -> Any:
    """A real Calendar v3 client with real credentials, pointed at the stand-in."""
    from connectors.google.api import Endpoints, build_service
    from connectors.google.auth import OAuthClient, credentials

    client = OAuthClient(CLIENT_ID, CLIENT_SECRET, stand_in.auth_uri, stand_in.token_uri)
    return build_service(
        credentials(client, refresh_token), Endpoints(stand_in.api_endpoint, timeout_s=5)
    )


def config_lines(stand_in: GoogleStandIn) -> str:
    """A ``[google]`` section pointing at the stand-in."""
    return (
        "[google]\n"
        f'client_id = "{CLIENT_ID}"\n'
        f'api_endpoint = "{stand_in.api_endpoint}"\n'
        f'token_uri = "{stand_in.token_uri}"\n'
        f'auth_uri = "{stand_in.auth_uri}"\n'
        "timeout_s = 5\n"
    )
