"""The sync's planner state merged with what another writer stored while it planned."""

from __future__ import annotations

from datetime import date

from planner.models import PlannerState
from sync.engine.state_merge import merge_planner_state

BEFORE = PlannerState(level=4, done_session_ids=frozenset({"2026-W47-1"}))


def test_nothing_changed_meanwhile_keeps_the_sync_s_state() -> None:
    ours = PlannerState(level=5, done_session_ids=frozenset({"2026-W47-1"}))
    assert merge_planner_state(BEFORE, ours, BEFORE) == ours


def test_done_marks_are_merged_as_sets() -> None:
    ours = PlannerState(level=5, done_session_ids=frozenset({"2026-W47-1", "2026-W48-1"}))
    theirs = PlannerState(level=4, done_session_ids=frozenset({"2026-W47-1", "2026-W48-2"}))
    merged = merge_planner_state(BEFORE, ours, theirs)
    assert merged.done_session_ids == {"2026-W47-1", "2026-W48-1", "2026-W48-2"}
    assert merged.level == 5  # the planner's own step up stays


def test_a_pause_or_resume_stored_meanwhile_wins() -> None:
    paused = PlannerState(level=4, done_session_ids=BEFORE.done_session_ids,
                          paused_until=date(2026, 12, 20))  # fmt: skip
    ours = PlannerState(level=4, done_session_ids=BEFORE.done_session_ids)
    assert merge_planner_state(BEFORE, ours, paused).paused_until == date(2026, 12, 20)
    resumed = PlannerState(level=4, done_session_ids=BEFORE.done_session_ids)
    assert merge_planner_state(paused, paused, resumed).paused_until is None


def test_a_field_the_sync_left_alone_takes_the_other_writer_s_value() -> None:
    theirs = PlannerState(level=2, done_session_ids=BEFORE.done_session_ids)
    ours = PlannerState(level=4, done_session_ids=BEFORE.done_session_ids)
    assert merge_planner_state(BEFORE, ours, theirs).level == 2
