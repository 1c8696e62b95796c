"""The pure diff: create, update in place, delete, and never touch the past or the unknown."""

from __future__ import annotations

from datetime import date

from planner.models import Dose, Session, SessionKind
from sync.engine.diff import ActionKind, diff
from sync.store.database import SinkItem

TODAY = date(2026, 11, 25)


def session(sid: str, day: date, reps: int = 8) -> Session:
    return Session(sid, day, SessionKind.CONTROL, (Dose("glute_bridge", 3, reps),))


def digest(s: Session) -> str:
    return f"{s.day}:{s.exercises[0].reps}"


def item(sid: str, day: date, content_hash: str, sequence: int = 0) -> SinkItem:
    return SinkItem("ics", sid, day, "", "", content_hash, sequence, "{}")


def test_new_sessions_are_created_and_unchanged_ones_left_alone() -> None:
    """Only what changed produces an action."""
    a = session("2026-W48-1", date(2026, 11, 26))
    b = session("2026-W48-2", date(2026, 11, 28))
    recorded = {a.id: item(a.id, a.day, digest(a))}
    actions = diff([a, b], recorded, TODAY, digest)
    assert [(x.kind, x.session_id, x.sequence) for x in actions] == [(ActionKind.CREATE, b.id, 0)]


def test_moved_session_is_an_update_with_a_higher_sequence() -> None:
    """A session that changes day keeps its id and raises SEQUENCE."""
    moved = session("2026-W48-1", date(2026, 11, 27))
    recorded = {moved.id: item(moved.id, date(2026, 11, 26), "old", sequence=2)}
    (action,) = diff([moved], recorded, TODAY, digest)
    assert action.kind is ActionKind.UPDATE
    assert action.sequence == 3


def test_dropped_future_session_is_deleted_but_past_ones_stay() -> None:
    """History is never deleted; a dropped session from today on is."""
    recorded = {
        "2026-W47-1": item("2026-W47-1", date(2026, 11, 18), "x"),
        "2026-W48-2": item("2026-W48-2", date(2026, 11, 25), "y"),
    }
    actions = diff([], recorded, TODAY, digest)
    assert [(a.kind, a.session_id) for a in actions] == [(ActionKind.DELETE, "2026-W48-2")]


def test_past_item_is_never_rewritten_even_if_the_plan_mentions_its_id() -> None:
    """A session that already took place is history, whatever the new plan says."""
    recorded = {"2026-W48-1": item("2026-W48-1", date(2026, 11, 24), "x")}
    actions = diff([session("2026-W48-1", date(2026, 11, 27))], recorded, TODAY, digest)
    assert actions == []
