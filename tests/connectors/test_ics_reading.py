"""Reading planned runs from real-shaped calendars: status, days covered, bad events, encodings,
sizes and runaway recurrences (issue 14, kinds 1-4 and 6; issue 15, rrule-secondly-dos)."""

from __future__ import annotations

import shutil
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors.base import SourceError
from connectors.calendar_fetch import FetchLimits
from connectors.ics_calendar import IcsUpcoming
from connectors.ics_expand import MAX_EVENT_DAYS, MAX_OCCURRENCES_PER_SERIES
from planner.models import PlannedEvent
from planner.settings import Settings

ZURICH = ZoneInfo("Europe/Zurich")
CASES = Path(__file__).resolve().parents[2].parent / "shared" / "cases"


def case_file(tmp_path: Path, case: str, name: str) -> Path:
    """A copy of a shared case's input in ``tmp_path`` (the cases are read-only)."""
    source = CASES / case / name
    if not source.is_file():
        pytest.skip(f"no shared case {case}")
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


def ics(*events: str, header: str = "") -> bytes:
    """A calendar of the given VEVENT bodies (lines joined with CRLF)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//hamsync//EN"]
    if header:
        lines.append(header)
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


Read = Callable[..., tuple[list[PlannedEvent], list[str]]]


@pytest.fixture
def read(tmp_path: Path) -> Read:
    """Write a calendar to a file and read it as the look-ahead does."""

    def run(
        data: bytes | Path,
        first: date,
        last: date,
        settings: Settings | None = None,
        tz: ZoneInfo = ZURICH,
    ) -> tuple[list[PlannedEvent], list[str]]:
        path = data if isinstance(data, Path) else tmp_path / "planned.ics"
        if isinstance(data, bytes):
            path.write_bytes(data)
        source = IcsUpcoming(str(path), tz, settings or Settings())
        return source.planned(first, last), source.warnings

    return run


def days(events: list[PlannedEvent]) -> list[tuple[date, str]]:
    return [(e.day, e.title) for e in events]


# Kind 1: status counts ----------------------------------------------------------------------


def test_cancelled_run_and_race_of_the_case_are_not_planned(tmp_path: Path, read: Read) -> None:
    """cancelled-run-read-as-run: only Sat 14 Mar stays a planned long trail; no race on Wed."""
    path = case_file(tmp_path, "cancelled-run-read-as-run", "planned.ics")
    events, _ = read(path, date(2026, 2, 16), date(2026, 3, 23))
    assert [(e.day, e.title, e.long, e.race) for e in events] == [
        (date(2026, 3, 14), "Long trail run", True, False),
        (date(2026, 3, 21), "Long trail run", True, False),
    ]


def test_a_cancelled_series_is_never_a_run_and_a_tentative_one_is(read: Read) -> None:
    """A whole series marked cancelled yields nothing; STATUS:TENTATIVE still counts."""
    cal = ics(
        "UID:s1\nDTSTAMP:20260101T000000Z\nSUMMARY:Hill repeats\nSTATUS:CANCELLED\n"
        "DTSTART;TZID=Europe/Zurich:20260303T180000\nDURATION:PT1H\nRRULE:FREQ=WEEKLY",
        "UID:s2\nDTSTAMP:20260101T000000Z\nSUMMARY:Easy run\nSTATUS:TENTATIVE\n"
        "DTSTART;VALUE=DATE:20260305\nDTEND;VALUE=DATE:20260306",
        "UID:s3\nDTSTAMP:20260101T000000Z\nSUMMARY:trail race\nSTATUS:cancelled\n"
        "DTSTART;VALUE=DATE:20260308\nDTEND;VALUE=DATE:20260309",
    )
    events, _ = read(cal, date(2026, 3, 1), date(2026, 3, 20))
    assert days(events) == [(date(2026, 3, 5), "Easy run")]


def test_a_cancelled_all_day_occurrence_leaves_the_rest_of_its_series(read: Read) -> None:
    """An override with STATUS:CANCELLED removes one day of an all-day series, not the series."""
    cal = ics(
        "UID:camp\nDTSTAMP:20260101T000000Z\nSUMMARY:Trail run club\n"
        "DTSTART;VALUE=DATE:20260304\nDTEND;VALUE=DATE:20260305\nRRULE:FREQ=WEEKLY;COUNT=3",
        "UID:camp\nDTSTAMP:20260101T000000Z\nSUMMARY:Trail run club\nSTATUS:CANCELLED\n"
        "RECURRENCE-ID;VALUE=DATE:20260311\n"
        "DTSTART;VALUE=DATE:20260311\nDTEND;VALUE=DATE:20260312",
    )
    events, _ = read(cal, date(2026, 3, 1), date(2026, 3, 31))
    assert [e.day for e in events] == [date(2026, 3, 4), date(2026, 3, 18)]


# Kind 2: an event covers every day it spans ---------------------------------------------------


def test_an_all_day_event_of_three_days_is_a_run_on_each_day(read: Read) -> None:
    """All-day DTEND is exclusive (RFC 5545): 5-8 Mar covers 5, 6 and 7 Mar, last day 7 Mar."""
    cal = ics(
        "UID:camp@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Trail running camp\n"
        "DTSTART;VALUE=DATE:20260305\nDTEND;VALUE=DATE:20260308"
    )
    events, _ = read(cal, date(2026, 3, 1), date(2026, 3, 20))
    assert [(e.day, e.last_day) for e in events] == [
        (date(2026, 3, d), date(2026, 3, 7)) for d in (5, 6, 7)
    ]
    assert len({e.uid for e in events}) == 3


def test_a_100_mile_race_from_friday_evening_to_sunday(read: Read) -> None:
    """A race over two nights is a race on Fri, Sat and Sun, each an ultra ending on Sunday."""
    cal = ics(
        "UID:utmb@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Trail race 100 miles\n"
        "DTSTART;TZID=Europe/Zurich:20260828T180000\nDTEND;TZID=Europe/Zurich:20260830T140000"
    )
    events, _ = read(cal, date(2026, 8, 20), date(2026, 9, 5))
    assert [(e.day, e.race, e.ultra, e.last_day) for e in events] == [
        (date(2026, 8, d), True, True, date(2026, 8, 30)) for d in (28, 29, 30)
    ]
    assert events[0].start == datetime(2026, 8, 28, 18, tzinfo=ZURICH)


def test_days_are_counted_in_the_runners_time_zone(read: Read) -> None:
    """21:00-23:30 UTC in June is 23:00-01:30 in Zurich: two days; ending at midnight is one."""
    cal = ics(
        "UID:night@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Night trail run\n"
        "DTSTART:20260606T210000Z\nDTEND:20260606T233000Z",
        "UID:eve@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Evening run\n"
        "DTSTART;TZID=Europe/Zurich:20260610T220000\nDTEND;TZID=Europe/Zurich:20260611T000000",
    )
    events, _ = read(cal, date(2026, 6, 1), date(2026, 6, 20))
    assert [(e.day, e.title, e.last_day) for e in events] == [
        (date(2026, 6, 6), "Night trail run", date(2026, 6, 7)),
        (date(2026, 6, 7), "Night trail run", date(2026, 6, 7)),
        (date(2026, 6, 10), "Evening run", None),
    ]


def test_an_event_across_the_dst_change_covers_both_days(read: Read) -> None:
    """Sat 28 Mar 20:00 to Sun 29 Mar 08:00 (clocks go forward that night): two days."""
    cal = ics(
        "UID:dst@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Overnight ultra race\n"
        "DTSTART;TZID=Europe/Zurich:20260328T200000\nDTEND;TZID=Europe/Zurich:20260329T080000"
    )
    events, _ = read(cal, date(2026, 3, 20), date(2026, 4, 5))
    assert [e.day for e in events] == [date(2026, 3, 28), date(2026, 3, 29)]
    assert events[0].duration_s == 11 * 3600  # one hour fewer: the clocks went forward


def test_a_multi_day_event_begun_before_the_window_keeps_its_days_inside(read: Read) -> None:
    """A stage race begun before the window gives the days inside it, with its last day."""
    cal = ics(
        "UID:stage@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Stage race trail\n"
        "DTSTART;VALUE=DATE:20260301\nDTEND;VALUE=DATE:20260307"
    )
    events, _ = read(cal, date(2026, 3, 4), date(2026, 3, 20))
    assert [(e.day, e.last_day) for e in events] == [
        (date(2026, 3, d), date(2026, 3, 6)) for d in (4, 5, 6)
    ]


def test_a_season_long_event_is_not_a_run_on_every_day(read: Read) -> None:
    """An all-day "Running season" over months is a note, not a planned run on each day."""
    cal = ics(
        "UID:season@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Running season\n"
        "DTSTART;VALUE=DATE:20260301\nDTEND;VALUE=DATE:20260601",
        "UID:r@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Long run\n"
        "DTSTART;TZID=Europe/Zurich:20260314T080000\nDURATION:PT2H",
    )
    events, warnings = read(cal, date(2026, 3, 1), date(2026, 3, 20))
    assert days(events) == [(date(2026, 3, 14), "Long run")]
    assert any("Running season" in w and f"over {MAX_EVENT_DAYS} days" in w for w in warnings)


# Kind 3: one bad event never costs the others -------------------------------------------------


def test_one_bad_rrule_of_the_case_costs_only_its_series(tmp_path: Path, read: Read) -> None:
    """one-bad-rrule-rejects-calendar: Sat 7 Mar is read; the warning names "blabla"."""
    path = case_file(tmp_path, "one-bad-rrule-rejects-calendar", "planned.ics")
    events, warnings = read(path, date(2026, 2, 16), date(2026, 3, 23))
    assert [(e.day, e.title, e.long) for e in events] == [
        (date(2026, 3, 7), "Long trail run", True)
    ]
    assert len(warnings) == 1 and '"blabla" (2019-08-01)' in warnings[0]
    assert "planned.ics" in warnings[0]


@pytest.mark.parametrize(
    "bad",
    [
        "DTSTART;TZID=Europe/Zurich:2026-03-10 08:00\nDTEND;TZID=Europe/Zurich:20260310T090000",
        "DTSTART;TZID=Europe/Zurich:20260310T080000\nRRULE:FREQ=WEEKLY;BYDAY=XX",
        "DTSTART;TZID=Europe/Zurich:20260310T080000\nRRULE:FREQ=SOMETIMES",
        "DTSTART;TZID=Europe/Zurich:20260310T080000\nDTEND;TZID=Europe/Zurich:20260310T070000"
        "\nRDATE;VALUE=PERIOD:20260312T080000/20260311T080000",
        "DTSTART;TZID=Europe/Zurich:20260310T080000\nDTEND;TZID=Nowhere/Atlantis:20260310T0900",
        "DTSTART;TZID=Europe/Zurich:20260310T080000\nBEGIN:VALARM",
        "DTSTART;TZID=Europe/Zurich:20260310T080000\nEND:VTODO",
    ],
)
def test_a_broken_event_is_skipped_by_name_and_the_others_are_read(read: Read, bad: str) -> None:
    """Whatever is broken in one event, the other event is read and a warning names the bad."""
    cal = ics(
        f"UID:bad@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Broken hills\n{bad}",
        "UID:good@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Long trail run\n"
        "DTSTART;TZID=Europe/Zurich:20260314T080000\nDTEND;TZID=Europe/Zurich:20260314T113000",
    )
    events, warnings = read(cal, date(2026, 3, 1), date(2026, 3, 20))
    assert days(events) == [(date(2026, 3, 14), "Long trail run")]
    assert len(warnings) == 1 and '"Broken hills"' in warnings[0]


def test_a_file_that_is_no_calendar_at_all_is_one_clear_error(read: Read) -> None:
    """Not iCalendar: a SourceError naming the file, without quoting its content."""
    with pytest.raises(SourceError, match=r"planned\.ics: not an iCalendar file") as excinfo:
        read(b"<html><body>SECRET-PAGE-LINE</body></html>", date(2026, 3, 1), date(2026, 3, 9))
    assert "SECRET-PAGE-LINE" not in str(excinfo.value)


# Kind 4: any encoding -----------------------------------------------------------------------


def test_a_windows_1252_outlook_export_is_decoded_with_a_warning(read: Read) -> None:
    """Accented titles still match the configured words; the runner is told it was not UTF-8."""
    text = ics(
        "UID:a@outlook\nDTSTAMP:20260201T000000Z\nSUMMARY:Langer Lauf über den Höhenweg\n"
        "DESCRIPTION:Treffpunkt beim Brünnli, danach Kaffee im Café am Bärenplatz\n"
        "DTSTART:20260307T070000Z\nDTEND:20260307T080000Z",
        "UID:b@outlook\nDTSTAMP:20260201T000000Z\nSUMMARY:Sortie trail en côte à Lôche\n"
        "DTSTART:20260310T160000Z\nDTEND:20260310T170000Z",
        header="X-WR-CALNAME:Entraînement",
    ).decode()
    settings = Settings(
        run_words=("lauf", "trail"), long_words=("langer",), hill_words=("côte", "höhenweg")
    )
    events, warnings = read(text.encode("cp1252"), date(2026, 3, 1), date(2026, 3, 20), settings)
    assert [(e.title, e.long, e.hill) for e in events] == [
        ("Langer Lauf über den Höhenweg", True, True),
        ("Sortie trail en côte à Lôche", False, True),
    ]
    assert len(warnings) == 1 and "not UTF-8" in warnings[0] and "planned.ics" in warnings[0]


def test_utf8_with_a_byte_order_mark_needs_no_warning(read: Read) -> None:
    """A UTF-8 file with a BOM (Windows tools write one) is plain UTF-8: no warning."""
    cal = ics(
        "UID:a@x\nDTSTAMP:20260201T000000Z\nSUMMARY:Trail à la Dôle\n"
        "DTSTART;VALUE=DATE:20260307\nDTEND;VALUE=DATE:20260308"
    )
    events, warnings = read(b"\xef\xbb\xbf" + cal, date(2026, 3, 1), date(2026, 3, 20))
    assert days(events) == [(date(2026, 3, 7), "Trail à la Dôle")] and warnings == []


# Kind 6 and rrule-secondly-dos: bounded in size and in expansion ------------------------------


def test_the_secondly_series_of_the_case_is_refused_in_bounded_memory(
    tmp_path: Path, read: Read
) -> None:
    """rrule-secondly-dos: the real long run is read, the FREQ=SECONDLY series is named, memory
    stays small (it took 5.8 GB)."""
    path = case_file(tmp_path, "rrule-secondly-dos", "planned-secondly.ics")
    tracemalloc.start()
    try:
        events, warnings = read(path, date(2026, 11, 16), date(2026, 12, 21))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert days(events) == [(date(2026, 12, 5), "Long trail run")]
    assert any('"trail run"' in w and "secondly" in w for w in warnings)
    assert peak < 30 * 2**20


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MINUTELY;INTERVAL=5",
        "FREQ=HOURLY",
        "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=0,30",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSECOND=0,1,2,3,4,5,6,7,8,9,10",
    ],
)
def test_sub_daily_rules_are_never_expanded(read: Read, rule: str) -> None:
    """Any rule with more than a few starts a day is skipped by name; others still read."""
    cal = ics(
        f"UID:dos@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Run club\nRRULE:{rule}\n"
        "DTSTART:20120101T000000Z\nDURATION:PT1S",
        "UID:good@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Hills session\n"
        "DTSTART;TZID=Europe/Zurich:20260311T180000\nDURATION:PT1H",
    )
    events, warnings = read(cal, date(2026, 3, 1), date(2026, 4, 5))
    assert days(events) == [(date(2026, 3, 11), "Hills session")]
    assert any('"Run club" (2012-01-01)' in w for w in warnings)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=13",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=MONTHLY;BYMONTHDAY=40",
        "FREQ=WEEKLY;BYDAY=TU;BYMONTHDAY=31;BYMONTH=2",
        "FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31",
    ],
)
def test_rules_that_can_never_match_are_refused_at_once(read: Read, rule: str) -> None:
    """The expansion library looks for a match up to the year 9999 (BYMONTH=13 ran for
    minutes): an impossible rule is a broken one, named and skipped before any search."""
    cal = ics(
        f"UID:never@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Run club\nRRULE:{rule}\n"
        "DTSTART:20120103T170000Z\nDURATION:PT1H",
        "UID:good@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Hills session\n"
        "DTSTART;TZID=Europe/Zurich:20260311T180000\nDURATION:PT1H",
    )
    events, warnings = read(cal, date(2026, 3, 1), date(2026, 4, 5))
    assert days(events) == [(date(2026, 3, 11), "Hills session")]
    assert len(warnings) == 1 and '"Run club" (2012-01-03)' in warnings[0]


def test_a_daily_series_since_2012_gives_the_windows_days_only(read: Read) -> None:
    """An old daily series is expanded over the window only: one run a day of the window."""
    cal = ics(
        "UID:daily@x\nDTSTAMP:20120101T000000Z\nSUMMARY:Morning run\nRRULE:FREQ=DAILY\n"
        "DTSTART;TZID=Europe/Zurich:20120102T063000\nDURATION:PT45M"
    )
    events, warnings = read(cal, date(2026, 3, 1), date(2026, 3, 31))
    assert [e.day for e in events] == [date(2026, 3, d) for d in range(1, 32)]
    assert warnings == []


def test_a_series_is_capped_at_its_maximum_count(read: Read) -> None:
    """Hundreds of RDATEs in the window: only the first are read, and the runner is told."""
    rdates = ",".join(
        f"202603{1 + n // 20:02d}T{6 + (n % 20) // 2:02d}{(n % 2) * 30:02d}00Z" for n in range(300)
    )
    cal = ics(
        "UID:many@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Run\nDTSTART:20260301T050000Z\n"
        f"DURATION:PT10M\nRDATE:{rdates}"
    )
    events, warnings = read(cal, date(2026, 3, 1), date(2026, 3, 31))
    assert len(events) == MAX_OCCURRENCES_PER_SERIES
    assert any(f"over {MAX_OCCURRENCES_PER_SERIES} occurrences" in w for w in warnings)


def test_a_file_over_the_size_limit_gets_the_links_message(tmp_path: Path) -> None:
    """calendar-file-over-20mb-truncated: a file too large is named as such, not as unreadable."""
    path = tmp_path / "planned.ics"
    path.write_bytes(
        ics("UID:a@x\nDTSTAMP:20260101T000000Z\nSUMMARY:Run\nDTSTART:20260301T050000Z")
        + b" " * 2048
    )
    source = IcsUpcoming(str(path), ZURICH, Settings(), limits=FetchLimits(max_bytes=1024))
    with pytest.raises(SourceError, match=r"calendar planned\.ics: larger than .* MB, not read"):
        source.planned(date(2026, 3, 1), date(2026, 3, 9))


def test_the_21_mb_calendar_of_the_case_is_refused_clearly(tmp_path: Path) -> None:
    """The case's generator writes 21 MB with the long run last: one clear size message."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//EN"]
    text = "DESCRIPTION:" + "Agenda: quarterly planning and budget review. " * 40
    n = 0
    size = 0
    while size < 21_000_000:
        event = [
            "BEGIN:VEVENT",
            f"UID:meeting-{n}@google.com",
            "DTSTAMP:20260101T000000Z",
            "DTSTART:20190107T090000Z",
            "SUMMARY:Meeting",
            text,
            "END:VEVENT",
        ]
        lines += event
        size += sum(len(x) + 2 for x in event)
        n += 1
    lines += ["END:VCALENDAR"]
    path = tmp_path / "planned.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    source = IcsUpcoming(str(path), ZURICH, Settings())
    with pytest.raises(SourceError) as excinfo:
        source.planned(date(2026, 3, 1), date(2026, 3, 9))
    assert str(excinfo.value) == "calendar planned.ics: larger than 20 MB, not read"
