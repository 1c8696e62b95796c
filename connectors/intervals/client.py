"""The intervals.icu REST client: one ``requests`` session, every failure translated once.

Endpoints (intervals.icu API documentation, https://intervals.icu/api/v1/docs, and the
"API access to Intervals.icu" forum post, forum.intervals.icu/t/609):

- ``GET  /api/v1/athlete/{id}/activities?oldest=YYYY-MM-DD&newest=YYYY-MM-DD``: completed
  activities between two local dates (inclusive), newest first;
- ``GET  /api/v1/athlete/{id}/events?oldest=...&newest=...``: calendar events;
- ``POST /api/v1/athlete/{id}/events``, ``PUT``/``DELETE /api/v1/athlete/{id}/events/{eid}``:
  create, update, delete one event (the answer is the event as stored);
- basic auth, user ``API_KEY``, password the runner's key.

Failures never loop: nothing is retried inside a sync. A 429 or a 5xx becomes a
:class:`~connectors.base.SourceError` carrying the server's ``Retry-After`` (the daemon
waits that long before it asks again), and the client refuses every further call until then
without sending it, so a rate-limited source does not make its sink hit the limit again in
the same sync. A 401/403 names the key to fix; a 404 is :class:`NotFound`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from ..base import SourceError
from ..http_retry import retry_after_s

BASE_URL = "https://intervals.icu"
KEY_HINT = "HAMSYNC_INTERVALS_API_KEY or the keyring entry intervals.api_key"
"""Where the key comes from, named in messages (the value never is)."""
DEFAULT_WAIT_S = 60.0
"""A 429 without ``Retry-After``: wait a minute before asking again (hamsync default)."""
MAX_BODY_BYTES = 32 * 1024 * 1024
"""A year of activities is about 2 MB; an answer beyond this is not read (memory budget)."""
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
EVENTS_REUSE_S = 60.0
"""How long a calendar read serves a later read of days it covers, unless the client wrote
since (hamsync default): within one sync the look-ahead's read of the coming weeks also
serves the sink's listing, one request instead of two. Syncs are at least a minute apart."""


class NotFound(SourceError):
    """The event or athlete does not exist (HTTP 404)."""


@dataclass(frozen=True, slots=True)
class IntervalsAccount:
    """Whose intervals.icu data and how to log in; the key never appears in ``repr``."""

    athlete_id: str
    """The athlete id of the profile URL, ``i12345`` (``0`` means "the key's owner")."""
    api_key: str | None
    base_url: str = BASE_URL
    timeout_s: float = 30.0
    key_hint: str = KEY_HINT

    def __repr__(self) -> str:
        return f"IntervalsAccount(athlete_id={self.athlete_id!r}, base_url={self.base_url!r})"


def check_base_url(url: str) -> str:
    """``url`` without a trailing slash; ValueError unless https (or http on this machine)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return url.rstrip("/")
    raise ValueError(
        f"{url!r}: expected an https:// address (the API key must not travel in clear text)"
    )


class IntervalsClient:
    """One method per request hamsync makes; counts requests (``requests_made``)."""

    def __init__(
        self,
        account: IntervalsAccount,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account = account
        self.base_url = check_base_url(account.base_url)
        self.session = session or requests.Session()
        self.clock = clock
        self.requests_made = 0
        self._refused: SourceError | None = None
        self._refused_until = 0.0
        self._events_read: tuple[str, str, float, list[dict[str, Any]]] | None = None
        """The last calendar read: (oldest, newest, when, events), until the next write."""

    # -- activities and events ---------------------------------------------------------
    def activities(self, oldest: str, newest: str) -> list[dict[str, Any]]:
        """Activities between two local dates (``YYYY-MM-DD``, inclusive)."""
        answer = self._call(
            "GET", "activities", f"activity list {oldest}..{newest}",
            params={"oldest": oldest, "newest": newest},
        )  # fmt: skip
        return _list_of_dicts(answer, f"activity list {oldest}..{newest}")

    def events(self, oldest: str, newest: str) -> list[dict[str, Any]]:
        """Calendar events touching two local dates (``YYYY-MM-DD``, inclusive).

        A read of the last :data:`EVENTS_REUSE_S` seconds that covered these days answers
        without a request when the client has written nothing since (see that constant).
        """
        last = self._events_read
        fresh = last is not None and self.clock() - last[2] <= EVENTS_REUSE_S
        if last is not None and fresh and last[0] <= oldest and newest <= last[1]:
            return [e for e in last[3] if _touches(e, oldest, newest)]
        answer = self._call(
            "GET", "events", f"calendar {oldest}..{newest}",
            params={"oldest": oldest, "newest": newest},
        )  # fmt: skip
        events = _list_of_dicts(answer, f"calendar {oldest}..{newest}")
        self._events_read = (oldest, newest, self.clock(), events)
        return events

    def event(self, event_id: str) -> dict[str, Any]:
        return _dict(self._call("GET", f"events/{event_id}", f"read event {event_id}"))

    def create_event(self, payload: dict[str, Any]) -> dict[str, Any]:
        return _dict(self._call("POST", "events", "create event", body=payload))

    def update_event(self, event_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        return _dict(
            self._call("PUT", f"events/{event_id}", f"update event {event_id}", body=payload)
        )

    def delete_event(self, event_id: str) -> None:
        self._call("DELETE", f"events/{event_id}", f"delete event {event_id}")

    # -- plumbing ------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        what: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        if self._refused is not None and self.clock() < self._refused_until:
            raise self._refused
        key = self.account.api_key
        if not key:
            raise SourceError(
                "intervals.icu: no API key",
                fix=f"set {self.account.key_hint} (intervals.icu: Settings -> Developer settings)",
            )
        url = f"{self.base_url}/api/v1/athlete/{self.account.athlete_id}/{path}"
        self.requests_made += 1
        if method != "GET":
            self._events_read = None  # a write: the calendar read is stale
        try:
            response = self.session.request(
                method, url, params=params, json=body, auth=("API_KEY", key),
                timeout=self.account.timeout_s, stream=True,
                headers={"Accept": "application/json"},
            )  # fmt: skip
            with response:
                self._check(response, what)
                raw = _read_capped(response, what)
        except requests.Timeout:
            raise SourceError(
                f"intervals.icu {what}: no answer within {self.account.timeout_s:g} s; "
                "hamsync tries again on the next sync"
            ) from None
        except requests.RequestException as exc:
            raise SourceError(
                f"intervals.icu {what}: cannot reach {self.base_url} ({type(exc).__name__}); "
                "hamsync tries again on the next sync"
            ) from None
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise SourceError(f"intervals.icu {what}: the answer is not JSON") from None

    def _check(self, response: requests.Response, what: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status in (401, 403):
            raise SourceError(
                f"intervals.icu {what}: the API key was refused (HTTP {status}) for athlete "
                f"{self.account.athlete_id}",
                fix=f"copy the key from intervals.icu Settings -> Developer settings into "
                f"{self.account.key_hint}, and check athlete_id",
            )
        if status == 404:
            raise NotFound(f"intervals.icu {what}: not found (HTTP 404)")
        if status == 429 or status >= 500:
            wait = retry_after_s(response.headers.get("Retry-After"))
            if status == 429:
                wait = DEFAULT_WAIT_S if wait is None else wait
                text = f"intervals.icu {what}: too many requests (HTTP 429)"
            else:
                text = f"intervals.icu {what}: server error (HTTP {status})"
            later = f" (in {wait:.0f} s at the earliest)" if wait else ""
            error = SourceError(
                f"{text}; hamsync asks again on a later sync{later}", retry_after_s=wait
            )
            self._refused, self._refused_until = error, self.clock() + (wait or 0.0)
            raise error
        raise SourceError(f"intervals.icu {what}: refused (HTTP {status})")


def _read_capped(response: requests.Response, what: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise SourceError(
                f"intervals.icu {what}: answer larger than {MAX_BODY_BYTES // 2**20} MB, not read"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _touches(event: dict[str, Any], oldest: str, newest: str) -> bool:
    """Whether an event's days (start inclusive, ``end_date_local`` exclusive) meet the range."""
    start = str(event.get("start_date_local") or "")[:10]
    end = str(event.get("end_date_local") or "")[:10]
    if not start:
        return False
    return start <= newest and (end > oldest if end > start else start >= oldest)


def _list_of_dicts(answer: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(answer, list):
        raise SourceError(f"intervals.icu {what}: expected a list, got {type(answer).__name__}")
    return [item for item in answer if isinstance(item, dict)]


def _dict(answer: Any) -> dict[str, Any]:
    return answer if isinstance(answer, dict) else {}


_CLIENTS: dict[tuple[str, str, str, float], IntervalsClient] = {}
"""One client per athlete, address, key (by digest, never the key itself) and timeout."""


def shared_client(
    athlete_id: str, api_key: str | None, base_url: str = BASE_URL, timeout_s: float = 30.0
) -> IntervalsClient:
    """The one client of this account in this process, shared by the source, the look-ahead
    and the sink, so a 429 met by any of them stops the others from asking again."""
    digest = hashlib.sha256((api_key or "").encode()).hexdigest()
    key = (athlete_id, base_url, digest, timeout_s)
    if key not in _CLIENTS:
        _CLIENTS[key] = IntervalsClient(IntervalsAccount(athlete_id, api_key, base_url, timeout_s))
    return _CLIENTS[key]
