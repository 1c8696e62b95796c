"""Planned runs and races from a Google calendar, classified like those of any calendar.

One list request per page of the look-ahead window, with Google expanding recurring events
(``singleEvents``) and leaving deleted ones out; each event becomes the
:class:`~connectors.ics_calendar.CalendarEntry` of every local day it covers (an all-day
event's end date is exclusive, as in RFC 5545; a timed event ending at midnight does not
cover the next day), and :func:`~connectors.ics_calendar.planned_events` classifies them by
the planner's rules (words, durations, all-day). A cancelled event or occurrence is never a
run. Events hamsync wrote (any install: they carry ``hamsyncInstall``) are never read back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from planner.models import PlannedEvent
from planner.settings import Settings

from ..base import SourceError
from ..ics_calendar import CalendarEntry, planned_events
from .api import execute, find_calendar
from .errors import GoogleError, StorageError
from .event_map import INSTALL_KEY, private_of

PAGE_SIZE = 2500
MAX_PAGES = 20
MAX_DAYS_PER_EVENT = 31
"""An event is counted on at most this many days (a month-long camp), whatever its length."""


def entries_of(event: dict[str, Any], tz: ZoneInfo) -> list[CalendarEntry]:
    """The local days one Google event covers, as calendar entries (none if it is not usable).

    Raises ValueError on a malformed start or end.
    """
    if event.get("status") == "cancelled" or INSTALL_KEY in private_of(event):
        return []
    start, end = event.get("start") or {}, event.get("end") or {}
    uid = str(event.get("id", ""))
    title = str(event.get("summary", "")).strip()
    if "date" in start:
        first = date.fromisoformat(str(start["date"]))
        stop = date.fromisoformat(str(end.get("date", start["date"])))
        last = max(first, stop - timedelta(days=1))
        return [_entry(uid, title, d, None, None, True, last) for d in _days(first, last)]
    begin = _moment(start, tz)
    finish = _moment(end, tz) if end else begin
    duration = max(0.0, (finish - begin).total_seconds())
    last = (finish - timedelta(microseconds=1)).date() if finish > begin else begin.date()
    days = _days(begin.date(), last)
    return [_entry(uid, title, d, begin, duration, False, last) for d in days]


def _entry(
    uid: str,
    title: str,
    day: date,
    start: datetime | None,
    duration: float | None,
    all_day: bool,
    last_day: date,
) -> CalendarEntry:
    return CalendarEntry(
        uid=uid,
        title=title,
        day=day,
        start=start,
        duration_s=duration,
        all_day=all_day,
        cancelled=False,  # cancelled events and occurrences never get here
        last_day=last_day,  # the after-race rules count from it (R4)
    )


def _moment(when: dict[str, Any], tz: ZoneInfo) -> datetime:
    value = datetime.fromisoformat(str(when["dateTime"]).replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(str(when.get("timeZone") or tz.key)))
    return value.astimezone(tz)


def _days(first: date, last: date) -> Iterator[date]:
    for offset in range(min((last - first).days, MAX_DAYS_PER_EVENT - 1) + 1):
        yield first + timedelta(days=offset)


class GoogleUpcoming:
    """A Google calendar of planned runs, as an :class:`~connectors.base.UpcomingSource`."""

    def __init__(
        self,
        service: Callable[[], Any],
        calendar: str,
        tz: ZoneInfo,
        settings: Settings,
        name: str = "upcoming.google",
    ) -> None:
        self.service = service
        self.calendar = calendar
        self.tz = tz
        self.settings = settings
        self.name = name

    def planned(self, first_day: date, last_day: date) -> list[PlannedEvent]:
        service = self.service()
        calendar_id = find_calendar(service, self.calendar)
        entries: list[CalendarEntry] = []
        try:
            events = list(self._events(service, calendar_id, first_day, last_day))
        except StorageError:
            raise GoogleError(
                f"Google calendar {self.calendar!r} cannot be read (gone, or not shared with "
                "you)",
                fix="check [upcoming.google] calendar",
            ) from None
        for event in events:
            try:
                found = entries_of(event, self.tz)
            except (ValueError, KeyError, TypeError):
                continue  # one malformed event never costs the others
            entries.extend(e for e in found if first_day <= e.day <= last_day)
        entries.sort(key=lambda e: (e.day, e.title, e.uid))
        return planned_events(entries, self.settings, f"Google calendar {self.calendar}")

    def _events(
        self, service: Any, calendar_id: str, first_day: date, last_day: date
    ) -> Iterator[dict[str, Any]]:
        start = datetime.combine(first_day, time.min, self.tz).isoformat()
        end = datetime.combine(last_day + timedelta(days=1), time.min, self.tz).isoformat()
        page: str | None = None
        for _ in range(MAX_PAGES):
            answer = execute(
                service.events().list(
                    calendarId=calendar_id,
                    timeMin=start,
                    timeMax=end,
                    singleEvents=True,
                    showDeleted=False,
                    maxResults=PAGE_SIZE,
                    pageToken=page,
                ),
                f"reading calendar {self.calendar!r}",
            )
            yield from answer.get("items", [])
            page = answer.get("nextPageToken")
            if not page:
                return
        raise SourceError(
            f"Google calendar {self.calendar!r}: more than {MAX_PAGES} pages in the window"
        )
