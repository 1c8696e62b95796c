"""The look-ahead: planned runs and races from every configured calendar, for the planner.

A calendar that cannot be read now is planned from its last good read
(:mod:`sync.store.upcoming_cache`), so a flaky server does not move sessions back and forth.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from connectors.base import SourceError
from planner.models import PlannedEvent
from sync.config.keystore import redact
from sync.config.model import Config
from sync.engine.health import Health
from sync.engine.report import SyncReport, backing_off, failed
from sync.store import upcoming_cache
from sync.store.database import StateDatabase
from sync.wiring.build import build_upcoming

LOOKAHEAD_EXTRA_DAYS = 7
"""Events up to a week past the horizon still constrain its last days (R3: no new Nordic
stimulus in the 7 days before a race). Every calendar source is read up to here."""
LOOKBACK_DAYS = 14
"""Races of the last two weeks still rule the first days of the plan (R4: recovery after a
race, 3 days plus one per 1,000 m of descent; no Nordic for 7 days after an ultra)."""


def look_ahead(
    config: Config,
    today: date,
    report: SyncReport,
    state: StateDatabase | None = None,
    health: Health | None = None,
    cached: StateDatabase | None = None,
) -> list[PlannedEvent]:
    """Planned runs from every configured calendar; a failing one is reported, others used.

    With ``state``, each good read is kept, and a calendar that fails (or backs off) is
    planned from its last good read, so a flaky server does not move sessions back and forth.
    With ``cached`` only (``hamsync plan``), nothing is recorded but a calendar that fails is
    still shown from its last good read, so ``plan`` shows what ``sync`` would plan.
    """
    health = health or Health()
    rules = config.settings().rules
    back = max(LOOKBACK_DAYS, rules.race_recovery_days, rules.ultra_no_heavy_days)
    first = today - timedelta(days=back)
    last = today + timedelta(days=config.horizon_days + LOOKAHEAD_EXTRA_DAYS)
    events: list[PlannedEvent] = []
    for source in build_upcoming(config):
        part = f"upcoming:{source.name}"
        report.parts.append(part)
        if state is None:  # `hamsync plan`: read what is there, nothing recorded
            try:
                events.extend(_ahead_or_race(source.planned(first, last), today))
                report.sources_ok += 1
                _warnings(source, report)
            except SourceError as exc:
                message = f"{exc} ({exc.fix})" if exc.fix else str(exc)
                report.errors.append((source.name, redact(message)))
                if cached is not None:
                    _from_cache(cached, part, source.name, (first, today, last), events, report)
            continue
        if not backing_off(health, state, part, source.name, report):
            try:
                found = _ahead_or_race(source.planned(first, last), today)
            except Exception as exc:
                failed(health, state, part, source.name, exc, report)
            else:
                events.extend(found)
                report.sources_ok += 1
                _warnings(source, report)
                with state.transaction():
                    upcoming_cache.save(state, part, found, health.now().isoformat())
                    health.record(state, part, True, f"{len(found)} planned runs")
                continue
        _from_cache(state, part, source.name, (first, today, last), events, report)
    return sorted(events, key=lambda e: (e.day, e.title, e.uid))


def _warnings(source: object, report: SyncReport) -> None:
    """What a calendar skipped or assumed while read (a broken series, a guessed encoding)."""
    for warning in getattr(source, "warnings", ()) or ():
        report.warnings.append(redact(str(warning)))


def _ahead_or_race(events: Sequence[PlannedEvent], today: date) -> list[PlannedEvent]:
    """Planned runs from today on; of the days before, races (their after-race rules) and the
    long trails of the last two days (R4: counted as done until the end of the day after them,
    then, without an activity, said to be not done)."""
    recent = today - timedelta(days=2)
    return [e for e in events if e.day >= today or e.race or (e.long and e.end_day >= recent)]


def _from_cache(
    state: StateDatabase,
    part: str,
    name: str,
    window: tuple[date, date, date],
    events: list[PlannedEvent],
    report: SyncReport,
) -> None:
    """Add the last good read of a calendar that could not be read now, and say so.

    ``window`` is (first day read, today, last day read).
    """
    first, today, last = window
    found = upcoming_cache.load(state, part, first, last)
    if found is not None:
        events.extend(_ahead_or_race(found[1], today))
        report.warnings.append(f"{name}: planning with the calendar as read at {found[0][:16]} UTC")


def cached_look_ahead(config: Config, state: StateDatabase, today: date) -> list[PlannedEvent]:
    """Planned runs from each calendar's last good read (kept by the last sync), no network.

    For views that must answer at once (the check-in page): they plan with what the last
    sync planned with. A calendar never read yet adds nothing.
    """
    rules = config.settings().rules
    back = max(LOOKBACK_DAYS, rules.race_recovery_days, rules.ultra_no_heavy_days)
    first = today - timedelta(days=back)
    last = today + timedelta(days=config.horizon_days + LOOKAHEAD_EXTRA_DAYS)
    events: list[PlannedEvent] = []
    for source in build_upcoming(config):
        found = upcoming_cache.load(state, f"upcoming:{source.name}", first, last)
        if found is not None:
            events.extend(_ahead_or_race(found[1], today))
    return sorted(events, key=lambda e: (e.day, e.title, e.uid))
