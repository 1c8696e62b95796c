"""One Garmin Connect session from stored tokens: gentle pacing and one error vocabulary.

The daemon and ``hamsync sync`` never log in with a password: Garmin locks accounts out for
hours after repeated sign-ins. They read the tokens ``hamsync login garmin`` stored (the
library refreshes the short-lived access token by itself) and, when those stop working,
fail with a :class:`~connectors.base.SourceError` that names the command to run.

Every call goes through :meth:`GarminSession.call`, which waits at least
``min_interval_s`` since the previous call (the pause is injectable so tests do not sleep)
and turns the library's exceptions into ``SourceError``. A 429 or a dropped connection puts
the session in a cool-down: later calls fail at once, without a request, until the next sync
(or until the server's ``Retry-After`` has passed, which the error carries for the daemon).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import requests
from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectNotFoundError,
    GarminConnectTooManyRequestsError,
)

from ..base import SourceError
from ..http_retry import retry_after_of

TOKEN_FILE = "garmin_tokens.json"  # noqa: S105  (a file name, not a secret)
LOGIN_FIX = "run `hamsync login garmin`"
MIN_INTERVAL_S = 1.0
"""hamsync default: at least a second between two calls to Garmin Connect."""
COOLDOWN_S = 10 * 60.0
"""hamsync default: after a 429 or a network failure, no call for ten minutes (next tick)."""

T = TypeVar("T")


class NotFound(Exception):
    """The object asked for does not exist (404): deleted on Garmin's side."""


SHARED_SESSIONS: dict[tuple[Path, float], GarminSession] = {}
"""One session per token folder and pace: reused by the parts of a sync and by the daemon."""


def shared_session(token_dir: Path, interval: float = MIN_INTERVAL_S) -> GarminSession:
    """The one session of this token folder and pace in this process, so a sync signs in
    once and the pacing holds across the source, the calendar and the sinks."""
    key = (token_dir, interval)
    if key not in SHARED_SESSIONS:
        SHARED_SESSIONS[key] = GarminSession(token_dir, Pacer(min_interval_s=interval))
    return SHARED_SESSIONS[key]


def token_dir_for(state_dir: Path, override: str | None) -> Path:
    """Where the tokens live: ``HAMSYNC_GARMIN_TOKENSTORE`` if set, else ``state_dir/garmin``."""
    return Path(override).expanduser() if override else state_dir / "garmin"


def status_of(exc: BaseException) -> int | None:
    """The HTTP status behind a library exception (a 429 on a write is a plain error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            return status
        current = current.__cause__ or current.__context__
    return None


@dataclass
class Pacer:
    """Keeps ``min_interval_s`` between calls; ``pause`` and ``clock`` are injectable."""

    min_interval_s: float = MIN_INTERVAL_S
    pause: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self._last is not None:
            remaining = self.min_interval_s - (now - self._last)
            if remaining > 0:
                self.pause(remaining)
        self._last = self.clock()


@dataclass
class GarminSession:
    """A lazily opened Garmin client shared by the source, the calendar and the sinks."""

    token_dir: Path
    pacer: Pacer = field(default_factory=Pacer)
    factory: Callable[[], Garmin] = field(default=lambda: Garmin(retry_attempts=0))
    """How the client is built; ``retry_attempts=0``: retries wait for the next sync."""
    cooldown_s: float = COOLDOWN_S
    _client: Garmin | None = None
    _blocked: SourceError | None = None
    _blocked_until: float = 0.0
    _blocked_tokens: float | None = None

    def client(self) -> Garmin:
        """The logged-in client, from the stored tokens only (never a password)."""
        if self._blocked is not None:
            if (
                self.pacer.clock() < self._blocked_until
                and self._token_mtime() == self._blocked_tokens
            ):
                raise self._blocked
            self._blocked, self._client = None, None  # a new sync, or a new sign-in
        if self._client is not None:
            return self._client
        token_file = self.token_dir / TOKEN_FILE
        if not token_file.is_file():
            raise self._block(
                SourceError(f"Garmin Connect: not signed in (no {token_file})", LOGIN_FIX)
            )
        garmin = self.factory()
        self.pacer.wait()
        try:
            garmin.login(str(self.token_dir))
        except GarminConnectAuthenticationError:
            raise self._block(
                SourceError("Garmin Connect: the stored sign-in no longer works", LOGIN_FIX)
            ) from None
        except GarminConnectTooManyRequestsError as exc:
            raise self._block(_rate_limited(exc)) from None
        except (GarminConnectConnectionError, requests.RequestException) as exc:
            raise self._block(self._translate(exc, "sign-in")) from None
        self._client = garmin
        return garmin

    def call(self, what: str, fn: Callable[[Garmin], T]) -> T:
        """Run one API call, paced, with library errors turned into :class:`SourceError`.

        A 404 becomes :class:`NotFound` so callers can treat "already gone" as done.
        """
        garmin = self.client()
        self.pacer.wait()
        try:
            return fn(garmin)
        except GarminConnectNotFoundError:
            raise NotFound(what) from None
        except GarminConnectAuthenticationError:
            raise self._block(
                SourceError(f"Garmin Connect {what}: the sign-in was refused", LOGIN_FIX)
            ) from None
        except GarminConnectTooManyRequestsError as exc:
            raise self._block(_rate_limited(exc)) from None
        except (GarminConnectConnectionError, requests.RequestException) as exc:
            if status_of(exc) == 404:
                raise NotFound(what) from None
            raise self._translate(exc, what) from None

    def _translate(self, exc: BaseException, what: str) -> SourceError:
        status = status_of(exc)
        if status == 429:
            return self._block(_rate_limited(exc))
        if status == 403:
            return self._block(_forbidden(exc, what))
        if status == 401:
            return self._block(
                SourceError(f"Garmin Connect {what}: the sign-in was refused", LOGIN_FIX)
            )
        if status is None:
            return self._block(
                SourceError(
                    f"Garmin Connect {what}: cannot reach the server "
                    f"({exc.__class__.__name__}); retried on the next sync"
                )
            )
        return SourceError(f"Garmin Connect {what}: the server answered {status}")

    def _block(self, error: SourceError) -> SourceError:
        """Remember ``error``: no request is made for ``cooldown_s`` (or as long as the server
        asked, if longer) or until a new sign-in."""
        self._blocked = error
        wait = max(self.cooldown_s, error.retry_after_s or 0.0)
        self._blocked_until = self.pacer.clock() + wait
        self._blocked_tokens = self._token_mtime()
        return error

    def _token_mtime(self) -> float | None:
        try:
            return (self.token_dir / TOKEN_FILE).stat().st_mtime
        except OSError:
            return None


def _forbidden(exc: BaseException, what: str) -> SourceError:
    """A 403 from the API while the tokens are good: Garmin (or Cloudflare before it) is
    refusing this client or network for a while, which a new sign-in only makes worse.

    garminconnect says the same (``client/constants.py``: "a 403 here can also mean Garmin
    is blocking this client or network rather than rejecting the token"); blocks lift by
    themselves, usually within minutes to hours (python-garminconnect #113). An HTML answer
    (a "Just a moment..." page) is a block for sure; otherwise the fix names the sign-in, but
    only if it lasts.
    """
    message = (
        f"Garmin Connect {what}: Garmin refused the request (403) and may be blocking this "
        "network for a while; hamsync retries at the next sync, no new sign-in needed"
    )
    if _html_answer(exc):
        return SourceError(message)
    return SourceError(message, "only if this lasts more than a day: `hamsync login garmin`")


def _html_answer(exc: BaseException) -> bool:
    """True when the response behind ``exc`` is a web page, not an API answer."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        if response is not None:
            kind = str(getattr(response, "headers", {}).get("Content-Type", "")).lower()
            start = (getattr(response, "text", "") or "")[:200].lstrip().lower()
            return "html" in kind or start.startswith(("<!doctype html", "<html"))
        current = current.__cause__ or current.__context__
    return False


def _rate_limited(exc: BaseException) -> SourceError:
    """A 429, carrying the server's ``Retry-After`` so the daemon waits as long as asked."""
    wait = retry_after_of(exc)
    when = f"in {wait / 60:.0f} min or later" if wait is not None else "on the next sync"
    return SourceError(
        f"Garmin Connect: too many requests (429); hamsync waits and retries {when}",
        retry_after_s=wait,
    )


def sign_in(token_dir: Path, email: str, password: str, prompt_mfa: Callable[[], str]) -> Path:
    """The one interactive sign-in (``hamsync login garmin``): store the tokens, 0600.

    The password goes to Garmin's sign-in and nowhere else; the MFA code is asked for only
    when Garmin wants one. Returns the token file. Raises :class:`SourceError` on failure.
    """
    garmin = Garmin(email, password, prompt_mfa=prompt_mfa, retry_attempts=0)
    library_log = logging.getLogger("garminconnect")
    level = library_log.level
    # garminconnect logs each sign-in strategy that failed (four blocks without a network):
    # the runner gets one line from us instead.
    library_log.setLevel(logging.CRITICAL)
    try:
        garmin.login()  # no token store: always a fresh sign-in, never the old tokens
        token_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        token_dir.chmod(0o700)
        garmin.client.dump(str(token_dir))
    except GarminConnectTooManyRequestsError:
        raise SourceError(
            "Garmin Connect refused the sign-in for now (too many attempts)",
            "wait an hour before trying again: repeated sign-ins lock the account",
        ) from None
    except GarminConnectAuthenticationError:
        raise SourceError("Garmin Connect: wrong email, password or MFA code") from None
    except (GarminConnectConnectionError, requests.RequestException) as exc:
        raise SourceError(
            f"cannot reach Garmin Connect ({exc.__class__.__name__})",
            "check the network connection, then run `hamsync login garmin` again",
        ) from None
    except OSError as exc:
        raise SourceError(f"Garmin Connect sign-in failed ({exc.__class__.__name__})") from None
    finally:
        library_log.setLevel(level)
    path = token_dir / TOKEN_FILE
    path.chmod(0o600)
    return path
