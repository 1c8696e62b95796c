"""The one place that talks to Strava: a stravalib client with timeouts, the usage headers
read after every call (:mod:`.usage`), tokens refreshed before expiry, and every failure
turned into a :class:`~connectors.base.SourceError` a runner can act on (:mod:`.errors`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar

import requests
from stravalib import exc as strava_exc
from stravalib.client import Client

from ..base import SourceError
from .errors import ExpectedNotFound, NotFound, network, revoked, status_of, translate
from .oauth import LOGIN_FIX, Tokens, TokenStore
from .usage import UsageMeter

T = TypeVar("T")

TIMEOUT_S = 30.0
"""No Strava call waits longer than this; a slow answer is retried at the next sync."""

RESERVE = 3
"""Requests left unused in each window, for the runner's other apps and the note sink."""


class _TimeoutSession(requests.Session):
    """stravalib sets no timeout; every request through this session gets one."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self.timeout_s = timeout_s

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout_s)
        if kwargs["timeout"] is None:
            kwargs["timeout"] = self.timeout_s
        return super().request(*args, **kwargs)


@contextlib.contextmanager
def _quiet_stravalib() -> Iterator[None]:
    """stravalib warns on the root logger when its own STRAVA_CLIENT_* variables are unset;
    hamsync passes credentials explicitly, so those warnings would only confuse the runner."""
    name = "SILENCE_TOKEN_WARNINGS"
    previous = os.environ.get(name)
    os.environ[name] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def new_client(meter: UsageMeter | None = None, timeout_s: float = TIMEOUT_S) -> Client:
    """A stravalib client that never sleeps, never waits forever, never refreshes on its own."""
    with _quiet_stravalib():
        client = Client(
            rate_limiter=meter or UsageMeter(),  # type: ignore[arg-type]
            requests_session=_TimeoutSession(timeout_s),
        )
    client.protocol.client_id = None  # hamsync refreshes itself, before expiry
    client.protocol.client_secret = None
    return client


class StravaApi:
    """The Strava calls hamsync makes, each translated to a :class:`SourceError` on failure."""

    def __init__(
        self,
        client_id: int,
        client_secret: str | None,
        store: TokenStore,
        *,
        timeout_s: float = TIMEOUT_S,
        max_requests: int | None = None,
        reserve: int = RESERVE,
        clock: Callable[[], float] = time.time,
        secret_fix: str = LOGIN_FIX,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.store = store
        self.meter = UsageMeter()
        self.client = new_client(self.meter, timeout_s)
        self.timeout_s = timeout_s
        self.max_requests = max_requests
        self.reserve = reserve
        self.clock = clock
        self.secret_fix = secret_fix
        self._ready = False

    # -- budget ---------------------------------------------------------------------
    def can_read(self, requests_needed: int = 1) -> bool:
        """True when ``requests_needed`` more reads stay clear of the limits and the cap."""
        if self.max_requests is not None and self.meter.calls + requests_needed > self.max_requests:
            return False
        left = self.meter.reads_left()
        return left is None or left - requests_needed >= self.reserve

    def can_write(self, requests_needed: int = 1) -> bool:
        if not self.can_read(requests_needed):
            return False
        left = self.meter.writes_left()
        return left is None or left - requests_needed >= self.reserve

    def usage_text(self) -> str:
        return self.meter.text()

    # -- calls ----------------------------------------------------------------------
    def list_activities(self, after: datetime, page: int, per_page: int) -> list[dict[str, Any]]:
        """One page of the athlete's activities that started after ``after`` (raw JSON)."""
        after_epoch = int(after.timestamp())
        raw = self._call(
            lambda: self.client.protocol.get(
                "/athlete/activities", after=after_epoch, page=page, per_page=per_page
            )
        )
        if not isinstance(raw, list):
            raise SourceError(f"Strava answered the activity list with {type(raw).__name__}")
        return [a for a in raw if isinstance(a, dict)]

    def streams(self, activity_id: int, types: list[str]) -> dict[str, list[Any]] | None:
        """The activity's streams by type, or None when it has none (Strava answers 404)."""
        try:
            found = self._call(
                lambda: self.client.get_activity_streams(activity_id, types=types),
                not_found_ok=True,
            )
        except ExpectedNotFound:
            return None
        return {str(k): list(v.data or []) for k, v in found.items()}

    def activity(self, activity_id: int) -> dict[str, Any]:
        """The detailed activity as raw JSON (with its description and splits)."""
        raw = self._call(lambda: self.client.protocol.get("/activities/{id}", id=activity_id))
        if not isinstance(raw, dict):
            raise SourceError(f"Strava answered activity {activity_id} with {type(raw).__name__}")
        return raw

    def set_description(self, activity_id: int, description: str) -> None:
        self._call(lambda: self.client.update_activity(activity_id, description=description))

    # -- tokens and errors ----------------------------------------------------------
    def _ensure_token(self) -> None:
        if self._ready:
            return
        tokens = self.store.load()
        if tokens is None:
            raise SourceError("not signed in to Strava", LOGIN_FIX)
        if tokens.needs_refresh(self.clock()):
            tokens = self._refresh(tokens)
        self.client.access_token = tokens.access_token
        self._ready = True

    def _refresh(self, tokens: Tokens) -> Tokens:
        if not self.client_secret:
            raise SourceError("the Strava client secret is not set", self.secret_fix)
        try:
            info = self.client.refresh_access_token(
                client_id=self.client_id,
                client_secret=self.client_secret,
                refresh_token=tokens.refresh_token,
            )
        except strava_exc.Fault as error:
            status = status_of(error)
            if status is not None and 400 <= status < 500 and status != 429:
                raise revoked() from None
            raise translate(error, self.meter, self.clock) from None
        except requests.RequestException as error:
            raise network(error, self.timeout_s) from None
        fresh = Tokens(
            refresh_token=info["refresh_token"],
            access_token=info["access_token"],
            expires_at=int(info["expires_at"]),
        )
        self.store.save(fresh)  # the old refresh token may already be dead: save first
        return fresh

    def _call(self, fn: Callable[[], T], not_found_ok: bool = False) -> T:
        self._ensure_token()
        try:
            return fn()
        except strava_exc.ObjectNotFound as error:
            if not_found_ok:
                raise ExpectedNotFound from None
            raise NotFound(f"Strava: not found ({status_of(error)})") from None
        except strava_exc.Fault as error:
            raise translate(error, self.meter, self.clock) from None
        except requests.RequestException as error:
            raise network(error, self.timeout_s) from None
