"""The pure diff between the sessions we want and what a sink says we wrote.

Deciding is separate from doing: this module yields actions; each sink executes them.
Only sessions from ``today`` onwards are ever created, updated or deleted: earlier ones are
history. Only items with a recorded status row can be updated or deleted, so nothing
hamsync did not create is ever touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planner.models import Session
from sync.sinks.renderer import Planned
from sync.store.database import SinkItem


class ActionKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Action[P: Planned]:
    """One write the executor makes: ``P`` is what is planned (a session, a note on a run)."""

    kind: ActionKind
    session_id: str
    """The key of the planned thing in the records (a session id, a run id)."""
    session: P | None
    """The desired thing (None for a delete)."""
    recorded: SinkItem | None
    """What we wrote before (None for a create)."""
    content_hash: str
    sequence: int
    """The SEQUENCE to write: 0 for a new item, one more than the recorded one on change."""
    uid: str = ""
    """The uid of a new item when the role's diff knows it (a note: its activity's id); ""
    lets the renderer make one."""


def diff(
    desired: Sequence[Session],
    recorded: Mapping[str, SinkItem],
    today: date,
    content_hash: Callable[[Session], str],
) -> list[Action[Session]]:
    """Create / update / delete actions, in a stable order (by day, then session id)."""
    actions: list[Action[Session]] = []
    wanted = {s.id: s for s in desired if s.day >= today}
    for session in sorted(wanted.values(), key=lambda s: (s.day, s.id)):
        digest = content_hash(session)
        item = recorded.get(session.id)
        if item is not None and item.day < today:
            continue  # history: a session that already took place is never rewritten
        if item is None:
            actions.append(Action(ActionKind.CREATE, session.id, session, None, digest, 0))
        elif item.content_hash != digest:
            actions.append(
                Action(ActionKind.UPDATE, session.id, session, item, digest, item.sequence + 1)
            )
    for item in sorted(recorded.values(), key=lambda i: (i.day, i.session_id)):
        if item.session_id not in wanted and item.day >= today:
            actions.append(
                Action(ActionKind.DELETE, item.session_id, None, item, "", item.sequence)
            )
    return actions
