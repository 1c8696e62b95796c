"""The write-back executor: every write of every sink goes through here, one item at a time.

Deciding is the pure diff's (:mod:`sync.engine.diff`; for activity notes, the notes role's
own, :mod:`sync.engine.notes`), refusing is the safety valves' (:mod:`sync.engine.valves`);
this module does the rest for any sink that follows the storage contract
(:mod:`sync.sinks.contract`), whatever its role. For each action:

1. record the intent (``pending`` in the item's record) in its own transaction;
2. write, with the etag recorded for the item as precondition;
3. record the result (href, etag, sequence) and clear the intent, in one transaction.

Checkpoints ``sink-written`` (after 2) and ``sink-transaction`` (inside 3) let the crash tests
kill a sync at every write (:mod:`sync.engine.faults`). A sync cut off between 2 and 3 is
finished by the next one, which finds its own write by content: a create answered
:class:`~sync.sinks.contract.AlreadyExists`, or an update answered
:class:`~sync.sinks.contract.PreconditionFailed`, whose stored item says exactly what this
sync writes is adopted, not doubled and not taken for the runner's edit.

Only items hamsync recorded are updated or deleted. An item found at hamsync's own place
without a record is adopted only when it is provably this install's: its install id is ours
and it says what hamsync writes. Anything else (another install's event, the runner's edit of
an event ``purge`` left for them, a hand-made event) is reported and left alone, ``--force``
or not. An etag that changed while the content did not (a server that spells or keeps etags
its own way) is a server quirk, never the runner's edit: the write is retried on the etag
just read.

A failure of one item (:class:`~sync.sinks.contract.ItemError`) is reported and the other
items go on; a failure of the sink itself (:class:`~sync.sinks.base.SinkError`: unreachable,
login refused) stops this sink, with every finished write recorded. A sink that stops for
now before a limit (:class:`~sync.sinks.base.Deferred`) ends its run with that message, not
an error, and leaves no intent behind. A place made anew (a calendar deleted and created
again at the same URL: :meth:`_Executor.renewed`) gets the plan again.

``dry_run`` runs the same code against a :class:`~sync.sinks.memory.MemorySink` holding what
the records say, so it counts exactly what a sync would do if nobody had touched the sink.
``hamsync purge`` (:func:`purge`) is the executor deleting every item the store recorded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol, cast

from planner.models import Session
from sync.engine.diff import Action, ActionKind, diff
from sync.engine.faults import checkpoint
from sync.engine.notes import note_actions, wanted_notes
from sync.engine.valves import check_deletes
from sync.sinks.base import Deferred
from sync.sinks.contract import (
    AlreadyExists,
    Item,
    ItemError,
    NotFound,
    PreconditionFailed,
    Storage,
)
from sync.sinks.memory import MemorySink
from sync.sinks.note_items import Note, NoteRenderer
from sync.sinks.outcome import SinkResult, WriteContext
from sync.sinks.renderer import Planned, Renderer, Writer
from sync.store.database import SinkItem, StateDatabase
from sync.store.serialize import session_body, session_from_body

DISMISSED = "!dismissed"
"""The etag recorded for an item the runner deleted: never re-created without --force."""
THEIRS = "!theirs"
"""The etag recorded for a session whose address holds an item that is not provably this
install's (reported once, then left alone; only ``--force`` looks again, and it takes the
item back only when it carries this install's id)."""
SETTLED = (DISMISSED, THEIRS)
LEFT = ":left"
"""Records of items left at a sink's former location are kept under ``<sink>:left``, so that
``hamsync purge`` still removes them."""


class _Role[P: Planned](Protocol):
    """What differs between the roles: what is wanted, its diff, and its record's body."""

    @property
    def dated(self) -> bool:
        """Items of days before today are history (sessions): never written again, and only
        the live ones are looked after (an interrupted write, ``--force``). Notes are about
        past runs: their diff looks after every wanted note itself."""
        ...

    @property
    def noun(self) -> str:
        """What one item is, in the messages (``event``, ``note``)."""
        ...

    @property
    def place(self) -> str:
        """Where the runner edits it, in the messages (``in the calendar``)."""
        ...

    def wanted(self, context: WriteContext) -> Sequence[P]: ...

    def actions(
        self, wanted: Sequence[P], records: dict[str, SinkItem], today: date
    ) -> list[Action[P]]: ...

    def body(self, thing: P) -> str: ...

    def parse(self, body: str) -> P: ...


@dataclass(frozen=True, slots=True)
class _Sessions:
    """Roles ``events`` and ``workouts``: the planned sessions from today on."""

    renderer: Renderer[Session]
    dated: bool = True
    noun: str = "event"
    place: str = "in the calendar"

    def wanted(self, context: WriteContext) -> Sequence[Session]:
        return context.sessions

    def actions(
        self, wanted: Sequence[Session], records: dict[str, SinkItem], today: date
    ) -> list[Action[Session]]:
        return diff(wanted, records, today, self.renderer.digest)

    def body(self, thing: Session) -> str:
        return session_body(thing)

    def parse(self, body: str) -> Session:
        return session_from_body(body)


@dataclass(frozen=True, slots=True)
class _Notes:
    """Role ``notes``: the note of each recent run (:mod:`sync.engine.notes`)."""

    renderer: NoteRenderer
    dated: bool = False
    noun: str = "note"
    place: str = "in the activity's description"

    def wanted(self, context: WriteContext) -> Sequence[Note]:
        return wanted_notes(self.renderer, context)

    def actions(
        self, wanted: Sequence[Note], records: dict[str, SinkItem], today: date
    ) -> list[Action[Note]]:
        return note_actions(wanted, records, self.renderer.digest)

    def body(self, thing: Note) -> str:
        return thing.text

    def parse(self, body: str) -> Note:
        return Note("", date.min, "", body)  # enough to render the block as written


def role_of(writer: Writer[Any]) -> _Role[Any]:
    """The role part of ``writer``'s writes: notes for a note renderer, else sessions."""
    if isinstance(writer.renderer, NoteRenderer):
        return _Notes(writer.renderer)
    return _Sessions(cast(Renderer[Session], writer.renderer))


def write_back(
    writer: Writer[Any], context: WriteContext, state: StateDatabase, dry_run: bool = False
) -> SinkResult:
    """Bring ``writer``'s sink in line with the plan from ``context.today`` on (notes: with
    the recent runs).

    With ``dry_run``, ``state`` must be a scratch copy (``StateDatabase.scratch_copy``): the
    writes go to a memory sink holding what the records say. Raises
    :class:`~sync.engine.valves.Refused` (nothing written) and
    :class:`~sync.sinks.base.SinkError` (the sink failed; finished writes stay recorded). A
    sink that stops for now (:class:`~sync.sinks.base.Deferred`, a rate limit) ends the run
    with its reason among the messages; the next sync goes on from there.
    """
    role = role_of(writer)
    if dry_run:
        writer = rehearsal(writer, state)
    records = state.sink_items(writer.name)
    wanted = role.wanted(context)
    actions = role.actions(wanted, records, context.today)
    live = [r for r in records.values() if role.dated and r.day >= context.today]
    if not actions and not live:
        return SinkResult()  # nothing to write and nothing of ours to look after
    check_deletes(writer.name, actions, records, context)  # before anything is written
    with _opened(writer.sink):
        run = _Executor(writer, state, context.force, role)
        recorded = run.renewed(run.leave_behind(records), context.today)
        if recorded is not records:
            actions = role.actions(wanted, recorded, context.today)
        if role.dated:
            actions += _interrupted(context.today, wanted, recorded, actions)
            if context.force:
                actions += run.restores(context.today, wanted, recorded, actions)
        for action in actions:
            try:
                run.apply(action)
            except Deferred as exc:  # not a failure: the rest waits for the next sync
                run.result.messages.append(str(exc))
                break
            except ItemError as exc:
                run.failed(action.session_id, exc)
    return run.result


def purge(writer: Writer[Any], state: StateDatabase, dry_run: bool = False) -> SinkResult:
    """``hamsync purge``: delete every item the store recorded for this sink, and nothing else.

    Each is deleted under its recorded etag; one the runner edited since stays where it is,
    reported, and is theirs from then on (a later sync never adopts it: its content is not
    what hamsync wrote). Each record is forgotten once done, so a purge cut short (a failure,
    or a sink that stops for now: :class:`~sync.sinks.base.Deferred`, raised on) is finished
    by the next one. With ``dry_run``, ``state`` must be a scratch copy.
    """
    role = role_of(writer)
    if dry_run:
        writer = rehearsal(writer, state)
    run = _Executor(writer, state, False, role)
    records = [*state.sink_items(writer.name).values(), *state.sink_items(run.left).values()]
    if not records:
        return run.result
    with _opened(writer.sink):
        for record in sorted(records, key=lambda r: (r.day, r.session_id)):
            try:
                run.remove(record, purging=True)
            except ItemError as exc:
                run.failed(record.session_id, exc)
    return run.result


@contextlib.contextmanager
def _opened(sink: Storage) -> Iterator[None]:
    """Hold the sink open for the whole run when it is a context manager (one connection)."""
    if isinstance(sink, contextlib.AbstractContextManager):
        with sink:
            yield
    else:
        yield


def _interrupted[P: Planned](
    today: date, wanted: Sequence[P], recorded: dict[str, SinkItem], actions: list[Action[P]]
) -> list[Action[P]]:
    """Writes a stopped sync left under way while the plan has nothing new for them: written
    again, so the item says what the plan says whatever landed before the stop."""
    acted = {a.session_id for a in actions}
    out = []
    for thing in wanted:
        record = recorded.get(thing.id)
        if record is None or not record.pending or thing.id in acted:
            continue
        if thing.day >= today and record.etag not in SETTLED:
            out.append(
                Action(ActionKind.UPDATE, thing.id, thing, record, record.content_hash,
                       record.sequence + 1)
            )  # fmt: skip
    return out


def rehearsal[P: Planned](writer: Writer[P], state: StateDatabase) -> Writer[P]:
    """The writer with its sink replaced by a memory sink holding what the records say.

    Its location is the one recorded last, so a rehearsal never asks the real sink anything.
    """
    role = role_of(writer)
    records = state.sink_items(writer.name).values()
    left = state.sink_items(writer.name + LEFT).values()
    places = [r.location for r in sorted(records, key=lambda r: r.day) if r.location]
    stand_in = MemorySink(writer.sink.name, writer.sink.role, places[-1] if places else "")
    renderer = writer.renderer
    for record in [*records, *left]:
        if record.remote_id and record.etag not in SETTLED:
            try:
                item = renderer.render(role.parse(record.body), record.sequence, record.uid)
            except (KeyError, TypeError, ValueError):  # a record too damaged to render
                item = Item(record.uid, "")
            stand_in.items[record.remote_id] = (item, record.etag)
    return Writer(stand_in, renderer)


@dataclass
class _Executor[P: Planned]:
    writer: Writer[P]
    state: StateDatabase
    force: bool
    role: _Role[P]

    def __post_init__(self) -> None:
        self.result = SinkResult()
        self.name = self.writer.name
        self.left = self.name + LEFT
        self.sink = self.writer.sink
        self.renderer: Renderer[P] = self.writer.renderer

    # -- places ---------------------------------------------------------------------------
    def leave_behind(self, records: dict[str, SinkItem]) -> dict[str, SinkItem]:
        """Set aside records written where the sink no longer points; the others."""
        here = self.sink.location
        away = [r for r in records.values() if r.location and r.location != here]
        if not away:
            return records
        kept = [r for r in away if r.remote_id and r.etag not in SETTLED and self._reachable(r)]
        with self.state.transaction():
            for record in away:
                self.state.delete_sink_item(self.name, record.session_id)
            for record in kept:
                key = f"{record.session_id} {record.remote_id}"
                self.state.put_sink_item(replace(record, sink=self.left, session_id=key))
        places = ", ".join(sorted({r.location for r in away}))
        if kept:
            self.result.messages.append(
                f"{len(kept)} item(s) hamsync wrote stay in {places}: the config now names "
                f"{here}, where hamsync writes from now on; `hamsync purge` removes the old ones "
                "(and the new ones: run `hamsync sync` after it to write the plan again)"
            )
        if len(kept) < len(away):
            self.result.messages.append(
                f"{len(away) - len(kept)} item(s) hamsync wrote in {places} cannot be reached "
                f"from {here} (gone with it, or in a file hamsync no longer writes): hamsync "
                f"forgets them and writes to {here} from now on"
            )
        gone = {r.session_id for r in away}
        return {k: r for k, r in records.items() if k not in gone}

    def renewed(self, records: dict[str, SinkItem], today: date) -> dict[str, SinkItem]:
        """Forget the live records of a place made anew (a calendar deleted and re-created at
        the same URL, a calendar file deleted); the others.

        Only for a sink whose ``list()`` gives everything at its place (``lists_all``): an
        empty listing while items hamsync wrote there from today on are recorded means the
        place itself is new, not that the runner deleted them one by one (then the place
        would still hold the runner's other items, or some of ours). Their sessions are
        written again by this sync; what the runner dismissed before stays dismissed. Cost:
        one listing, read up to its first item (no event is read).
        """
        if not getattr(self.sink, "lists_all", False):
            return records
        here = self.sink.location
        lost = [r for r in records.values() if r.day >= today and r.remote_id
                and r.etag not in SETTLED and r.location in ("", here)]  # fmt: skip
        if not lost or any(True for _ in self.sink.list()):  # stops at the first item listed
            return records
        with self.state.transaction():
            for record in lost:
                self.state.delete_sink_item(self.name, record.session_id)
        self.result.messages.append(
            f"{here or self.name} holds nothing, not one of the {len(lost)} item(s) hamsync "
            "wrote there: taken as made anew (deleted and created again); hamsync writes the "
            "plan to it again"
        )
        gone = {r.session_id for r in lost}
        return {k: r for k, r in records.items() if k not in gone}

    def _reachable(self, record: SinkItem) -> bool:
        try:
            self.sink.get(record.remote_id)
        except NotFound:
            return False
        return True

    def restores(
        self, today: date, wanted: Sequence[P], recorded: dict[str, SinkItem],
        actions: list[Action[P]],
    ) -> list[Action[P]]:  # fmt: skip
        """``--force``: the sessions whose item the runner deleted or edited, though hamsync
        has nothing new to write, are written again (each live item is read once to know)."""
        acted = {a.session_id for a in actions}
        out = []
        for session in wanted:
            record = recorded.get(session.id)
            if record is None or session.id in acted or session.day < today:
                continue
            if record.etag != DISMISSED:
                try:
                    stored, _etag = self.sink.get(record.remote_id)
                except NotFound:
                    pass
                else:
                    if self.renderer.same(stored, self._as_written(record)):
                        continue  # as hamsync wrote it: nothing to restore
            out.append(
                Action(ActionKind.UPDATE, session.id, session, record, record.content_hash,
                       record.sequence + 1)
            )  # fmt: skip
        return out

    # -- one action -----------------------------------------------------------------------
    def apply(self, action: Action[P]) -> None:
        record = action.recorded
        if action.kind is ActionKind.DELETE:
            assert record is not None
            if record.etag in SETTLED:
                self._forget(record)
            else:
                self.remove(record, purging=False)
            return
        session = action.session
        assert session is not None
        if record is None:
            uid = action.uid or self.renderer.uid(session.id)
            self.create(session, action.content_hash, 0, uid, None)
        elif not record.remote_id:  # a create cut off before its answer was recorded
            self.create(session, action.content_hash, record.sequence, record.uid, record)
        elif record.etag == DISMISSED:
            if self.force:
                self.create(session, action.content_hash, action.sequence, record.uid, record)
            else:
                self.result.messages.append(
                    f"{_when(record)}: dismissed {self.role.place}, left out "
                    "(`hamsync sync --force` restores it)"
                )
        elif record.etag == THEIRS:
            if self.force:  # taken back only if it carries this install's id
                self.create(session, action.content_hash, action.sequence, record.uid, record)
        else:
            self.update(session, action, record)

    def create(
        self, session: P, digest: str, sequence: int, uid: str, before: SinkItem | None
    ) -> None:
        item = self.renderer.render(session, sequence, uid)
        intent = self._item(session, "", "", "", sequence, uid, pending="create")
        self._save(intent)
        try:
            href, etag = self.sink.create(item)
        except Deferred:  # raised before anything is written: the records stay as they were
            if before is None:
                self._restore(None, intent)
            else:
                self._save(before)
            raise
        except NotFound as gone:  # the place itself is gone (a note's activity deleted)
            self._forget(intent)
            self.result.messages.append(f"{session.id}: {gone}; nothing written")
            return
        except AlreadyExists as exc:
            found = self._adopt(exc.href, item, session)
            if found is None:
                self._restore(before, intent)
                return
            if not found[1]:  # not provably ours: remembered, so later syncs leave it quietly
                self._save(self._item(session, exc.href, THEIRS, digest, sequence, uid))
                return
            href, etag = found
        checkpoint("sink-written", self.name)
        self._save(self._item(session, href, etag, digest, sequence, uid), final=True)
        self.result.created += 1

    def update(self, session: P, action: Action[P], record: SinkItem) -> None:
        item = self.renderer.render(session, action.sequence, record.uid)
        self._save(replace(record, pending="update"))
        try:
            try:
                etag = self.sink.update(record.remote_id, item, record.etag)
            except Deferred:  # nothing written: the record stays as it was
                self._save(record)
                raise
            except PreconditionFailed:
                changed = self._changed(record, item)
                if changed is None:
                    return
                etag = changed
        except NotFound:
            self._deleted_by_runner(session, action, record)
            return
        checkpoint("sink-written", self.name)
        final = self._item(
            session, record.remote_id, etag, action.content_hash, action.sequence, record.uid
        )
        self._save(final, final=True)
        self.result.updated += 1

    def remove(self, record: SinkItem, purging: bool) -> None:
        """Delete one recorded item (a dropped session, or ``purge``)."""
        if record.etag in SETTLED:
            self._forget(record)
            return
        if not record.remote_id:  # a create cut off: find what it wrote, if anything
            self._remove_unanswered(record)
            return
        self._save(replace(record, pending="delete"))
        try:
            try:
                self.sink.delete(record.remote_id, record.etag)
            except Deferred:  # nothing written: the record stays as it was
                self._save(record)
                raise
            except PreconditionFailed:
                stored, current = self.sink.get(record.remote_id)
                if not (self.force or self.renderer.same(stored, self._as_written(record))):
                    self._edited_kept(record, purging)
                    return
                self.sink.delete(record.remote_id, current)
            checkpoint("sink-written", self.name)
            self.result.deleted += 1
        except NotFound:
            pass  # gone already: the goal is reached
        self._forget(record)

    # -- what is found instead of what was expected ---------------------------------------
    def _adopt(self, href: str, item: Item, session: P) -> tuple[str, str] | None:
        """An item already at our place: ``(href, etag)`` if provably ours; ``(href, "")``
        when an item that is not is there (reported); None when nothing is."""
        try:
            stored, etag = self.sink.get(href)
        except NotFound:
            self._conflict(
                f"{session.id}: the sink refused {href} as taken, yet holds nothing there (an "
                "item with the same uid elsewhere?); left alone"
            )
            return None
        ours = self.renderer.owner(stored) == self.renderer.install
        if ours and self.renderer.same(stored, item):
            return href, etag  # our own write whose answer was lost
        if ours and self.force:
            return href, self.sink.update(href, item, etag)
        whose = (
            "was edited since hamsync wrote it (`hamsync sync --force` puts hamsync's back)"
            if ours
            else "is not this hamsync's (another install's, or made by hand)"
        )
        self._conflict(f"{session.id} ({session.day:%a %Y-%m-%d}): the {self.role.noun} at "
                       f"{href} {whose}; left alone")  # fmt: skip
        return href, ""

    def _changed(self, record: SinkItem, item: Item) -> str | None:
        """The item changed under its recorded etag: the new etag, or None if it is kept."""
        stored, current = self.sink.get(record.remote_id)
        if self.renderer.same(stored, item):
            return current  # our own update whose answer was lost
        untouched = self.renderer.same(stored, self._as_written(record))
        # a write of ours was under way when the last sync stopped: what it left is ours
        interrupted = record.pending != "" and self.renderer.owner(stored) == self.renderer.install
        if self.force or untouched or interrupted:
            # untouched since we wrote it (the server changed or spells its etag its own way)
            return self.sink.update(record.remote_id, item, current)
        self._save(replace(record, pending=""))
        self._conflict(
            f"{_when(record)}: its {self.role.noun} was edited {self.role.place}; hamsync leaves "
            "it as it is (`hamsync sync --force` puts hamsync's version back)"
        )
        return None

    def _deleted_by_runner(self, session: P, action: Action[P], record: SinkItem) -> None:
        if self.force or record.pending == "delete":  # forced, or our own delete landed
            self.create(session, action.content_hash, action.sequence, record.uid, record)
            return
        self._save(replace(record, etag=DISMISSED, pending=""))
        self._conflict(
            f"{_when(record)}: its {self.role.noun} was deleted {self.role.place}; hamsync "
            "will not re-create it (`hamsync sync --force` brings it back)"
        )

    def _edited_kept(self, record: SinkItem, purging: bool) -> None:
        if purging:
            self._forget(record)
            self._conflict(
                f"{_when(record)}: edited {self.role.place} since hamsync wrote it; left there "
                "for you"
            )
            return
        self._save(replace(record, pending=""))
        self._conflict(f"{_when(record)}: edited {self.role.place}, so it is kept there")

    def _remove_unanswered(self, record: SinkItem) -> None:
        """A record whose create was cut off: delete what that create wrote, if it did."""
        item = self._as_written(record)
        try:
            href, etag = self.sink.create(item)
        except AlreadyExists as exc:
            stored, etag = self.sink.get(exc.href)
            href = exc.href
            if not (self.renderer.owner(stored) == self.renderer.install
                    and self.renderer.same(stored, item)):  # fmt: skip
                self._forget(record)
                return
        self.sink.delete(href, etag)
        checkpoint("sink-written", self.name)
        self._forget(record)

    # -- records --------------------------------------------------------------------------
    def _as_written(self, record: SinkItem) -> Item:
        return self.renderer.render(self.role.parse(record.body), record.sequence, record.uid)

    def _item(
        self, session: P, href: str, etag: str, digest: str, sequence: int, uid: str,
        pending: str = "",
    ) -> SinkItem:  # fmt: skip
        return SinkItem(
            sink=self.name, session_id=session.id, day=session.day, remote_id=href, etag=etag,
            content_hash=digest, sequence=sequence, body=self.role.body(session), uid=uid,
            location=self.sink.location, pending=pending,
        )  # fmt: skip

    def _save(self, record: SinkItem, final: bool = False) -> None:
        with self.state.transaction():
            self.state.put_sink_item(record)
            if final:
                checkpoint("sink-transaction", self.name)

    def _forget(self, record: SinkItem) -> None:
        with self.state.transaction():
            self.state.delete_sink_item(record.sink, record.session_id)
            checkpoint("sink-transaction", self.name)

    def _restore(self, before: SinkItem | None, intent: SinkItem) -> None:
        with self.state.transaction():
            if before is None:
                self.state.delete_sink_item(intent.sink, intent.session_id)
            else:
                self.state.put_sink_item(replace(before, pending=""))

    def _conflict(self, message: str) -> None:
        self.result.conflicts += 1
        self.result.messages.append(message)

    def failed(self, key: str, exc: ItemError) -> None:
        """One item failed: reported; its record keeps the intent, so the next sync retries."""
        self.result.failures.append(f"{key}: {exc}")


def _when(record: SinkItem) -> str:
    return f"{record.session_id} ({record.day:%a %Y-%m-%d})"
