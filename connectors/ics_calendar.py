"""Planned runs and races from the runner's own calendar, as an ICS file or URL.

Recurring events are expanded over the look-ahead window; hamsync's own events (their
UIDs end with :data:`OWN_UID_SUFFIX`) are never read back as runs. Which events are
runs, long trails, hill sessions or races is the planner's call
(:func:`planner.classify.classify_event`); this module only reads the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import recurring_ical_events
import requests
from icalendar import Calendar

from planner.classify import classify_event
from planner.models import PlannedEvent
from planner.settings import Settings

from .base import SourceError
from .http_retry import retry_after_s

OWN_UID_SUFFIX = "@hamsync"
FETCH_TIMEOUT_S = 20
MAX_CALENDAR_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One occurrence of a calendar event, before the planner classifies it."""

    uid: str
    title: str
    day: date
    start: datetime | None
    duration_s: float | None
    all_day: bool
    cancelled: bool


def read_ics_source(location: str) -> bytes:
    """The calendar's bytes from a path or an http(s) URL; :class:`SourceError` if unreadable."""
    if location.startswith(("https://", "http://")):
        return _fetch(location)
    path = Path(location)
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_CALENDAR_BYTES)
    except OSError as exc:
        raise SourceError(f"calendar {path}: cannot read it ({exc.strerror})") from None


def shown_location(location: str) -> str:
    """The calendar's place fit to print: a file's name, or a URL's host and file name only.

    A private calendar link (Google's ``.../private-<key>/basic.ics``, a ``?token=``) is a
    password: its path, query and any user:password never reach messages, logs or the state.
    """
    if "://" not in location:
        return Path(location).name
    parts = urlsplit(location)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    name = parts.path.rsplit("/", 1)[-1]
    return f"{parts.scheme}://{host}{port}/.../{name}" if name else f"{parts.scheme}://{host}{port}"


def _fetch(url: str) -> bytes:
    """GET the calendar, streamed and capped (a hostile server cannot fill the memory)."""
    shown = shown_location(url)
    try:
        with requests.get(url, timeout=FETCH_TIMEOUT_S, stream=True) as response:
            if response.status_code != 200:
                raise _status_error(shown, response)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body.extend(chunk)
                if len(body) > MAX_CALENDAR_BYTES:
                    raise SourceError(
                        f"calendar {shown}: larger than {MAX_CALENDAR_BYTES // 2**20} MB, not read"
                    )
            return bytes(body)
    except requests.RequestException as exc:
        raise SourceError(f"calendar {shown}: cannot fetch it ({exc.__class__.__name__})") from None


def _status_error(shown: str, response: requests.Response) -> SourceError:
    code = response.status_code
    if code in (401, 403):
        return SourceError(
            f"calendar {shown}: the server refused access ({code})",
            fix="check the calendar's address in [upcoming] ics (a private link may have "
            "been reset)",
        )
    retry_after = retry_after_s(response.headers.get("Retry-After")) if code in (429, 503) else None
    return SourceError(f"calendar {shown}: the server answered {code}", retry_after_s=retry_after)


def calendar_entries(
    ics: bytes, first_day: date, last_day: date, tz: ZoneInfo, where: str
) -> list[CalendarEntry]:
    """Occurrences between ``first_day`` and ``last_day`` (inclusive), in the runner's zone."""
    try:
        calendar = Calendar.from_ical(ics)
        window_start = datetime.combine(first_day, time.min, tz)
        window_end = datetime.combine(last_day + timedelta(days=1), time.min, tz)
        occurrences = recurring_ical_events.of(calendar).between(window_start, window_end)
    except Exception as exc:
        raise SourceError(f"calendar {where}: not a readable iCalendar file ({exc})") from None
    entries = [_entry(event, tz) for event in occurrences]
    return sorted(
        (e for e in entries if e is not None and not e.uid.endswith(OWN_UID_SUFFIX)),
        key=lambda e: (e.day, e.title, e.uid),
    )


def _entry(event: object, tz: ZoneInfo) -> CalendarEntry | None:
    get = getattr(event, "get", None)
    if get is None:
        return None
    start_prop = get("DTSTART")
    if start_prop is None:
        return None
    start = start_prop.dt
    end_prop = get("DTEND")
    end = end_prop.dt if end_prop is not None else None
    duration_prop = get("DURATION")
    all_day = not isinstance(start, datetime)
    if all_day:
        day = start
        start_dt = None
        duration_s = None
    else:
        start_dt = start if start.tzinfo else start.replace(tzinfo=tz)
        start_dt = start_dt.astimezone(tz)
        day = start_dt.date()
        if isinstance(end, datetime):
            end_dt = end if end.tzinfo else end.replace(tzinfo=tz)
            duration_s = max(0.0, (end_dt - start_dt).total_seconds())
        elif duration_prop is not None:
            duration_s = duration_prop.dt.total_seconds()
        else:
            duration_s = None
    return CalendarEntry(
        uid=str(get("UID", "")),
        title=str(get("SUMMARY", "")).strip(),
        day=day,
        start=start_dt,
        duration_s=duration_s,
        all_day=all_day,
        cancelled=str(get("STATUS", "")).upper() == "CANCELLED",
    )


def planned_events(
    entries: Iterable[CalendarEntry], settings: Settings, source: str
) -> list[PlannedEvent]:
    """The entries that are planned runs, classified by the planner's look-ahead rules."""
    events = []
    for entry in entries:
        kind = classify_event(
            entry.title, entry.duration_s, None, entry.all_day, entry.cancelled, settings
        )
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
            )
        )
    return events


def read_planned_events(
    location: str, first_day: date, last_day: date, tz: ZoneInfo, settings: Settings
) -> list[PlannedEvent]:
    """Read, expand and classify the runner's calendar in one call."""
    ics = read_ics_source(location)
    where = shown_location(location)
    entries = calendar_entries(ics, first_day, last_day, tz, where)
    return planned_events(entries, settings, f"calendar {where}")


class IcsUpcoming:
    """The runner's calendar as an ICS file or URL, as an :class:`UpcomingSource`."""

    def __init__(self, location: str, tz: ZoneInfo, settings: Settings, name: str = "calendar"):
        self.location = location
        self.tz = tz
        self.settings = settings
        self.name = name

    def planned(self, first_day: date, last_day: date) -> list[PlannedEvent]:
        return read_planned_events(self.location, first_day, last_day, self.tz, self.settings)
