"""Activity notes on Garmin Connect: hamsync's marked block in the run's description.

Off by default (descriptions can be public). For each recent run that Garmin holds and
that changed the plan, the description is read first and only our block is replaced
(:mod:`.note_block`); the runner's own text is kept as it was. What was written is
recorded per run (``sink_items``, keyed by the run id), so an unchanged note costs no
request at all on the next sync.
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.base import SourceError
from connectors.garmin.api import GarminApi
from connectors.garmin.session import GarminSession, NotFound
from planner.models import Run
from sync.sinks.activity_notes import ActivityNotesSink, NoteGone
from sync.sinks.base import SinkError
from sync.sinks.note_block import remove_block, upsert_block

SOURCE_PREFIX = "garmin:"


class GarminNotesSink(ActivityNotesSink):
    """Note blocks in Garmin Connect descriptions; a note is counted only when it changed."""

    def __init__(self, session: GarminSession, name: str = "garmin_notes") -> None:
        self.session = session
        self.name = name

    @property
    def api(self) -> GarminApi:
        """The calls, made through whichever session the sink holds now."""
        return GarminApi(self.session)

    def activity_id(self, run: Run) -> str | None:
        return garmin_id(run)

    def put_note(self, activity_id: str, text: str) -> bool:
        """Read the description, put our block in, write it back only if it differs."""
        return self._rewrite(activity_id, lambda current: upsert_block(current, text))

    def take_out_note(self, activity_id: str) -> None:
        self._rewrite(activity_id, remove_block)

    def _rewrite(self, activity_id: str, change: Callable[[str | None], str]) -> bool:
        """Write back ``change(description)`` if that differs; True when it was written."""
        try:
            current = self.api.activity_description(activity_id)
            wanted = change(current)
            if wanted == (current or ""):
                return False
            self.api.set_activity_description(activity_id, wanted)
        except SourceError as exc:
            raise SinkError.from_source(exc) from None
        except NotFound:
            raise NoteGone(f"activity {activity_id} is gone from Garmin Connect") from None
        return True


def garmin_id(run: Run) -> str | None:
    """The Garmin activity id among the run's sources, if Garmin holds it."""
    for source in run.sources:
        if source.startswith(SOURCE_PREFIX):
            return source.removeprefix(SOURCE_PREFIX)
    return None
