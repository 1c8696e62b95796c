"""The shortcuts that make big calendars fast change nothing inside the window: the text
pre-filter (events and dates far away left out before parsing) and the fast-forward of old
daily and weekly series give the same days as plain recurring-ical-events over the window.
Property tests: the shortcut against the library's own full answer."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from connectors.ics_calendar import calendar_entries

ZURICH = ZoneInfo("Europe/Zurich")
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def reference_days(text: str, first: date, last: date) -> list[tuple[str, date]]:
    """Start days of the occurrences in the window by the library alone, nothing left out."""
    start = datetime.combine(first, time.min, ZURICH)
    end = datetime.combine(last + timedelta(days=1), time.min, ZURICH)
    found = recurring_ical_events.of(Calendar.from_ical(text)).between(start, end)
    out = []
    for event in found:
        moment = event["DTSTART"].dt
        day = moment.astimezone(ZURICH).date() if isinstance(moment, datetime) else moment
        if first <= day <= last:
            out.append((str(event["SUMMARY"]), day))
    return sorted(out)


def reference_titles(text: str, first: date, last: date) -> set[str]:
    start = datetime.combine(first, time.min, ZURICH)
    end = datetime.combine(last + timedelta(days=1), time.min, ZURICH)
    found = recurring_ical_events.of(Calendar.from_ical(text)).between(start, end)
    return {str(event["SUMMARY"]) for event in found}


def our_days(text: str, first: date, last: date) -> list[tuple[str, date]]:
    read = calendar_entries(text.encode(), first, last, ZURICH, "t.ics")
    assert read.warnings == []
    return sorted((e.title, e.day) for e in read.entries if e.start is not None or e.all_day)


def wrap(*events: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


windows = st.dates(min_value=date(2013, 1, 1), max_value=date(2030, 12, 1))


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    start=st.datetimes(min_value=datetime(2011, 1, 1), max_value=datetime(2030, 1, 1)),
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 5),
    byday=st.lists(st.sampled_from(DAYS), unique=True, max_size=3),
    until=st.one_of(st.none(), st.dates(min_value=date(2012, 1, 1), max_value=date(2031, 1, 1))),
    exdate_offsets=st.lists(st.integers(0, 8000), max_size=4),
    first=windows,
    span=st.integers(0, 40),
)
def test_fast_forwarded_series_give_the_same_days(
    start: datetime,
    freq: str,
    interval: int,
    byday: list[str],
    until: date | None,
    exdate_offsets: list[int],
    first: date,
    span: int,
) -> None:
    """A series begun years ago gives, in the window, exactly the library's days."""
    start = start.replace(second=0, microsecond=0)
    rule = f"FREQ={freq};INTERVAL={interval}"
    if byday:
        rule += ";BYDAY=" + ",".join(byday)
    if until:
        rule += f";UNTIL={until:%Y%m%d}T235959Z"
    event = [
        "UID:s@t",
        "DTSTAMP:20200101T000000Z",
        "SUMMARY:Run",
        f"DTSTART;TZID=Europe/Zurich:{start:%Y%m%dT%H%M%S}",
        "DURATION:PT1H",
        f"RRULE:{rule}",
    ]
    for offset in exdate_offsets:
        excluded = start + timedelta(days=offset)
        event.append(f"EXDATE;TZID=Europe/Zurich:{excluded:%Y%m%dT%H%M%S}")
    text = wrap(event)
    last = first + timedelta(days=span)
    assert our_days(text, first, last) == reference_days(text, first, last)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    offsets=st.lists(st.integers(-4000, 4000), min_size=1, max_size=8),
    lengths=st.lists(st.integers(0, 14), min_size=8, max_size=8),
    moved=st.lists(st.tuples(st.integers(-3000, 3000), st.integers(-60, 60)), max_size=4),
    span=st.integers(0, 40),
)
def test_pre_filtered_events_give_the_same_days(
    offsets: list[int], lengths: list[int], moved: list[tuple[int, int]], span: int
) -> None:
    """One-off events near and far, and occurrences moved from far to near (and back), give
    the library's days once the far ones are left out before parsing."""
    first = date(2026, 3, 1)
    last = first + timedelta(days=span)
    events = []
    for n, offset in enumerate(offsets):
        day = first + timedelta(days=offset)
        events.append(
            [
                f"UID:one-{n}@t",
                "DTSTAMP:20200101T000000Z",
                f"SUMMARY:Run {n}",
                "DESCRIPTION:long text that is left out",
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=1 + lengths[n]):%Y%m%d}",
            ]
        )
    series_start = datetime(2015, 1, 5, 7, 0)
    events.append(
        [
            "UID:weekly@t",
            "DTSTAMP:20200101T000000Z",
            "SUMMARY:Weekly",
            f"DTSTART;TZID=Europe/Zurich:{series_start:%Y%m%dT%H%M%S}",
            "DURATION:PT1H",
            "RRULE:FREQ=WEEKLY",
        ]
    )
    for n, (weeks, shift) in enumerate(moved):
        original = datetime.combine(first, series_start.time()) + timedelta(weeks=weeks)
        original -= timedelta(days=(original.weekday() - series_start.weekday()) % 7)
        events.append(
            [
                "UID:weekly@t",
                "DTSTAMP:20200101T000000Z",
                f"SUMMARY:Moved {n}",
                f"RECURRENCE-ID;TZID=Europe/Zurich:{original:%Y%m%dT%H%M%S}",
                f"DTSTART;TZID=Europe/Zurich:{original + timedelta(days=shift):%Y%m%dT%H%M%S}",
                "DURATION:PT1H",
            ]
        )
    text = wrap(*events)
    ours = our_days(text, first, last)
    theirs = reference_days(text, first, last)
    # one entry per covered day on our side: compare the first day of each event, and
    # which events touch the window at all
    assert sorted(set(ours) & set(theirs)) == theirs
    assert {title for title, _ in ours} == reference_titles(text, first, last)
