"""The write-back executor on the memory sink: intent, write, record; conflicts; installs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.models import Dose, Session, SessionKind
from sync.engine.writeback import DISMISSED, LEFT, purge, write_back
from sync.sinks.contract import Item, ItemError
from sync.sinks.event_items import EventRenderer
from sync.sinks.memory import MemorySink
from sync.sinks.outcome import WriteContext
from sync.sinks.renderer import Writer
from sync.sinks.vevent import EventTiming
from sync.store.database import StateDatabase

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 25)
TIMING = EventTiming.from_config(TZ, "18:00", 20)
ME, OTHER = "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"


def session(sid: str, days: int, kind: SessionKind = SessionKind.CONTROL) -> Session:
    return Session(sid, TODAY + timedelta(days=days), kind, (Dose("glute_bridge", 3, reps=10),))


PLAN = (session("2026-W48-1", 1), session("2026-W48-2", 3), session("2026-W49-1", 6))


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateDatabase]:
    opened = StateDatabase.open(tmp_path / "state")
    yield opened
    opened.close()


def writer(sink: MemorySink, install: str = ME) -> Writer:
    return Writer(sink, EventRenderer(TIMING, install))


def sync(
    w: Writer, state: StateDatabase, sessions: tuple[Session, ...] = PLAN, force: bool = False
):  # type: ignore[no-untyped-def]
    return write_back(w, WriteContext(TODAY, TZ, sessions, force=force), state)


def summaries(sink: MemorySink) -> dict[str, str]:
    out = {}
    for href, (item, _etag) in sink.items.items():
        line = next(x for x in item.text.splitlines() if x.startswith("SUMMARY:"))
        out[href] = line
    return out


def test_create_update_delete_and_nothing_pending(state: StateDatabase) -> None:
    """Three creates; a move updates in place with SEQUENCE 1; a drop deletes; records clean."""
    sink = MemorySink()
    assert sync(writer(sink), state).created == 3
    assert {h.split(".")[1] for h in sink.items} == {f"{ME}@hamsync"}
    moved = (replace(PLAN[0], day=PLAN[0].day + timedelta(days=1)), PLAN[1])
    result = sync(writer(sink), state, moved)
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    item, etag = sink.items[state.sink_items("memory")[PLAN[0].id].remote_id]
    assert "SEQUENCE:1" in item.text
    assert state.sink_items("memory")[PLAN[0].id].etag == etag
    assert all(r.pending == "" for r in state.sink_items("memory").values())


def test_runner_edit_is_a_conflict_and_kept_until_forced(state: StateDatabase) -> None:
    """An edited event is reported and left; --force puts hamsync's back."""
    sink = MemorySink()
    sync(writer(sink), state)
    href = state.sink_items("memory")[PLAN[0].id].remote_id
    edited = sink.items[href][0].text.replace("SUMMARY:", "SUMMARY:mine ")
    sink.edit(href, edited)
    moved = (replace(PLAN[0], kind=SessionKind.FOCUSED), *PLAN[1:])
    result = sync(writer(sink), state, moved)
    assert (result.updated, result.conflicts) == (0, 1)
    assert sink.items[href][0].text == edited
    assert sync(writer(sink), state, moved, force=True).updated == 1
    assert "mine" not in sink.items[href][0].text


def test_runner_delete_is_dismissed_not_recreated(state: StateDatabase) -> None:
    """A deleted event stays deleted (reported once) until --force brings it back."""
    sink = MemorySink()
    sync(writer(sink), state)
    href = state.sink_items("memory")[PLAN[1].id].remote_id
    sink.remove(href)
    changed = (PLAN[0], replace(PLAN[1], kind=SessionKind.FOCUSED), PLAN[2])
    first = sync(writer(sink), state, changed)
    assert (first.created, first.conflicts) == (0, 1)
    assert state.sink_items("memory")[PLAN[1].id].etag == DISMISSED
    assert href not in sink.items
    assert sync(writer(sink), state, changed, force=True).created == 1
    assert href in sink.items


def test_lost_answers_are_adopted_not_doubled(state: StateDatabase) -> None:
    """A write that landed but was never recorded is found by content on the next sync."""
    sink = MemorySink()
    sync(writer(sink), state, PLAN[:1])
    record = state.sink_items("memory")[PLAN[0].id]
    with state.transaction():  # as if the create's answer never came
        state.delete_sink_item("memory", PLAN[0].id)
    result = sync(writer(sink), state, PLAN[:1])
    assert (result.created, result.conflicts) == (1, 0)
    assert len(sink.items) == 1
    assert state.sink_items("memory")[PLAN[0].id].etag == record.etag


def test_two_installs_on_one_calendar_never_touch_each_other(
    state: StateDatabase, tmp_path: Path
) -> None:
    """The second install writes its own events beside the first one's, and purges only its own."""
    sink = MemorySink()
    sync(writer(sink, ME), state)
    mine = dict(sink.items)
    other_state = StateDatabase.open(tmp_path / "other")
    try:
        result = sync(writer(sink, OTHER), other_state)
        assert (result.created, result.conflicts) == (3, 0)
        assert len(sink.items) == 6
        assert {h: sink.items[h] for h in mine} == mine  # untouched, etags and all
        assert purge(writer(sink, OTHER), other_state).deleted == 3
        assert sink.items == mine
    finally:
        other_state.close()


def test_a_foreign_event_at_our_href_is_reported_not_overwritten(state: StateDatabase) -> None:
    """An event at our own href without our install id is never adopted, --force or not; it
    is reported once, then left quietly."""
    sink = MemorySink()
    uid = EventRenderer(TIMING, ME).uid(PLAN[0].id)
    foreign = Item(uid, EventRenderer(TIMING, OTHER).render(PLAN[1], 0, uid).text)
    sink.items[uid] = (foreign, '"theirs"')
    first = sync(writer(sink), state, PLAN[:1])
    assert (first.created, first.conflicts) == (0, 1)
    assert "not this hamsync's" in first.messages[0]
    assert sync(writer(sink), state, PLAN[:1]).conflicts == 0  # said once
    forced = sync(writer(sink), state, PLAN[:1], force=True)
    assert (forced.created, forced.updated, forced.conflicts) == (0, 0, 1)
    assert sink.items[uid] == (foreign, '"theirs"')
    assert purge(writer(sink), state).deleted == 0
    assert sink.items[uid] == (foreign, '"theirs"') and state.sink_items("memory") == {}


def test_an_event_purge_left_for_the_runner_is_not_taken_back(state: StateDatabase) -> None:
    """Purge leaves an edited event; the next sync reports it instead of overwriting it."""
    sink = MemorySink()
    sync(writer(sink), state)
    href = state.sink_items("memory")[PLAN[1].id].remote_id
    edited = sink.items[href][0].text.replace("SUMMARY:", "SUMMARY:MY OWN EDIT ")
    sink.edit(href, edited)
    result = purge(writer(sink), state)
    assert (result.deleted, result.conflicts) == (2, 1)
    assert "left there for you" in result.messages[0]
    again = sync(writer(sink), state)
    assert (again.created, again.conflicts) == (2, 1)
    assert sink.items[href][0].text == edited
    assert sync(writer(sink), state).conflicts == 0  # reported once, then left quietly
    assert sink.items[href][0].text == edited


class RespellingSink(MemorySink):
    """A server that answers writes with a weak etag but compares strong ones."""

    def create(self, item: Item) -> tuple[str, str]:
        href, etag = super().create(item)
        return href, f"W/{etag}"

    def update(self, href: str, item: Item, etag: str) -> str:
        return f"W/{super().update(href, item, etag)}"


def test_an_etag_spelled_differently_is_not_the_runners_edit(state: StateDatabase) -> None:
    """Content unchanged since hamsync wrote it: the update goes through on the etag read now."""
    sink = RespellingSink()
    sync(writer(sink), state)
    changed = (replace(PLAN[0], kind=SessionKind.FOCUSED), *PLAN[1:])
    result = sync(writer(sink), state, changed)
    assert (result.updated, result.conflicts) == (1, 0)
    assert "focused" in summaries(sink)[state.sink_items("memory")[PLAN[0].id].remote_id]


class FailsOne(MemorySink):
    """Refuses one uid with an item error (a server answering 400 for it)."""

    def create(self, item: Item) -> tuple[str, str]:
        if item.uid.startswith(PLAN[1].id):
            raise ItemError(item.uid, "answered 400")
        return super().create(item)


def test_one_items_failure_is_reported_and_the_others_go_on(state: StateDatabase) -> None:
    """The refused item is a failure; the two others are written and recorded."""
    sink = FailsOne()
    result = sync(writer(sink), state)
    assert result.created == 2 and len(result.failures) == 1
    assert "answered 400" in result.failures[0]
    assert set(state.sink_items("memory")) >= {PLAN[0].id, PLAN[2].id}


def test_dry_run_counts_and_writes_nothing(state: StateDatabase) -> None:
    """A dry run on a scratch copy reports what a sync would do; sink and records stay."""
    sink = MemorySink()
    sync(writer(sink), state)
    before = dict(sink.items)
    moved = (replace(PLAN[0], day=PLAN[0].day + timedelta(days=1)), PLAN[1])
    dry = write_back(writer(sink), WriteContext(TODAY, TZ, moved), state.scratch_copy(), True)
    assert (dry.created, dry.updated, dry.deleted) == (0, 1, 1)
    assert sink.items == before and len(state.sink_items("memory")) == 3
    assert purge(writer(sink), state.scratch_copy(), dry_run=True).deleted == 3
    assert sink.items == before


def test_a_new_place_gets_the_writes_and_the_old_one_is_reported(state: StateDatabase) -> None:
    """The sink now points elsewhere: new writes go there, and the old place is named."""
    old, new = MemorySink(location="TrainOld"), MemorySink(location="TrainNew")
    sync(writer(old), state)
    result = sync(writer(new), state)
    assert result.created == 3 and len(new.items) == 3 and len(old.items) == 3
    assert any("TrainOld" in m and "TrainNew" in m for m in result.messages)
    assert {r.location for r in state.sink_items("memory").values()} == {"TrainNew"}
    assert state.sink_items("memory" + LEFT) == {}  # not reachable from the new place


class Killed(BaseException):
    """The process dying right after a write reached the sink (nothing after it runs)."""


class DiesAfterWrite(MemorySink):
    """Performs the next update or delete, then 'dies' before hamsync records it."""

    armed = False

    def update(self, href: str, item: Item, etag: str) -> str:
        new = super().update(href, item, etag)
        if self.armed:
            raise Killed
        return new

    def delete(self, href: str, etag: str) -> None:
        super().delete(href, etag)
        if self.armed:
            raise Killed


def test_an_update_cut_off_then_a_plan_changed_back_is_repaired(state: StateDatabase) -> None:
    """The stopped update landed; the plan went back: the next sync rewrites it, no conflict."""
    sink = DiesAfterWrite()
    sync(writer(sink), state)
    changed = (replace(PLAN[0], kind=SessionKind.FOCUSED), *PLAN[1:])
    sink.armed = True
    with pytest.raises(Killed):
        sync(writer(sink), state, changed)
    sink.armed = False
    assert state.sink_items("memory")[PLAN[0].id].pending == "update"
    result = sync(writer(sink), state, PLAN)  # back to the first plan
    assert (result.updated, result.conflicts) == (1, 0)
    href = state.sink_items("memory")[PLAN[0].id].remote_id
    assert "focused" not in summaries(sink)[href]
    assert state.sink_items("memory")[PLAN[0].id].pending == ""


def test_a_delete_cut_off_then_the_session_back_is_created_again(state: StateDatabase) -> None:
    """The stopped delete landed; the session came back: it is written again, not dismissed."""
    sink = DiesAfterWrite()
    sync(writer(sink), state)
    sink.armed = True
    with pytest.raises(Killed):
        sync(writer(sink), state, PLAN[1:])
    sink.armed = False
    result = sync(writer(sink), state, PLAN)
    assert (result.created, result.conflicts) == (1, 0)
    assert len(sink.items) == 3
    assert state.sink_items("memory")[PLAN[0].id].etag != DISMISSED
