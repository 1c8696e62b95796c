"""Planned runs and races from the runner's own calendar, as an ICS file or link.

Reading goes in four steps, each with its own module: fetch the bytes within one deadline
and size limit (:mod:`connectors.calendar_fetch`, or the file), decode them
(:mod:`connectors.ics_decode`), parse them so that one broken event costs only itself
(:func:`parse_calendar`), and expand the window the planner needs
(:mod:`connectors.ics_expand`). Which entries are runs, long trails, hill sessions or races
is the planner's call (:func:`planner.classify.classify_event`).

A link is shown as its host and a short fingerprint only (:mod:`connectors.calendar_url`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from planner.classify import classify_event
from planner.models import PlannedEvent
from planner.settings import Settings

from .base import SourceError
from .calendar_fetch import MAX_CALENDAR_BYTES, FetchLimits, fetch, too_large
from .calendar_url import is_url, normalised, shown_location
from .ics_decode import decode_calendar
from .ics_expand import OWN_UID_SUFFIX, CalendarEntry, Expansion, expand
from .ics_prefilter import slim

__all__ = [
    "FETCH_TIMEOUT_S",
    "MAX_CALENDAR_BYTES",
    "OWN_UID_SUFFIX",
    "CalendarEntry",
    "IcsUpcoming",
    "calendar_entries",
    "planned_events",
    "read_ics_source",
    "shown_location",
]

FETCH_TIMEOUT_S = 20.0
"""The overall deadline of one calendar fetch, redirects and download included (hamsync
default; read at each fetch, so a test may lower it)."""

_EVENT_BLOCK = re.compile(r"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?$\n?", re.M | re.S | re.I)


def read_ics_source(location: str, limits: FetchLimits | None = None) -> bytes:
    """The calendar's bytes from a path or a link; :class:`SourceError` if unreadable.

    A file and a link share one size limit and one message for it.
    """
    limits = limits or FetchLimits(deadline_s=FETCH_TIMEOUT_S)
    where = shown_location(location)
    if is_url(location):
        return fetch(normalised(location), where, limits)
    path = Path(location)
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise SourceError(
            f"calendar {where}: cannot read it ({exc.strerror})",
            "set [upcoming] ics to your calendar of planned runs (a file, relative to the "
            "config file's folder, or an https:// address), or delete the line",
        ) from None
    if len(data) > limits.max_bytes:
        raise too_large(where, limits.max_bytes)
    return data


def parse_calendar(text: str, where: str) -> tuple[Calendar, list[str]]:
    """The parsed calendar and warnings about events that could not be parsed.

    When the whole text does not parse, each event is parsed on its own beside the
    calendar's other parts (time zones), and the broken ones are skipped with a warning.
    Messages never quote the file's content beyond an event's title.
    """
    warnings: list[str] = []
    if "BEGIN:VCALENDAR" not in text[:4096].upper():
        raise SourceError(
            f"calendar {where}: not an iCalendar file (no BEGIN:VCALENDAR at its start)",
            fix="check [upcoming] ics: it must name an .ics file or a calendar link",
        )
    try:
        return Calendar.from_ical(text), warnings
    except Exception:  # noqa: S110  icalendar raises ValueError and others on one bad line
        pass  # read event by event below
    blocks = _EVENT_BLOCK.findall(text)
    rest = _EVENT_BLOCK.sub("", text)
    try:
        calendar = Calendar.from_ical(rest)
    except Exception:
        raise SourceError(
            f"calendar {where}: not a readable iCalendar file (its header or time zones are "
            "broken)",
            fix="export the calendar again",
        ) from None
    for block in blocks:
        try:
            event = Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{block}END:VCALENDAR\r\n")
        except Exception:
            warnings.append(f"calendar {where}: skipped {_title_of(block)}: it cannot be read")
            continue
        for component in event.subcomponents:
            calendar.add_component(component)
    return calendar, warnings


def _title_of(block: str) -> str:
    found = re.search(r"^SUMMARY[^:\r\n]*:(.*)$", block, re.M)
    title = found.group(1).strip()[:80] if found else ""
    day = re.search(r"^DTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})", block, re.M)
    when = f" ({day.group(1)}-{day.group(2)}-{day.group(3)})" if day else ""
    return f'an event "{title}"{when}' if title else f"an event{when}"


def calendar_entries(
    ics: bytes, first_day: date, last_day: date, tz: ZoneInfo, where: str
) -> Expansion:
    """Entries of ``first_day`` to ``last_day`` (inclusive) in the runner's zone, and warnings."""
    decoded = decode_calendar(ics, where)
    text = slim(decoded.text, first_day, last_day)
    calendar, warnings = parse_calendar(text, where)
    if decoded.warning:
        warnings.insert(0, decoded.warning)
    try:
        expansion = expand(calendar, first_day, last_day, tz, where)
    except SourceError:
        raise
    except Exception as exc:  # the calendar as a whole (CALSCALE, X-WR-TIMEZONE) is broken
        raise SourceError(
            f"calendar {where}: not a readable iCalendar file ({exc.__class__.__name__})"
        ) from None
    expansion.warnings[:0] = warnings
    return expansion


def planned_events(
    entries: Iterable[CalendarEntry], settings: Settings, source: str
) -> list[PlannedEvent]:
    """The entries that are planned runs, classified by the planner's look-ahead rules.

    A cancelled entry is never a planned run, whatever its title (RFC 5545 3.8.1.11).
    """
    events = []
    for entry in entries:
        if entry.cancelled:
            continue
        kind = classify_event(entry.title, entry.duration_s, None, entry.all_day, False, settings)
        if not kind.is_run:
            continue
        events.append(
            PlannedEvent(
                uid=f"{entry.uid}/{entry.day.isoformat()}",
                title=entry.title,
                day=entry.day,
                source=source,
                start=entry.start,
                duration_s=entry.duration_s,
                long=kind.long,
                hill=kind.hill,
                race=kind.race,
                ultra=kind.ultra,
                last_day=entry.last_day,
            )
        )
    return events


class IcsUpcoming:
    """The runner's calendar as an ICS file or link, as an :class:`UpcomingSource`.

    ``warnings`` holds what the last :meth:`planned` skipped or assumed (a broken series, a
    guessed encoding); the look-ahead adds them to the sync's report.
    """

    def __init__(
        self,
        location: str,
        tz: ZoneInfo,
        settings: Settings,
        name: str = "calendar",
        limits: FetchLimits | None = None,
    ):
        self.location = location
        self.tz = tz
        self.settings = settings
        self.name = name
        self.limits = limits
        self.warnings: list[str] = []

    def planned(self, first_day: date, last_day: date) -> list[PlannedEvent]:
        """Planned runs of the window; :class:`SourceError` when the calendar is unreadable."""
        self.warnings = []
        limits = self.limits or FetchLimits(deadline_s=FETCH_TIMEOUT_S)
        where = shown_location(self.location)
        ics = read_ics_source(self.location, limits)
        expansion = calendar_entries(ics, first_day, last_day, self.tz, where)
        self.warnings = expansion.warnings
        return planned_events(expansion.entries, self.settings, f"calendar {where}")
