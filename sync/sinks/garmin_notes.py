"""Activity notes on Garmin Connect: hamsync's marked block in the run's description.

Off by default (descriptions can be public). Storage of role ``notes``
(:mod:`.activity_notes`), written and recorded by the write-back executor
(:mod:`sync.engine.writeback`).
"""

from __future__ import annotations

from connectors.base import SourceError
from connectors.garmin.api import GarminApi
from connectors.garmin.session import GarminSession
from connectors.garmin.session import NotFound as GarminNotFound
from sync.sinks.activity_notes import ActivityNotesSink
from sync.sinks.base import SinkError
from sync.sinks.contract import NotFound
from sync.sinks.note_items import Note, NoteRenderer
from sync.sinks.renderer import Writer

RECENT = 30
"""``list`` looks at this many of the most recent activities."""


class GarminNotesSink(ActivityNotesSink):
    """Note blocks in Garmin Connect descriptions."""

    location = "Garmin Connect"
    source = "garmin"

    def __init__(self, session: GarminSession, name: str = "garmin_notes") -> None:
        self.session = session
        self.name = name

    @property
    def api(self) -> GarminApi:
        """The calls, made through whichever session the sink holds now."""
        return GarminApi(self.session)

    def recent_ids(self) -> list[str]:
        try:
            page = self.api.activities(0, RECENT)
        except SourceError as exc:
            raise SinkError.from_source(exc) from None
        listed = page if isinstance(page, list) else []
        return [str(a["activityId"]) for a in listed if isinstance(a, dict) and a.get("activityId")]

    def read(self, activity_id: str) -> str:
        try:
            return self.api.activity_description(activity_id) or ""
        except SourceError as exc:
            raise SinkError.from_source(exc) from None
        except GarminNotFound:
            raise NotFound(
                activity_id, f"activity {activity_id} is gone from Garmin Connect"
            ) from None

    def write(self, activity_id: str, description: str) -> None:
        try:
            self.api.set_activity_description(activity_id, description)
        except SourceError as exc:
            raise SinkError.from_source(exc) from None
        except GarminNotFound:
            raise NotFound(
                activity_id, f"activity {activity_id} is gone from Garmin Connect"
            ) from None


def garmin_notes_writer(sink: GarminNotesSink) -> Writer[Note]:
    """The sink with its notes: every noted run with a Garmin id."""
    return Writer(sink, NoteRenderer(f"{sink.source}:"))
