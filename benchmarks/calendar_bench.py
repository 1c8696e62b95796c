"""Look-ahead: reading a big real-shaped calendar of planned runs.

A 10 MB calendar: 50 daily series running since 2012 (each with a few hundred moved or
deleted days, as years of a shared club or work calendar collect them) and one-off meetings
with long descriptions up to the size. hamsync reads it as the look-ahead does (file read,
decoding, parsing, expansion of the window only: 14 days back, the 14-day horizon and 7 days
ahead); the alternative is the same calendar through ``icalendar`` and
``recurring_ical_events.of(...).between(...)`` with their defaults over the same window.
Goal (issue 14): under 2 s; it took 35 s before the window and per-series bounds.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.table import Row, best_of

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 25)
TARGET_BYTES = 10 * 1024 * 1024


def big_calendar(series: int = 50, target: int = TARGET_BYTES) -> bytes:
    """The calendar described in the module's docstring, as bytes (about ``target``)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//hamsync//EN"]
    for n in range(series):
        start = datetime(2012, 1, 2 + n % 20, 6 + n % 12, 0)
        exdates = [start + timedelta(days=3 + 11 * k) for k in range(300)]
        lines += [
            "BEGIN:VEVENT",
            f"UID:series-{n}@bench",
            "DTSTAMP:20120101T000000Z",
            f"DTSTART;TZID=Europe/Zurich:{start:%Y%m%dT%H%M%S}",
            "DURATION:PT1H",
            f"SUMMARY:{'Trail run' if n % 5 == 0 else 'Stand-up'} {n}",
            "RRULE:FREQ=DAILY",
            *(f"EXDATE;TZID=Europe/Zurich:{d:%Y%m%dT%H%M%S}" for d in exdates),
            "END:VEVENT",
        ]
        for k in range(20):
            moved = start + timedelta(days=5 + 97 * k)
            lines += [
                "BEGIN:VEVENT",
                f"UID:series-{n}@bench",
                "DTSTAMP:20120101T000000Z",
                f"RECURRENCE-ID;TZID=Europe/Zurich:{moved:%Y%m%dT%H%M%S}",
                f"DTSTART;TZID=Europe/Zurich:{moved + timedelta(hours=2):%Y%m%dT%H%M%S}",
                "DURATION:PT1H",
                f"SUMMARY:Moved {n}",
                "END:VEVENT",
            ]
    text = "DESCRIPTION:" + "Agenda: planning, budget, actions from the last meeting. " * 30
    folded = [text[:75], *(" " + text[i : i + 74] for i in range(75, len(text), 74))]
    size = sum(len(line) + 2 for line in lines)
    n = 0
    while size < target:
        when = datetime(2019, 1, 7, 9) + timedelta(hours=5 * n)
        event = [
            "BEGIN:VEVENT",
            f"UID:meeting-{n}@bench",
            "DTSTAMP:20190101T000000Z",
            f"DTSTART:{when:%Y%m%dT%H%M%S}Z",
            f"DTEND:{when + timedelta(hours=1):%Y%m%dT%H%M%S}Z",
            f"SUMMARY:Meeting {n}",
            *folded,
            "END:VEVENT",
        ]
        lines += event
        size += sum(len(line) + 2 for line in event)
        n += 1
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def rows(quick: bool = False) -> list[Row]:
    import recurring_ical_events
    from icalendar import Calendar

    from connectors.ics_calendar import IcsUpcoming
    from planner.settings import Settings

    data = big_calendar(target=TARGET_BYTES // (10 if quick else 1))
    first, last = TODAY - timedelta(days=14), TODAY + timedelta(days=14 + 7)
    with tempfile.TemporaryDirectory(prefix="hamsync-bench-") as tmp:
        path = Path(tmp) / "big.ics"
        path.write_bytes(data)
        source = IcsUpcoming(str(path), TZ, Settings())
        events = source.planned(first, last)
        ours = best_of(lambda: source.planned(first, last), repeat=1 if quick else 3)
        cpu_start = time.process_time()
        source.planned(first, last)
        cpu = time.process_time() - cpu_start
    start = time.perf_counter()
    calendar = Calendar.from_ical(data)
    window = (
        datetime.combine(first, datetime.min.time(), TZ),
        datetime.combine(last + timedelta(days=1), datetime.min.time(), TZ),
    )
    found = recurring_ical_events.of(calendar).between(*window)
    theirs = time.perf_counter() - start
    mb = len(data) / 2**20
    return [
        Row(
            "calendar",
            f"read a {mb:.0f} MB calendar, 50 daily series since 2012 ({len(events)} runs)",
            f"{ours:.2f} s",
            f"icalendar + recurring-ical-events: {theirs:.2f} s ({len(found)} occurrences)",
            f"x{theirs / ours:.1f}" if ours else "",
            f"goal: under 2 s (was 35 s); {cpu:.2f} s of CPU",
        )
    ]
