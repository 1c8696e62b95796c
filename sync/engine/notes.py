"""The write-back executor for activity notes: the steps of :mod:`sync.engine.writeback` with
a diff of their own, since notes are about past runs, not planned sessions.

The diff: each recent run the sink holds and notes (``context.runs``) gets the block
:func:`~sync.sinks.note_block.note_for_run` says; a run whose recorded block hash is that of
the new block, with no write under way, needs no request at all. For each note:

1. record the intent (``pending``) in its own transaction;
2. write: ``create`` a note, or ``update`` it under the recorded etag (a hash of the
   description). The description is the runner's as much as ours and only our block is
   ever changed, so a failed precondition (the runner edited their text) is read again and
   written on the etag just read; a block already there (a create whose answer was lost,
   or a state lost) is replaced, and not written at all when it says the same;
3. record the result and clear the intent, in one transaction.

Checkpoints ``sink-written`` and ``sink-transaction`` as in :mod:`sync.engine.writeback`. A
run whose activity is gone is reported and forgotten; one item's failure is reported and the
others go on. ``purge`` deletes every recorded note the same way, each forgotten once gone.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from sync.engine.faults import checkpoint
from sync.sinks.activity_notes import ActivityNotesSink
from sync.sinks.base import SinkError
from sync.sinks.contract import AlreadyExists, Item, ItemError, NotFound, PreconditionFailed
from sync.sinks.note_block import note_for_run
from sync.sinks.outcome import SinkResult, WriteContext
from sync.store.database import SinkItem, StateDatabase


def write_notes(
    sink: ActivityNotesSink, context: WriteContext, state: StateDatabase, dry_run: bool = False
) -> SinkResult:
    """Write the note of each recent run that needs one; ``dry_run`` only counts."""
    recorded = state.sink_items(sink.name)
    result = SinkResult()
    for run, flags in context.runs:
        activity_id = sink.activity_id(run)
        if activity_id is None or not sink.wants_note(flags):
            continue
        text = note_for_run(run, flags, context.sessions, context.tz)
        if text is None:
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        before = recorded.get(run.id)
        if before is not None and before.content_hash == digest and not before.pending:
            continue  # what the platform holds is what we wrote: no request
        kind = "create" if before is None else "update"
        if dry_run:
            result.count(kind)
            continue
        limit = sink.limit_reached()
        if limit is not None:
            result.messages.append(
                f"stopped before {limit}; the next sync writes the remaining notes"
            )
            break
        day = run.start.astimezone(context.tz).date()
        record = before or _record(sink.name, run.id, day, activity_id, "", "", text)
        _save(state, replace(record, remote_id=activity_id, pending=kind))
        try:
            etag, changed = _write(sink, Item(activity_id, text), record.etag)
        except NotFound as gone:  # the activity is gone, and any note with it
            result.messages.append(str(gone))
            _forget(state, record)
            continue
        except ItemError as exc:
            result.failures.append(f"{run.id}: {exc}")
            continue
        checkpoint("sink-written", sink.name)
        final = _record(sink.name, run.id, day, activity_id, etag, digest, text)
        _save(state, replace(final, sequence=0 if before is None else before.sequence + 1), True)
        if changed:
            result.count(kind)
    return result


def _write(sink: ActivityNotesSink, item: Item, etag: str) -> tuple[str, bool]:
    """Set the note; ``(etag, whether the description changed)``."""
    if etag:
        try:
            return sink.update(item.uid, item, etag), True
        except PreconditionFailed:
            pass  # the runner's text changed (or the answer of our own write was lost)
        except NotFound:  # the runner deleted our block: it goes back, as the note says
            etag = ""
    try:
        return sink.create(item)[1], True
    except AlreadyExists:
        stored, current = sink.get(item.uid)
        if stored.text == item.text:
            return current, False
        return sink.update(item.uid, item, current), True


def purge_notes(sink: ActivityNotesSink, state: StateDatabase, dry_run: bool = False) -> SinkResult:
    """``hamsync purge``: take our block out of every description the store recorded.

    The runner's text stays as it is; a note already gone (the activity deleted, or the
    block removed by hand) is simply forgotten, and so is each note once removed.
    """
    records = sorted(state.sink_items(sink.name).values(), key=lambda i: (i.day, i.session_id))
    if dry_run:
        return SinkResult(deleted=len(records))
    result = SinkResult()
    for record in records:
        limit = sink.limit_reached()
        if limit is not None:
            raise SinkError(
                f"stopped before {limit} with {len(records) - result.deleted} notes left; "
                "run `hamsync purge` again later"
            )
        _save(state, replace(record, pending="delete"))
        try:
            try:
                sink.delete(record.remote_id, record.etag)
            except PreconditionFailed:  # the runner's text changed: our block is still ours
                sink.delete(record.remote_id, sink.get(record.remote_id)[1])
            checkpoint("sink-written", sink.name)
        except NotFound:
            pass  # gone already: the goal is reached
        except ItemError as exc:
            result.failures.append(f"{record.session_id}: {exc}")
            continue
        _forget(state, record)
        result.deleted += 1
    return result


def _record(
    name: str, run_id: str, day: date, href: str, etag: str, digest: str, text: str
) -> SinkItem:
    return SinkItem(
        sink=name, session_id=run_id, day=day, remote_id=href, etag=etag, content_hash=digest,
        sequence=0, body=text,
    )  # fmt: skip


def _save(state: StateDatabase, record: SinkItem, final: bool = False) -> None:
    with state.transaction():
        state.put_sink_item(record)
        if final:
            checkpoint("sink-transaction", record.sink)


def _forget(state: StateDatabase, record: SinkItem) -> None:
    with state.transaction():
        state.delete_sink_item(record.sink, record.session_id)
        checkpoint("sink-transaction", record.sink)
