"""The safety valves as pure functions: which pulls and diffs look like accidents."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.models import Dose, Session, SessionKind
from sync.engine.diff import diff
from sync.engine.valves import Refused, check_deletes, mass_delete, vanished_source
from sync.sinks.outcome import WriteContext
from sync.store.database import SinkItem

TODAY = date(2026, 11, 25)
TZ = ZoneInfo("Europe/Zurich")


@pytest.mark.parametrize(
    ("delivered", "removed", "held", "refused"),
    [
        (0, 13, 13, True),  # folder empty or unmounted: every run would go
        (0, 1, 1, True),  # the only run would go with nothing in its place
        (0, 1, 13, False),  # one file deleted: an ordinary edit
        (2, 13, 13, True),  # another folder with 2 runs in place of 13: most would go
        (2, 3, 3, False),  # 3 files replaced by 2 others: an ordinary edit
        (0, 6, 10, True),  # more than 5 and more than half at once
        (0, 6, 20, False),  # more than 5 but a small share
        (0, 5, 8, False),  # more than half but only 5
        (0, 0, 13, False),  # nothing removed: an idle pull
        (3, 0, 0, False),  # a first pull
    ],
)
def test_vanished_source(delivered: int, removed: int, held: int, refused: bool) -> None:
    """A pull that would empty a source, or remove many of its runs, is refused; edits are not."""
    reason = vanished_source("files", delivered, removed, held)
    assert (reason is not None) is refused
    if reason is not None:
        assert "files" in reason and "kept" in reason


def session(n: int) -> Session:
    day = TODAY + timedelta(days=n)
    return Session(f"2026-W{48 + n // 7}-{n}", day, SessionKind.CONTROL, (Dose("glute_bridge", 2),))


def recorded(sessions: list[Session], past: int = 0) -> dict[str, SinkItem]:
    items = {
        s.id: SinkItem("ics", s.id, s.day, "hamsync.ics", "", "h", 0, "{}") for s in sessions
    }
    for n in range(past):  # history: never deleted, so never counted
        sid = f"2026-W40-{n}"
        items[sid] = SinkItem("ics", sid, TODAY - timedelta(days=30 + n), "x", "", "h", 0, "{}")
    return items


@pytest.mark.parametrize(
    ("written", "kept", "deletes"),
    [
        (10, 4, 6),  # 6 of 10 go: refused
        (10, 5, 0),  # 5 go: below the minimum
        (14, 7, 0),  # 7 go, but only half
        (6, 0, 6),  # every future session goes
        (4, 0, 0),  # a short plan emptied: 4 deletes are allowed
    ],
)
def test_mass_delete(written: int, kept: int, deletes: int) -> None:
    """More than 5 deletes that are also more than half of our future items are flagged."""
    plan = [session(n) for n in range(written)]
    actions = diff(plan[:kept], recorded(plan, past=20), TODAY, lambda s: "h")
    assert mass_delete(actions, recorded(plan, past=20), TODAY) == deletes


def test_check_deletes_refuses_unless_forced_or_expected() -> None:
    """The sink raises before writing; --force or a pause/pain plan lets the deletes through."""
    plan = [session(n) for n in range(8)]
    items = recorded(plan)
    actions = diff([], items, TODAY, lambda s: "h")
    with pytest.raises(Refused, match="would delete 8 of its 8 sessions"):
        check_deletes("ics", actions, items, WriteContext(TODAY, TZ, ()))
    check_deletes("ics", actions, items, WriteContext(TODAY, TZ, (), force=True))
    check_deletes("ics", actions, items, WriteContext(TODAY, TZ, (), deletes_expected=True))
