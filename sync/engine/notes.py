"""The notes role's own part of a write: which notes a sync wants, and the diff to the records.

Notes differ from sessions in what is desired, not in how it is written: each recent run a
notes sink holds (``context.runs``, :meth:`NoteRenderer.activity`) and notes
(:attr:`NoteRenderer.wants`) gets the block :func:`~sync.sinks.note_block.note_for_run`
says. A run's note is never deleted by a sync (only ``hamsync purge`` takes the blocks out):
a run that leaves the window keeps its note, as the runner saw it. The write-back executor
(:mod:`sync.engine.writeback`) runs the actions like any other: intent, write, record,
checkpoint; dry-run and purge included. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sync.engine.diff import Action, ActionKind
from sync.sinks.note_block import note_for_run
from sync.sinks.note_items import Note, NoteRenderer
from sync.sinks.outcome import WriteContext
from sync.store.database import SinkItem


def wanted_notes(renderer: NoteRenderer, context: WriteContext) -> list[Note]:
    """The note of each recent run the sink holds and notes, in the order of the runs."""
    notes = []
    for run, flags in context.runs:
        activity = renderer.activity(run)
        if activity is None or not renderer.wants(flags):
            continue
        text = note_for_run(run, flags, context.sessions, context.tz)
        if text is not None:
            day = run.start.astimezone(context.tz).date()
            notes.append(Note(run.id, day, activity, text))
    return notes


def note_actions(
    notes: Sequence[Note], recorded: Mapping[str, SinkItem], digest: Callable[[Note], str]
) -> list[Action[Note]]:
    """Create a note not recorded; update one whose block changed or whose write was cut off.

    A recorded block equal to the new one, with no write under way, costs no request.
    """
    actions: list[Action[Note]] = []
    for note in notes:
        content = digest(note)
        before = recorded.get(note.id)
        if before is None:
            actions.append(
                Action(ActionKind.CREATE, note.id, note, None, content, 0, note.activity)
            )
        elif before.content_hash != content or before.pending:
            actions.append(
                Action(ActionKind.UPDATE, note.id, note, before, content, before.sequence + 1,
                       note.activity)
            )  # fmt: skip
    return actions
