"""Strava's failures as :class:`~connectors.base.SourceError`: what happened, and what the
runner can do about it (sign in again, reactivate the app, or nothing: the next sync retries).
"""

from __future__ import annotations

from collections.abc import Callable

import requests
from stravalib import exc as strava_exc

from ..base import SourceError
from ..http_retry import retry_after_of
from .oauth import LOGIN_FIX
from .usage import UsageMeter

RETRY_LATER = "retried at the next sync"


class ExpectedNotFound(Exception):
    """A 404 the caller expects (streams of a manual activity)."""


class NotFound(SourceError):
    """Strava answered 404 for one object (an activity deleted or made private since it was
    listed): that object is skipped, the others go on."""


def status_of(error: strava_exc.Fault) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def revoked() -> SourceError:
    return SourceError(
        "Strava refused hamsync's sign-in (the access was revoked or has expired); "
        "other sources still sync",
        LOGIN_FIX,
    )


def translate(
    error: strava_exc.Fault, meter: UsageMeter, clock: Callable[[], float]
) -> SourceError:
    """stravalib's fault as a :class:`SourceError` that says what to do about it."""
    status = status_of(error)
    text = str(error)
    if isinstance(error, strava_exc.AccessUnauthorized) or status == 401:
        if "permission" in text:
            return SourceError(
                "Strava did not grant hamsync permission for this (a scope was unticked at "
                "sign-in)",
                LOGIN_FIX,
            )
        return revoked()
    if isinstance(error, strava_exc.ApplicationInactive):
        return SourceError(
            "Strava says your API application is inactive",
            "reactivate it at https://www.strava.com/settings/api",
        )
    if status == 429:
        return SourceError(
            f"Strava's rate limit is reached ({meter.exhausted_text()}); nothing was lost, the "
            f"sync resumes where it stopped: {RETRY_LATER}",
            retry_after_s=_wait_after_429(error, meter, clock()),
        )
    if status is not None and status >= 500:
        return SourceError(f"Strava had a server error ({status}); {RETRY_LATER}")
    detail = text[:200].replace("[", "(").replace("]", ")")  # no markup in terminal output
    return SourceError(f"Strava refused the request ({status}): {detail}")


def _wait_after_429(error: strava_exc.Fault, meter: UsageMeter, now: float) -> float:
    """How long to leave Strava alone: its ``Retry-After`` if it sent one, else until the
    window that is full resets (15-minute windows start at :00, :15...; days at 00:00 UTC)."""
    asked = retry_after_of(error)
    window = 900 - now % 900
    usages = [u for u in (meter.read, meter.overall) if u is not None]
    if any(u.day_used >= u.day_limit for u in usages):
        window = 86400 - now % 86400
    return max(window, asked or 0.0)


def network(error: requests.RequestException, timeout_s: float) -> SourceError:
    if isinstance(error, requests.Timeout):
        return SourceError(f"Strava did not answer within {timeout_s:.0f} s; {RETRY_LATER}")
    return SourceError(f"cannot reach Strava ({type(error).__name__}); {RETRY_LATER}")
