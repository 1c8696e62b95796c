"""What the activity-note sinks (Strava, Garmin Connect) share: which runs get a note, when a
request is needed at all, and what is recorded.

A platform says how to find its activity id in a run and how to put our block into (or take
it out of) a description; this class does the rest. What was written is recorded in
``sink_items`` keyed by run id with a hash of the block, so an unchanged note costs no request
at all, and each note is forgotten once purged, so a purge cut short is finished by the next.
"""

from __future__ import annotations

import contextlib
import hashlib

from planner.models import Run, RunFlags
from sync.engine.diff import ActionKind
from sync.engine.faults import checkpoint
from sync.sinks.base import SinkError
from sync.sinks.note_block import note_for_run
from sync.sinks.outcome import SinkResult, WriteContext
from sync.store.database import SinkItem, State


class NoteGone(Exception):
    """The activity no longer exists on the platform (and our note went with it)."""


class ActivityNotesSink:
    """A :class:`~sync.sinks.outcome.SessionSink` writing note blocks to activity descriptions."""

    name: str

    # -- what a platform provides -------------------------------------------------------
    def activity_id(self, run: Run) -> str | None:
        """The platform's id of this run, if the platform holds it."""
        raise NotImplementedError

    def wants_note(self, flags: RunFlags) -> bool:
        """Whether a run with these flags gets a note here (beyond :func:`note_for_run`)."""
        return True

    def limit_reached(self) -> str | None:
        """Before each write: what stops writing now (a rate limit), or None to go on."""
        return None

    def put_note(self, activity_id: str, text: str) -> bool:
        """Set our block in the description; True when it counts as written.

        Raise :class:`NoteGone` when the activity is gone, :class:`SinkError` on failure.
        """
        raise NotImplementedError

    def take_out_note(self, activity_id: str) -> None:
        """Remove our block from the description (:class:`NoteGone`, :class:`SinkError`)."""
        raise NotImplementedError

    # -- the shared loop ----------------------------------------------------------------
    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        recorded = state.sink_items(self.name)
        result = SinkResult()
        for run, flags in context.runs:
            activity_id = self.activity_id(run)
            if activity_id is None or not self.wants_note(flags):
                continue
            text = note_for_run(run, flags, context.sessions, context.tz)
            if text is None:
                continue
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            before = recorded.get(run.id)
            if before is not None and before.content_hash == digest:
                continue  # what the platform holds is what we wrote: no request
            kind = ActionKind.CREATE if before is None else ActionKind.UPDATE
            if dry_run:
                result.count(kind)
                continue
            limit = self.limit_reached()
            if limit is not None:
                result.messages.append(
                    f"stopped before {limit}; the next sync writes the remaining notes"
                )
                break
            try:
                changed = self.put_note(activity_id, text)
            except NoteGone as gone:
                result.messages.append(str(gone))
                continue
            checkpoint("sink-written", self.name)
            with state.transaction():
                state.put_sink_item(
                    SinkItem(
                        sink=self.name, session_id=run.id,
                        day=run.start.astimezone(context.tz).date(), remote_id=activity_id,
                        etag="", content_hash=digest,
                        sequence=0 if before is None else before.sequence + 1, body=text,
                    )
                )  # fmt: skip
                checkpoint("sink-transaction", self.name)
            if changed:
                result.count(kind)
        return result

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: take our block out of every description we wrote it in.

        The runner's text stays as it is; an activity deleted on the platform is simply
        forgotten, and so is each note once removed.
        """
        items = sorted(state.sink_items(self.name).values(), key=lambda i: (i.day, i.session_id))
        if dry_run:
            return SinkResult(deleted=len(items))
        result = SinkResult()
        for item in items:
            limit = self.limit_reached()
            if limit is not None:
                raise SinkError(
                    f"stopped before {limit} with {len(items) - result.deleted} notes left; "
                    "run `hamsync purge` again later"
                )
            with contextlib.suppress(NoteGone):  # the activity is gone, and our note with it
                self.take_out_note(item.remote_id)
            with state.transaction():
                state.delete_sink_item(self.name, item.session_id)
            result.deleted += 1
        return result
