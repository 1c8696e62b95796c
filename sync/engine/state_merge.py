"""A sync's new planner state merged with what a command stored while the sync was planning.

``done``, ``checkin``, ``pause`` and ``resume`` take the sync lock, so they never write while
a sync plans. This is the second line: should anything change the planner state between the
moment a sync read it and the moment the sync saves its own (an older hamsync without the
lock, a hand edit), the sync keeps that change instead of saving over it.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from planner.models import PlannerState

RUNNER_OWNED = frozenset({"paused_until"})
"""Fields only the runner sets (``pause``/``resume``): their change always wins."""


def merge_planner_state(
    before: PlannerState, ours: PlannerState, current: PlannerState
) -> PlannerState:
    """``ours`` (computed from ``before``) with the changes others made (``before`` -> ``current``).

    Done marks are merged as sets (theirs added and removed, ours kept); a field the sync did
    not change takes the other writer's value; a runner-owned field always does.
    """
    if current == before:
        return ours
    changes: dict[str, Any] = {}
    for item in fields(PlannerState):
        name = item.name
        was, mine, theirs = getattr(before, name), getattr(ours, name), getattr(current, name)
        if theirs == was:
            continue
        if name == "done_session_ids":
            changes[name] = (mine - (was - theirs)) | (theirs - was)
        elif mine == was or name in RUNNER_OWNED:
            changes[name] = theirs
    return replace(ours, **changes)
