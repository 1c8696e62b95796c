"""``hamsync daemon``: sync every few minutes and re-plan once a day, unattended, for months.

The loop is the ``schedule`` package's: an interval job and a daily job at ``replan_at`` in
the runner's time zone. Around it, what a home server needs:

- every job is guarded: ``schedule`` lets a job's exception escape ``run_pending`` (and then
  never reschedules the job), so one bad sync would end the loop; here it is logged and the
  next tick comes as planned;
- a failing source or sink backs off (:mod:`sync.engine.health`, kept in the state) while the others
  run on time;
- the loop wakes at least every ``max_idle_s`` (60 s): ``time.sleep`` does not count the time
  a machine spends suspended, so a long sleep would oversleep a resume by hours. ``schedule``
  then runs each overdue job once (not once per missed tick), and the daemon logs the jump;
- SIGTERM or SIGINT while idle stops at once; during a sync, the sync finishes first (a second
  signal abandons it: every step is one transaction and the calendar file is replaced
  atomically, so nothing is left half-written either way);
- each sync takes the same lock as ``hamsync sync`` and opens the state only for its duration,
  so a cron sync and the daemon never interleave and no file descriptor is held between syncs.
- with ``[feed] enabled`` it serves the feed and the check-in page (the server is passed in
  by ``hamsync daemon``); a check-in on the page asks for a sync
  (:meth:`Daemon.request_sync`): check-ins asked while one is waiting or running join the
  next one, which starts at once but never sooner than :data:`CHECKIN_SPACING_S` after the
  last sync ended, so the calendars follow within a minute or two.

The clock (``now``) and ``sleep`` are injectable, so tests drive thousands of ticks of
simulated time in seconds.
"""

from __future__ import annotations

import errno
import logging
import signal
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any, Protocol

import schedule

from connectors.errors import HamsyncError
from sync.config.keystore import redact
from sync.config.model import Config
from sync.engine.health import Backoff, Health, utc_now
from sync.engine.run import SyncReport, run_once
from sync.store.database import StateDatabase
from sync.store.integrity import explain
from sync.store.lock import LockHeld, sync_lock

log = logging.getLogger("hamsync")

JUMP_S = 120.0
"""Wall time passing this much beyond a sleep means the machine slept or the clock jumped."""
DEDUPE_S = 60.0
"""A job due right after a sync (the daily re-plan at the interval's tick) is not run twice."""
CHECKIN_SPACING_S = 60.0
"""A sync asked for by a check-in starts at least this long after the last sync ended. Every
sync reads each source (Strava allows 100 reads per 15 minutes, 1,000 a day): ten taps in a
row must not make ten syncs. 60 s caps check-in syncs at 15 per quarter hour, while the
stored plan is already re-planned at the check-in itself (only the calendars wait)."""
DEDUPE_SHARE = 0.5
"""...but never for longer than half an interval: with ``interval_minutes = 1``, a sync that
ended 55 s ago is a tick's worth old, not "moments ago", and skipping it halves the rate."""


class Served(Protocol):
    """A running HTTP server: the feed and the check-in page."""

    def stop(self) -> None: ...


ServeStarter = Callable[[Config, Callable[[], None]], Served]
"""Starts the server for a config; the callable it gets asks the daemon to sync at once."""


class StopDaemon(BaseException):
    """Raised by the signal handler to leave a sleep (or abandon a sync on a second signal).

    A BaseException, so that the engine's per-connector ``except Exception`` does not eat it.
    """


class Daemon:
    def __init__(
        self,
        config: Config,
        *,
        now: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] | None = None,
        max_idle_s: float = 60.0,
        lock_wait_s: float = 30.0,
        checkin_spacing_s: float = CHECKIN_SPACING_S,
        serve: ServeStarter | None = None,
    ) -> None:
        self.config = config
        self.now = now
        self._wake = threading.Event()
        self._sync_wanted = False
        self.sleep = sleep if sleep is not None else self._nap
        self.serve = serve
        """Starts the HTTP server of ``[feed] enabled`` (``sync.serve.server``, passed in by
        ``hamsync daemon``: the engine does not import what sits above it)."""
        self.max_idle_s = max_idle_s
        self.checkin_spacing_s = checkin_spacing_s
        self.lock_wait_s = lock_wait_s
        interval = timedelta(minutes=config.daemon.interval_minutes)
        cap = timedelta(minutes=config.daemon.backoff_max_minutes)
        backoff = Backoff(base=interval, cap=max(cap, interval))
        self.health = Health(now=now, backoff=backoff, honour_backoff=True)
        self.scheduler = schedule.Scheduler()
        self.stop_requested = False
        self._busy = False
        self._last_sync: datetime | None = None
        self.dedupe_s = min(DEDUPE_S, interval.total_seconds() * DEDUPE_SHARE)
        """A job this soon after the last sync is skipped: 60 s, or half a shorter interval."""
        self.ticks = 0
        self.syncs = 0
        self.failed_jobs = 0
        self.feed: Any = None
        """The server of the feed and the check-in page while ``run`` serves them."""

    # -- jobs -------------------------------------------------------------------------
    def schedule_jobs(self) -> None:
        self.scheduler.clear()
        self.scheduler.every(self.config.daemon.interval_minutes).minutes.do(self.job, "interval")
        self.scheduler.every().day.at(self.config.daemon.replan_at, self.config.timezone).do(
            self.job, "daily re-plan"
        )

    def request_sync(self) -> None:
        """Ask for a sync (a check-in on the page); safe from any thread. Requests made while
        one is waiting or running join the next sync, which comes as soon as the loop can
        but not before :data:`CHECKIN_SPACING_S` after the last sync ended."""
        self._sync_wanted = True
        self._wake.set()

    def _nap(self, seconds: float) -> None:
        """The default sleep: ends early when :meth:`request_sync` is called."""
        self._wake.wait(seconds)
        self._wake.clear()

    def job(self, why: str, fresh: bool = False) -> None:
        """One guarded sync: any exception is logged, never raised into the loop.

        ``fresh``: run even right after another sync (something new was recorded).
        """
        last = self._last_sync
        recent = last is not None and (self.now() - last).total_seconds() < self.dedupe_s
        if recent and not fresh:
            log.info("%s: synced moments ago", why, extra={"event": "skip", "why": why})
            return
        self._busy = True
        try:
            report = self.sync_once()
        except HamsyncError as exc:  # a damaged or newer state, a full disk: said plainly
            self.failed_jobs += 1
            log.error(
                "%s: sync failed: %s", why, redact(exc.shown()),
                extra={"event": "sync", "why": why, "ok": False},
            )  # fmt: skip
            return
        except Exception as exc:
            self.failed_jobs += 1
            log.error(
                "%s: sync failed: %s", why, redact(repr(exc)), exc_info=exc,
                extra={"event": "sync", "why": why, "ok": False},
            )  # fmt: skip
            return
        finally:
            self._busy = False
            self._last_sync = self.now()
        if report is not None:
            self.syncs += 1
            log_sync(report, why)

    def sync_once(self) -> SyncReport | None:
        """A sync under the lock; None (logged) when a hand-run sync holds it too long."""
        assert self.config.state_dir is not None
        today = self.now().astimezone(self.config.tz).date()
        state = StateDatabase.open(self.config.state_dir)
        try:
            with sync_lock(self.config.state_dir, wait_s=self.lock_wait_s):
                return run_once(self.config, state, today, health=self.health)
        except LockHeld as exc:
            log.info("skipped: %s", exc, extra={"event": "skip"})
            return None
        except sqlite3.Error as exc:  # a full disk, damage found mid-way: said plainly
            raise explain(exc, state.path) from exc
        finally:
            state.close()

    # -- the loop ---------------------------------------------------------------------
    def run(self, max_ticks: int | None = None) -> None:
        """Sync now, then on schedule until a signal (or ``max_ticks`` loops, for tests)."""
        restore = self._install_signals()
        self.feed = self._start_feed()
        try:
            self.schedule_jobs()
            log.info(
                "daemon started: sync every %d min, re-plan daily at %s (%s)",
                self.config.daemon.interval_minutes, self.config.daemon.replan_at,
                self.config.timezone, extra={"event": "start"},
            )  # fmt: skip
            self.job("start")
            last_tick = None if max_ticks is None else self.ticks + max_ticks
            while not self.stop_requested and (last_tick is None or self.ticks < last_tick):
                self._tick()
        except StopDaemon:
            pass
        finally:
            if self.feed is not None:
                self.feed.stop()
                self.feed = None
            restore()
            log.info("daemon stopped", extra={"event": "stop"})

    def _spacing_left(self) -> float:
        """Seconds until a check-in's sync may start (0 when it may start now)."""
        if self._last_sync is None:
            return 0.0
        since = (self.now() - self._last_sync).total_seconds()
        return max(0.0, self.checkin_spacing_s - since)

    def _tick(self) -> None:
        self.scheduler.run_pending()
        if self._sync_wanted and not self.stop_requested and self._spacing_left() <= 0:
            self._sync_wanted = False  # set again by a check-in during this sync
            self.job("check-in", fresh=True)
        if self.stop_requested:
            return
        idle = self.scheduler.idle_seconds
        wait = min(self.max_idle_s, max(1.0, idle if idle is not None else self.max_idle_s))
        if self._sync_wanted:
            wait = min(wait, max(1.0, self._spacing_left()))
        before = self.now()
        self.sleep(wait)
        self.ticks += 1
        slept = (self.now() - before).total_seconds()
        if slept > wait + JUMP_S:
            log.info(
                "woke %.0f min late (machine asleep or clock changed): catching up once",
                (slept - wait) / 60, extra={"event": "clock_jump"},
            )  # fmt: skip

    def request_stop(self, signum: int, _frame: FrameType | None = None) -> None:
        """Signal handler: finish the current sync, or leave now when idle (or asked twice)."""
        if self._busy and not self.stop_requested:
            self.stop_requested = True
            log.info("stopping after the current sync (signal again to abandon it)")
            return
        self.stop_requested = True
        raise StopDaemon(signum)

    def _install_signals(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        old = {s: signal.signal(s, self.request_stop) for s in (signal.SIGTERM, signal.SIGINT)}

        def restore() -> None:
            for sig, handler in old.items():
                signal.signal(sig, handler)

        return restore

    def _start_feed(self) -> Any:
        """The server of the feed and the check-in page when ``[feed] enabled``, else None."""
        if not self.config.feed.enabled:
            return None
        where = f"{self.config.feed.host}:{self.config.feed.port}"
        if self.serve is None:
            message = "this daemon was started without an HTTP server"
            log.error("the ICS feed: %s; syncing without it", message)
            self._record_feed(False, message, "run `hamsync daemon`")
            return None
        try:
            server = self.serve(self.config, self.request_sync)
        except Exception as exc:  # port taken, no keyring for the token: sync anyway
            message = f"cannot start on {where}: {exc}"
            log.error("the ICS feed %s; syncing without it", redact(message))
            self._record_feed(False, message, feed_fix(exc, self.config.feed.port))
            return None
        page = " and the check-in page" if getattr(server, "page", None) is not None else ""
        log.info("serving the ICS feed%s on %s", page, where, extra={"event": "feed"})
        self._record_feed(True, f"serving on {where}")
        return server

    def _record_feed(self, ok: bool, message: str, fix: str = "") -> None:
        """Keep how the feed started for ``hamsync status`` (part ``feed``)."""
        assert self.config.state_dir is not None
        state = StateDatabase.open(self.config.state_dir)
        try:
            with state.transaction():
                stamp = self.now().isoformat()
                state.log_part(FEED_PART, stamp, ok, redact(message), fix=redact(fix))
        finally:
            state.close()


FEED_PART = "feed"


def feed_fix(exc: Exception, port: int) -> str:
    """What to change when the feed cannot start: the port, or the secret store's fix."""
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} is taken (another program, or a `hamsync serve` still running): "
            "stop it, or set [feed] port to a free one"
        )
    return getattr(exc, "fix", "") or "see the message; then restart the daemon"


def log_sync(report: SyncReport, why: str) -> None:
    """The one line a sync leaves in the log."""
    writes = ", ".join(
        f"{name} +{r.created} ~{r.updated} -{r.deleted}" for name, r in report.writes.items()
    )
    text = f"sync ({why}): {report.runs_pulled} runs pulled, {len(report.sessions)} sessions"
    if writes:
        text += f"; {writes}"
    if report.errors:
        text += "; failed: " + "; ".join(f"{c}: {m}" for c, m in report.errors)
    if report.skipped:
        text += "; backing off: " + ", ".join(c for c, _ in report.skipped)
    if report.refused:  # the daemon never forces: the runner decides (`hamsync sync --force`)
        text += "; refused: " + "; ".join(f"{c}: {m}" for c, m in report.refused)
    if report.warnings:  # a config that writes nowhere, old runs only: said every time
        text += "; warnings: " + "; ".join(report.warnings)
    level = logging.WARNING if report.errors or report.refused else logging.INFO
    log.log(
        level, "%s", text,
        extra={
            "event": "sync", "why": why, "ok": not report.errors,
            "runs_pulled": report.runs_pulled, "sessions": len(report.sessions),
            "writes": {n: r.as_json() for n, r in report.writes.items()},
            "errors": [{"connector": c, "message": m} for c, m in report.errors],
            "skipped": [c for c, _ in report.skipped],
            "warnings": list(report.warnings),
        },
    )  # fmt: skip
