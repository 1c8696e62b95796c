"""Activity notes on Strava: a short marked block in the description of each recent long
trail or heavy descent, saying what it changed in the plan.

Storage of role ``notes`` (:mod:`.activity_notes`), written and recorded by the write-back
executor (:mod:`sync.engine.writeback`). Two requests a note (read, then write): before each,
the sink stops (:class:`~sync.sinks.base.Deferred`) when Strava's rate limit is near.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from connectors.base import SourceError
from sync.sinks.activity_notes import ActivityNotesSink
from sync.sinks.base import Deferred, SinkError
from sync.sinks.contract import NotFound
from sync.sinks.note_items import Note, NoteRenderer, long_or_heavy
from sync.sinks.renderer import Writer

RECENT_DAYS = 60
"""``list`` looks at the activities of this many last days (notes are written for recent runs)."""


class NotesApi(Protocol):
    """What the sink needs from :class:`connectors.strava.StravaApi`."""

    def can_write(self, requests_needed: int = 1) -> bool: ...

    def usage_text(self) -> str: ...

    def activity(self, activity_id: int) -> dict[str, object]: ...

    def set_description(self, activity_id: int, description: str) -> None: ...

    def list_activities(
        self, after: datetime, page: int, per_page: int
    ) -> list[dict[str, Any]]: ...


class StravaNotesSink(ActivityNotesSink):
    """Note blocks in Strava descriptions, within Strava's rate limit (two requests a note)."""

    location = "Strava"
    source = "strava"

    def __init__(self, api: NotesApi, name: str = "strava_notes") -> None:
        self.api = api
        self.name = name

    def before_write(self) -> None:
        if not self.api.can_write(2):
            raise Deferred(
                f"stopped before Strava's rate limit ({self.api.usage_text()}); the next sync "
                "writes the remaining notes"
            )

    def recent_ids(self) -> list[str]:
        after = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
        try:
            listed = self.api.list_activities(after, 1, 100)
        except SourceError as error:
            raise SinkError.from_source(error) from None
        return [str(a["id"]) for a in listed if isinstance(a.get("id"), int)]

    def read(self, activity_id: str) -> str:
        try:
            current = self.api.activity(int(activity_id)).get("description")
        except SourceError as error:
            raise self._error(activity_id, error) from None
        return current if isinstance(current, str) else ""

    def write(self, activity_id: str, description: str) -> None:
        try:
            self.api.set_description(int(activity_id), description)
        except SourceError as error:
            raise self._error(activity_id, error) from None

    def _error(self, activity_id: str, error: SourceError) -> Exception:
        if "not found" in str(error):  # a deleted activity holds no note any more
            return NotFound(activity_id, f"activity {activity_id} is gone from Strava")
        return SinkError.from_source(error, f"activity {activity_id}: ")


def strava_notes_writer(sink: StravaNotesSink) -> Writer[Note]:
    """The sink with its notes: long trails and heavy descents, on runs with a Strava id."""
    return Writer(sink, NoteRenderer(f"{sink.source}:", numeric=True, wants=long_or_heavy))
