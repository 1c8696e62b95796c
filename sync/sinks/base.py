"""The contract of a session sink: somewhere the plan is written, idempotently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from planner.models import Session

from ..state import State


@dataclass(slots=True)
class SinkResult:
    """What one sink did in one sync; the ``writes`` entry of ``sync --json``."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    messages: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
        }


class SinkError(Exception):
    """The sink could not be written; its recorded state is unchanged, the next sync retries."""


class SessionSink(Protocol):
    name: str

    def sync(
        self, desired: Sequence[Session], state: State, today: date, dry_run: bool
    ) -> SinkResult:
        """Bring the sink in line with ``desired`` (today onwards) and record what was written."""
        ...
