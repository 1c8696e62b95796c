"""Strava's rate-limit headers, counted by a stravalib rate limiter that never sleeps.

stravalib's default limiter sleeps until the window resets when a limit is reached (up to a
day); :class:`UsageMeter` only records the ``X-ReadRateLimit-*`` and ``X-RateLimit-*``
headers, so that the caller stops *before* the limit and keeps its cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Usage:
    """One rate-limit header pair: usage and limit for 15 minutes and for the day."""

    short_used: int
    day_used: int
    short_limit: int
    day_limit: int

    def left(self) -> int:
        return min(self.short_limit - self.short_used, self.day_limit - self.day_used)

    def __str__(self) -> str:
        return (
            f"{self.short_used}/{self.short_limit} in 15 min, "
            f"{self.day_used}/{self.day_limit} today"
        )


def _parse(headers: Any, usage_key: str, limit_key: str) -> Usage | None:
    try:
        used = [int(v) for v in str(headers[usage_key]).split(",")]
        limit = [int(v) for v in str(headers[limit_key]).split(",")]
        return Usage(used[0], used[1], limit[0], limit[1])
    except (KeyError, ValueError, IndexError):  # absent, or empty as on some POSTs
        return None


class UsageMeter:
    """A stravalib rate limiter that never sleeps: it counts calls and keeps the last usage."""

    def __init__(self) -> None:
        self.calls = 0
        self.read: Usage | None = None
        self.overall: Usage | None = None

    def __call__(self, headers: Any, method: str) -> None:
        self.calls += 1
        overall = _parse(headers, "X-RateLimit-Usage", "X-RateLimit-Limit")
        self.overall = overall or self.overall
        if method == "GET":
            self.read = _parse(headers, "X-ReadRateLimit-Usage", "X-ReadRateLimit-Limit") or (
                self.read
            )

    def reads_left(self) -> int | None:
        """Read requests left before the tighter of the read and overall limits (None: unknown)."""
        known = [u.left() for u in (self.read, self.overall) if u is not None]
        return min(known) if known else None

    def writes_left(self) -> int | None:
        return None if self.overall is None else self.overall.left()

    def text(self) -> str:
        """The last usage seen, for messages (``12/100 in 15 min, 40/1000 today``)."""
        return str(self.read or self.overall or "usage unknown")

    def exhausted_text(self) -> str:
        """The limit that is reached, named by its bucket (``2001/2000 today, overall``).

        Strava keeps a read limit and an overall limit, each per 15 minutes and per day; a 429
        can come from any of the four. When the headers show none reached, both buckets are
        quoted as they stand.
        """
        full = []
        for label, usage in (("read", self.read), ("overall", self.overall)):
            if usage is None:
                continue
            if usage.short_used >= usage.short_limit:
                full.append(f"{usage.short_used}/{usage.short_limit} in 15 min, {label}")
            if usage.day_used >= usage.day_limit:
                full.append(f"{usage.day_used}/{usage.day_limit} today, {label}")
        if full:
            return "; ".join(full)
        known = [
            f"{label}: {u}"
            for label, u in (("read", self.read), ("overall", self.overall))
            if u is not None
        ]
        return "; ".join(known) or "usage unknown"
