"""Activity notes on Garmin Connect: hamsync's marked block in the run's description.

Off by default (descriptions can be public). For each recent run that Garmin holds and
that changed the plan, the description is read first and only our block is replaced
(:mod:`.note_block`); the runner's own text is kept as it was. What was written is
recorded per run (``sink_items``, keyed by the run id), so an unchanged note costs no
request at all on the next sync.
"""

from __future__ import annotations

import hashlib

from connectors.base import SourceError
from connectors.garmin.session import GarminSession, NotFound
from planner.models import Run

from ..faults import checkpoint
from ..state import SinkItem, State
from .base import SinkError, SinkResult, WriteContext
from .note_block import note_for_run, remove_block, upsert_block

SOURCE_PREFIX = "garmin:"


class GarminNotesSink:
    def __init__(self, session: GarminSession, name: str = "garmin_notes") -> None:
        self.session = session
        self.name = name

    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        recorded = state.sink_items(self.name)
        result = SinkResult()
        for run, flags in context.runs:
            activity_id = garmin_id(run)
            text = note_for_run(run, flags, context.sessions, context.tz)
            if activity_id is None or text is None:
                continue
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            before = recorded.get(run.id)
            if before is not None and before.content_hash == digest:
                continue
            if dry_run:
                result.created += before is None
                result.updated += before is not None
                continue
            try:
                changed = self._write(activity_id, text)
            except SourceError as exc:
                raise SinkError.from_source(exc) from None
            except NotFound:
                result.messages.append(f"activity {activity_id} is gone from Garmin Connect")
                continue
            checkpoint("sink-written", self.name)
            with state.transaction():
                state.put_sink_item(
                    SinkItem(
                        sink=self.name, session_id=run.id,
                        day=run.start.astimezone(context.tz).date(), remote_id=activity_id,
                        etag="", content_hash=digest, sequence=0, body=text,
                    )
                )  # fmt: skip
                checkpoint("sink-transaction", self.name)
            if changed:
                result.created += before is None
                result.updated += before is not None
        return result

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: take our block out of every description we wrote it in.

        The runner's text stays as it is; an activity deleted on Garmin is simply forgotten.
        Each note is forgotten once removed, so a purge cut short is finished by the next one.
        """
        items = sorted(state.sink_items(self.name).values(), key=lambda i: (i.day, i.session_id))
        if dry_run:
            return SinkResult(deleted=len(items))
        result = SinkResult()
        for item in items:
            try:
                self._remove(item.remote_id)
            except SourceError as exc:
                raise SinkError.from_source(exc) from None
            except NotFound:
                pass  # the activity is gone, and our note with it
            with state.transaction():
                state.delete_sink_item(self.name, item.session_id)
            result.deleted += 1
        return result

    def _remove(self, activity_id: str) -> None:
        """Read the description, write it back without our block if it holds one."""
        activity = self.session.call(
            f"read activity {activity_id}", lambda g: g.get_activity(activity_id)
        )
        current = activity.get("description") if isinstance(activity, dict) else None
        kept = remove_block(current)
        if kept != (current or ""):
            self.session.call(
                f"update activity {activity_id}",
                lambda g: g.set_activity_description(activity_id, kept),
            )

    def _write(self, activity_id: str, text: str) -> bool:
        """Read the description, put our block in, write it back only if it differs."""
        activity = self.session.call(
            f"read activity {activity_id}", lambda g: g.get_activity(activity_id)
        )
        current = activity.get("description") if isinstance(activity, dict) else None
        wanted = upsert_block(current, text)
        if wanted == (current or ""):
            return False
        self.session.call(
            f"update activity {activity_id}",
            lambda g: g.set_activity_description(activity_id, wanted),
        )
        return True


def garmin_id(run: Run) -> str | None:
    """The Garmin activity id among the run's sources, if Garmin holds it."""
    for source in run.sources:
        if source.startswith(SOURCE_PREFIX):
            return source.removeprefix(SOURCE_PREFIX)
    return None
