"""Fuzzing the ICS reader (issue 15, "a fuzz test per reader"): whatever the calendar holds,
reading it ends within its budget with planned runs or one clear error naming the calendar,
and memory stays bounded. The budget is small so that CI runs it on every push."""

from __future__ import annotations

import tracemalloc
from datetime import date
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.base import SourceError
from connectors.ics_calendar import calendar_entries

WHERE = "fuzz.ics"
MEMORY_LIMIT = 64 * 2**20
"""Peak Python allocations while reading one fuzzed calendar of a few kB (bytes)."""

numbers = st.integers(min_value=-400, max_value=400).map(str)
stamps = st.builds(
    "{:04d}{:02d}{:02d}T{:02d}{:02d}00{}".format,
    st.integers(1, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 24),
    st.integers(0, 60),
    st.sampled_from(["", "Z"]),
)
days = stamps.map(lambda s: s[:8])
rule_parts = st.lists(
    st.one_of(
        st.sampled_from(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "X"]).map(
            "FREQ={}".format
        ),
        numbers.map("INTERVAL={}".format),
        numbers.map("COUNT={}".format),
        stamps.map("UNTIL={}".format),
        st.sampled_from(["MO", "TU", "-1SU", "2FR", "XX"]).map("BYDAY={}".format),
        st.lists(numbers, min_size=1, max_size=3).map(lambda v: "BYMONTH=" + ",".join(v)),
        st.lists(numbers, min_size=1, max_size=3).map(lambda v: "BYMONTHDAY=" + ",".join(v)),
        st.lists(numbers, min_size=1, max_size=6).map(lambda v: "BYHOUR=" + ",".join(v)),
        st.text(max_size=12),
    ),
    max_size=5,
).map(";".join)
values = st.one_of(st.text(max_size=40), stamps, days, numbers)
lines = st.one_of(
    st.builds("DTSTART:{}".format, stamps),
    st.builds("DTSTART;VALUE=DATE:{}".format, days),
    st.builds("DTSTART;TZID={}:{}".format, st.sampled_from(["Europe/Zurich", "Mars/Base"]), stamps),
    st.builds("DTEND:{}".format, stamps),
    st.builds("DTEND;VALUE=DATE:{}".format, days),
    st.builds("DURATION:{}".format, st.sampled_from(["PT1H", "P3D", "-PT1H", "PX", "P10000D"])),
    st.builds("RRULE:{}".format, rule_parts),
    st.builds("RDATE:{}".format, stamps),
    st.builds("EXDATE:{}".format, stamps),
    st.builds("RECURRENCE-ID:{}".format, stamps),
    st.builds("STATUS:{}".format, st.sampled_from(["CANCELLED", "TENTATIVE", "CONFIRMED", "?"])),
    st.builds("SUMMARY:{}".format, st.sampled_from(["Long trail run", "Trail race", "Hills"])),
    st.builds("UID:{}".format, st.sampled_from(["a", "b", "c@hamsync", ""])),
    st.builds(
        "{}:{}".format, st.sampled_from(["X-WR-TIMEZONE", "CALSCALE", "BEGIN", "END"]), values
    ),
    st.text(max_size=60),
)
events = st.lists(lines, max_size=12).map(
    lambda body: "\r\n".join(["BEGIN:VEVENT", *body, "END:VEVENT"])
)
calendars = st.builds(
    lambda header, body, tail: "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", *header, *body, *tail, "END:VCALENDAR", ""]
    ),
    st.lists(lines, max_size=3),
    st.lists(events, max_size=6),
    st.lists(lines, max_size=2),
)
encodings = st.sampled_from(["utf-8", "cp1252", "utf-16"])


@settings(
    max_examples=100,
    deadline=10_000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=calendars, encoding=encodings)
def test_any_calendar_reads_or_fails_clearly_in_bounded_memory(text: str, encoding: str) -> None:
    """Planned entries inside the window, or a SourceError that names the calendar."""
    data = text.encode(encoding, errors="replace")
    first, last = date(2026, 3, 1), date(2026, 4, 10)
    tracemalloc.start()
    try:
        try:
            read = calendar_entries(data, first, last, ZoneInfo("Europe/Zurich"), WHERE)
        except SourceError as exc:
            assert str(exc).startswith(f"calendar {WHERE}: ")
        else:
            assert all(first <= e.day <= last for e in read.entries)
            assert all(w.startswith(f"calendar {WHERE}") for w in read.warnings)
            assert not any(e.uid.endswith("@hamsync") for e in read.entries)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT
