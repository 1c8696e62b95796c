"""Whatever sequence of plans and runner edits, the intervals.icu calendar holds exactly one
event per planned session, and the runner's own events are never touched (hypothesis)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intervals_server import ATHLETE, KEY, FakeIntervals, fixture, serve, session_of

from connectors.intervals.client import IntervalsAccount, IntervalsClient
from planner.models import Dose, Session, SessionKind
from sync.engine.writeback import write_back
from sync.sinks.intervals_storage import IntervalsRenderer, IntervalsStorage
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.store.database import StateDatabase

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 6, 10)
IDS = ("2026-W24-1", "2026-W24-2", "2026-W25-1", "2026-W25-2")
KEYS = ("glute_bridge", "slider_curl", "single_leg_rdl")

plans = st.lists(
    st.dictionaries(
        st.sampled_from(IDS), st.tuples(st.integers(0, 12), st.sampled_from(KEYS)), max_size=4
    ),
    min_size=1,
    max_size=5,
)
meddling = st.lists(st.sampled_from(["none", "edit", "delete"]), min_size=5, max_size=5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans=plans, meddling=meddling)
def test_one_event_per_session_and_the_runners_events_untouched(
    plans: list[dict[str, tuple[int, str]]], meddling: list[str]
) -> None:
    fake = FakeIntervals()
    theirs = fake.add_event(fixture("events.synthetic.json")[0] | {"id": 1})
    before = dict(theirs)
    server = serve(fake)
    running = next(server)
    with tempfile.TemporaryDirectory() as tmp:
        state = StateDatabase.open(Path(tmp))
        try:
            client = IntervalsClient(IntervalsAccount(ATHLETE, KEY, running.url))
            sink = Writer(IntervalsStorage(client, today=lambda: TODAY), IntervalsRenderer("0"))
            touched: set[str] = set()
            for plan, meddle in zip(plans, meddling, strict=False):
                sessions = tuple(
                    Session(sid, TODAY + timedelta(days=day), SessionKind.CONTROL,
                            (Dose(key, 3, reps=10),), ())
                    for sid, (day, key) in sorted(plan.items())
                )  # fmt: skip
                context = WriteContext(today=TODAY, tz=TZ, sessions=sessions)
                write_back(sink, context, state)
                ours = [e for e in fake.events.values() if session_of(e) is not None]
                # exactly one event per session, except those the runner edited or deleted
                found = sorted(session_of(e) or "" for e in ours)
                assert len(found) == len(set(found))
                assert set(plan) - touched <= set(found)
                assert set(found) <= set(plan) | touched
                if ours and meddle != "none":
                    victim = ours[0]
                    touched.add(session_of(victim) or "")
                    if meddle == "edit":
                        victim["name"] = "moved by me"
                    else:
                        del fake.events[int(victim["id"])]
            assert fake.events[1] == before
        finally:
            state.close()
            server.close()
