"""Safety valves: refuse a write that looks like an accident rather than the runner's wish.

Two accidents look alike from the inside: a source folder that is empty because its disk is
not mounted looks like "the runner deleted every run", and a plan that collapses (a config
typo, a state file from elsewhere) looks like "every session was dropped". Both would go
through the usual machinery and wipe what the runner relies on. The checks here are pure
(counts in, a reason or ``None`` out); the engine and the session sinks call them and
refuse the write unless ``sync --force`` says it is intended (exit code 6).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from connectors.base import PullResult
from connectors.errors import EXIT_SAFETY
from planner.merge import SAME_START_S, same_run
from planner.models import Plan, Run, Session
from planner.reasons import MEDICAL_NOTE
from sync.engine.diff import Action, ActionKind, diff
from sync.sinks.base import SinkError
from sync.sinks.outcome import WriteContext
from sync.store.database import SinkItem, StateDatabase

MASS_DELETE_MIN = 5
"""hamsync default: deleting more than this many items at once may be an accident ..."""
MASS_DELETE_SHARE = 0.5
"""... when it is also more than this share of our items from today onwards (hamsync default)."""


class Refused(SinkError):
    """A safety valve stopped this write; nothing was written or recorded for it."""

    exit_code = EXIT_SAFETY


def source_ids_held(runs: Iterable[Run], prefix: str) -> int:
    """How many stored source ids start with ``prefix`` (``"file:"``): what a source gave."""
    return sum(1 for run in runs for source in run.sources if source.startswith(prefix))


def id_prefix(source_id: str) -> str:
    """``"file:"`` for ``"file:2026/ridge.fit"``: the part that names the platform."""
    head, sep, _ = source_id.partition(":")
    return f"{head}{sep}"


def vanished_source(name: str, delivered: int, removed: int, held: int) -> str | None:
    """Why a pull that would remove ``removed`` of the ``held`` runs looks like an accident.

    Refused: a source that delivers nothing and would remove every run it gave before (an
    unmounted disk, a wrong path), or one that would remove more than
    :data:`MASS_DELETE_MIN` runs and more than half of them at once.
    """
    if removed == 0 or held == 0:
        return None
    if delivered == 0 and removed >= held:
        return (
            f"{name} returned no activity and would remove all {held} runs it gave before "
            "(is the folder or disk missing?); the runs are kept"
        )
    if removed > MASS_DELETE_MIN and removed > MASS_DELETE_SHARE * held:
        return f"{name} would remove {removed} of the {held} runs it gave before; they are kept"
    return None


def mass_delete(
    actions: Sequence[Action[Any]], recorded: Mapping[str, SinkItem], today: date
) -> int:
    """How many deletes ``actions`` hold if they are too many for comfort, else 0."""
    deletes = sum(1 for a in actions if a.kind is ActionKind.DELETE)
    ours = sum(1 for item in recorded.values() if item.day >= today)
    if deletes > MASS_DELETE_MIN and deletes > MASS_DELETE_SHARE * ours:
        return deletes
    return 0


def check_deletes(
    sink: str,
    actions: Sequence[Action[Any]],
    recorded: Mapping[str, SinkItem],
    context: WriteContext,
) -> None:
    """Raise :class:`Refused` before a sink deletes too much, unless the write is forced."""
    if context.force or context.deletes_expected:
        return
    deletes = mass_delete(actions, recorded, context.today)
    if deletes:
        ours = sum(1 for item in recorded.values() if item.day >= context.today)
        raise Refused(
            f"would delete {deletes} of its {ours} sessions from today on at once; nothing "
            f"was written to {sink} (check the plan: `hamsync plan`)"
        )


def checked_diff(
    sink: str, context: WriteContext, state: StateDatabase, content_hash: Callable[[Session], str]
) -> tuple[dict[str, SinkItem], list[Action[Session]]]:
    """What ``sink`` recorded and the :func:`~sync.engine.diff.diff` to the plan, through
    :func:`check_deletes`: the start of every session sink's write."""
    recorded = state.sink_items(sink)
    actions = diff(context.sessions, recorded, context.today, content_hash)
    check_deletes(sink, actions, recorded, context)
    return recorded, actions


def vanished_pull(name: str, result: PullResult, state: StateDatabase) -> str | None:
    """:func:`vanished_source` for one pull, counting what the state holds from that source.

    Only runs that really disappear count: not those the source read again and found to be
    no run (``dropped_run_ids``: the input is there and says so), nor those it delivers again
    under another id (a file moved or unpacked within the folder: the same run, by
    :func:`planner.merge.same_run`, is among the pull's runs).
    """
    if not result.removed_run_ids:
        return None  # the usual case costs nothing
    prefix = id_prefix(result.removed_run_ids[0])
    dropped = set(result.dropped_run_ids)
    lost = [i for i in result.removed_run_ids if i not in dropped]
    delivered = sorted(result.runs, key=lambda run: run.start)
    lost = [i for i in lost if not _delivered_again(state, i, delivered)]
    held = source_ids_held(state.runs(), prefix)
    return vanished_source(name, len(result.runs), len(lost), held)


def _delivered_again(state: StateDatabase, source_id: str, delivered: Sequence[Run]) -> bool:
    """Whether the run stored for ``source_id`` is among ``delivered`` (sorted by start)."""
    run_id = state.run_id_for_source(source_id)
    stored = state.run(run_id) if run_id is not None else None
    if stored is None:
        return False
    starts = [run.start for run in delivered]
    low = bisect_left(starts, stored.start - timedelta(seconds=SAME_START_S))
    high = bisect_right(starts, stored.start + timedelta(seconds=SAME_START_S))
    return any(same_run(stored, run) for run in delivered[low:high])


def deletes_expected(plan: Plan, today: date) -> bool:
    """Whether the runner emptied the plan on purpose: a pause, or a pain check-in (R7)."""
    paused = plan.state.paused_until is not None and plan.state.paused_until >= today
    return paused or any(n.text == MEDICAL_NOTE for n in plan.notes)
