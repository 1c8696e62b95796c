"""Warnings a sync gives every time, so that nothing goes silently wrong (issue 16).

A config that reads no runs or writes nowhere, and a history whose newest run is long past,
still sync with exit code 0, but the report says what is missing and what to add.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from planner.models import Run
from sync.config.model import Config
from sync.wiring.plugin_sources import enabled_sections

STALE_DAYS = 28
"""With no run in this many days the plan treats the runner as not running: the weekly dose
(R5) counts the runs of the week and expects the median of the last 4 weeks (28 days)."""


def config_gaps(config: Config) -> list[str]:
    """A warning for a config without a source of runs, and one for a config without a place
    to write the plan (unless the daemon serves it as a feed)."""
    gaps: list[str] = []
    if not enabled_sections(config.sources):
        gaps.append(
            "no source of runs in the config: add [sources.files] with the path of your "
            "folder of FIT, GPX and TCX files, or [sources.strava] or [sources.garmin] "
            "(see config.example.toml)"
        )
    sinks = config.sinks
    written = [s for s in (sinks.ics, sinks.caldav, sinks.garmin) if s is not None and s.enabled]
    if not written and not config.feed.enabled:
        gaps.append(
            "no calendar to write the sessions to: add [sinks.ics] with a path, "
            "[sinks.caldav] or [sinks.garmin], or serve them with `hamsync serve` "
            "(see config.example.toml); the plan is only stored"
        )
    return gaps


def stale_history(history: Sequence[Run], today: date, tz: tzinfo) -> str | None:
    """A warning when no stored run lies in the last :data:`STALE_DAYS` days, naming the
    newest one (or saying there is none); None when recent runs exist."""
    past = [run for run in history if run.start.astimezone(tz).date() <= today]
    if not past:
        return (
            "no runs stored yet (`hamsync sync` reads them from the sources of the config): "
            "the sessions assume a week without runs (R5)"
        )
    newest = max(past, key=lambda run: run.start)
    day = newest.start.astimezone(tz).date()
    age = (today - day).days
    if age <= STALE_DAYS:
        return None
    return (
        f"your newest run is from {day:%a %Y-%m-%d}, {age:,} days ago: nothing in the last "
        f"{STALE_DAYS} days, so the sessions assume a week without runs (R5)"
    )
