"""How each part of a sync fared, and when a failing part is tried again (backoff).

Every source, look-ahead calendar and sink is a *part* (``source:files``, ``upcoming:calendar``,
``sink:ics``); the engine records each part's outcome in the state's ``sync_log`` so that
``hamsync status`` can say what failed and how to fix it. The state, not memory, keeps the
failure count: a daemon restarted by systemd (or a cron sync) keeps backing off where the
last one stopped instead of hammering a server that just answered 429.

A part that failed ``n`` times in a row is left alone for ``base * 2**(n-1)``, capped, or for
as long as the server asked (``Retry-After``) if that is longer. Only the daemon honours the
backoff; a sync run by hand always tries everything (the runner asked for it now).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sync.config.keystore import redact
from sync.store.database import PartLog, StateDatabase


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Growing, capped delays between tries of a failing part."""

    base: timedelta = timedelta(minutes=30)
    cap: timedelta = timedelta(hours=6)

    def delay(self, failures: int) -> timedelta:
        if failures <= 0:
            return timedelta(0)
        steps = min(failures - 1, 20)  # 2**20 intervals is past any cap
        return min(self.cap, self.base * (1 << steps))


@dataclass(slots=True)
class Health:
    """The engine's clock and backoff policy; ``honour_backoff`` is set by the daemon."""

    now: Callable[[], datetime] = utc_now
    backoff: Backoff = field(default_factory=Backoff)
    honour_backoff: bool = False

    def waiting(self, state: StateDatabase, part: str) -> PartLog | None:
        """The part's log when the daemon should skip it for now (still backing off)."""
        if not self.honour_backoff:
            return None
        entry = state.part_logs().get(part)
        if entry is None or entry.ok or not entry.retry_at:
            return None
        return entry if datetime.fromisoformat(entry.retry_at) > self.now() else None

    def record(
        self,
        state: StateDatabase,
        part: str,
        ok: bool,
        message: str = "",
        fix: str = "",
        retry_after_s: float | None = None,
    ) -> None:
        """Log the outcome of ``part`` (call inside a transaction); secrets are masked."""
        now = self.now()
        if ok:
            state.log_part(part, now.isoformat(), True, redact(message))
            return
        previous = state.part_logs().get(part)
        failures = (previous.failures if previous is not None else 0) + 1
        delay = self.backoff.delay(failures)
        if retry_after_s is not None:
            delay = max(delay, timedelta(seconds=min(retry_after_s, 7 * 86400)))
        state.log_part(
            part,
            now.isoformat(),
            False,
            redact(message),
            fix=redact(fix),
            failures=failures,
            retry_at=(now + delay).isoformat(),
        )
