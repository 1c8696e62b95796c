"""Activity notes on Strava: a short marked block in the description of each recent long
trail or heavy descent, saying what it changed in the plan.

The description is read first and only our block (between the markers of
:mod:`sync.sinks.note_block`) is replaced: the runner's own text is kept as it is, and a
re-sync never adds a second block. What was written is recorded in ``sink_items`` keyed by
run id with a hash of the block, so an unchanged note costs no request at all.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from connectors.base import SourceError
from planner.models import Run, RunFlags

from ..faults import checkpoint
from ..state import SinkItem, State
from .base import SinkError, SinkResult, WriteContext
from .note_block import note_for_run, remove_block, upsert_block

PREFIX = "strava:"


class NotesApi(Protocol):
    """What the sink needs from :class:`connectors.strava.StravaApi`."""

    def can_write(self, requests_needed: int = 1) -> bool: ...

    def usage_text(self) -> str: ...

    def activity(self, activity_id: int) -> dict[str, object]: ...

    def set_description(self, activity_id: int, description: str) -> None: ...


def strava_id(run: Run) -> int | None:
    """The Strava activity id among the run's sources (a merged run keeps all of them)."""
    for source in run.sources:
        if source.startswith(PREFIX) and source[len(PREFIX) :].isdigit():
            return int(source[len(PREFIX) :])
    return None


def wants_note(flags: RunFlags) -> bool:
    return flags.long or flags.heavy_descent


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class StravaNotesSink:
    """A :class:`~sync.sinks.base.SessionSink` writing note blocks to Strava descriptions."""

    def __init__(self, api: NotesApi, name: str = "strava_notes") -> None:
        self.api = api
        self.name = name

    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        recorded = state.sink_items(self.name)
        result = SinkResult()
        for run, flags in context.runs:
            activity_id = strava_id(run)
            if activity_id is None or not wants_note(flags):
                continue
            text = note_for_run(run, flags, context.sessions, context.tz)
            if text is None:
                continue
            before = recorded.get(run.id)
            if before is not None and before.content_hash == _digest(text):
                continue  # what Strava holds is what we wrote: no request
            if dry_run:
                result.created += before is None
                result.updated += before is not None
                continue
            if not self.api.can_write(2):
                result.messages.append(
                    f"stopped before Strava's rate limit ({self.api.usage_text()}); the next "
                    "sync writes the remaining notes"
                )
                break
            self._write(activity_id, text)
            checkpoint("sink-written", self.name)
            with state.transaction():
                state.put_sink_item(
                    SinkItem(
                        sink=self.name,
                        session_id=run.id,
                        day=run.start.astimezone(context.tz).date(),
                        remote_id=str(activity_id),
                        etag="",
                        content_hash=_digest(text),
                        sequence=0 if before is None else before.sequence + 1,
                        body=text,
                    )
                )
                checkpoint("sink-transaction", self.name)
            result.created += before is None
            result.updated += before is not None
        return result

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: take our block out of every description we wrote it in.

        The runner's text stays as it is; an activity deleted on Strava is simply forgotten.
        Each note is forgotten once removed, so a purge stopped by the rate limit is finished
        by the next one.
        """
        items = sorted(state.sink_items(self.name).values(), key=lambda i: (i.day, i.session_id))
        if dry_run:
            return SinkResult(deleted=len(items))
        result = SinkResult()
        for item in items:
            if not self.api.can_write(2):
                raise SinkError(
                    f"stopped before Strava's rate limit ({self.api.usage_text()}) with "
                    f"{len(items) - result.deleted} notes left; run `hamsync purge` again later"
                )
            try:
                current = self.api.activity(int(item.remote_id)).get("description")
                old = current if isinstance(current, str) else ""
                if remove_block(old) != old:
                    self.api.set_description(int(item.remote_id), remove_block(old))
            except SourceError as error:
                if "not found" not in str(error):  # a deleted activity holds no note any more
                    raise SinkError.from_source(error, f"activity {item.remote_id}: ") from error
            with state.transaction():
                state.delete_sink_item(self.name, item.session_id)
            result.deleted += 1
        return result

    def _write(self, activity_id: int, text: str) -> None:
        """Read the description, set our block in it, write it back only if it changed."""
        try:
            current = self.api.activity(activity_id).get("description")
            old = current if isinstance(current, str) else ""
            new = upsert_block(old, text)
            if new != old:
                self.api.set_description(activity_id, new)
        except SourceError as error:
            raise SinkError.from_source(error, f"activity {activity_id}: ") from error
