"""The Google Calendar sink: one event per session in the runner's Google calendar.

It drives :class:`connectors.google.storage.GoogleCalendarStorage` (list / get / create /
update / delete with etag preconditions) on today's sink contract, the same way the CalDAV
sink drives its server; when the engine's one executor lands, the storage plugs into it as is.

One sync:

1. The pure diff says what to create, update and delete (through the safety valve).
2. If anything of ours is live (today onwards) or to be written, ONE listing (a ``syncToken``
   request when nothing changed) gives the etags of this install's events. A sync with no new
   facts sends that one request and no write; a sync with nothing of ours sends none.
3. Each recorded event is checked against the listing before it is touched: same etag: ours,
   updated or deleted with ``If-Match``; another etag: the runner edited it, a *conflict*,
   left alone; gone: the runner deleted it, *dismissed* (remembered, never re-created, said
   once). ``sync --force`` overwrites edits and re-creates dismissed events.
4. A create for a UID this install already has an event for (the storage says
   ``AlreadyExists``) is a create whose answer was lost (a crash between the write and the
   record): that event is read once, and adopted when it holds exactly the session being
   created. Each write is recorded in its own transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import replace

from connectors.google.errors import (
    AlreadyExists,
    GoogleError,
    NotFound,
    PreconditionFailed,
    StorageError,
)
from connectors.google.storage import GoogleCalendarStorage, Item
from planner.models import Session
from sync.engine.diff import Action
from sync.engine.faults import checkpoint
from sync.engine.valves import checked_diff
from sync.sinks.base import SinkError, SinkResult, WriteContext
from sync.sinks.caldav_adopt import same_event
from sync.sinks.vevent import EventTiming, build_event, calendar, content_hash, uid_for
from sync.store.database import SinkItem, State
from sync.store.serialize import session_body

DISMISSED = "!dismissed"
"""The etag recorded for an event the runner deleted: never re-created without --force."""


@contextlib.contextmanager
def as_sink_error() -> Iterator[None]:
    """Google's failures as a :class:`SinkError` with the fix and the requested wait."""
    try:
        yield
    except GoogleError as exc:
        raise SinkError.from_source(exc) from None
    except StorageError as exc:  # a refusal no step expected (the calendar itself is gone)
        raise SinkError(f"Google Calendar: {exc}; the next sync retries") from None


class GoogleCalendarSink:
    def __init__(
        self, storage: GoogleCalendarStorage, timing: EventTiming, name: str = "google"
    ) -> None:
        self.storage = storage
        self.timing = timing
        self.name = name

    def item(self, session: Session, sequence: int) -> Item:
        """The session as the storage's item: its UID and a VCALENDAR holding its VEVENT."""
        event = build_event(session, sequence, self.timing)
        return Item(uid_for(session.id), calendar([event], "hamsync").to_ical().decode("utf-8"))

    # -- deciding ------------------------------------------------------------------------
    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        recorded, actions = checked_diff(
            self.name, context, state, lambda s: content_hash(s, self.timing)
        )
        live = [i for i in recorded.values() if i.day >= context.today]
        if not actions and not live:
            return SinkResult()
        if dry_run:
            return self._dry_run(actions, recorded, context.force)
        result = SinkResult()
        with as_sink_error():
            listed = dict(self.storage.list())
            by_id = {a.session_id: a for a in actions}
            wanted = {s.id: s for s in context.sessions if s.day >= context.today}
            for item in sorted(live, key=lambda i: (i.day, i.session_id)):
                action = by_id.pop(item.session_id, None)
                self._reconcile(state, item, action, wanted, listed, context.force, result)
            for action in by_id.values():  # creates: no record yet
                assert action.session is not None
                self._create(state, action.session, action.content_hash, 0, result)
        return result

    def _dry_run(
        self, actions: list[Action], recorded: Mapping[str, SinkItem], force: bool
    ) -> SinkResult:
        """What the diff would write, without asking Google (no conflict detection)."""
        result = SinkResult()
        for action in actions:
            dismissed = recorded.get(action.session_id)
            if dismissed is not None and dismissed.etag == DISMISSED and not force:
                continue
            result.count(action.kind)
        return result

    def _reconcile(
        self,
        state: State,
        item: SinkItem,
        action: Action | None,
        wanted: Mapping[str, Session],
        listed: Mapping[str, str],
        force: bool,
        result: SinkResult,
    ) -> None:
        """One recorded event against the listing and the diff's action for it."""
        remote = listed.get(item.remote_id)
        session = wanted.get(item.session_id)
        digest = action.content_hash if action is not None else item.content_hash
        when = f"{item.session_id} ({item.day:%a %Y-%m-%d})"
        if item.etag == DISMISSED or remote is None:
            self._gone(state, item, session, digest, force, when, result)
            return
        if remote != item.etag and not force:
            sequence = item.sequence + 1
            found = None if session is None else self._ours(item.remote_id, session, sequence)
            if session is not None and found is not None:
                # our own update whose answer was lost (a crash between write and record)
                self._record(state, session, item.remote_id, found, digest, item.sequence + 1)
                result.updated += 1
                return
            result.conflicts += 1
            result.messages.append(
                f"{when}: its event was edited in Google Calendar; hamsync leaves it as it is "
                "(`hamsync sync --force` puts hamsync's version back)"
            )
            return
        try:
            if session is None:
                with contextlib.suppress(NotFound):
                    self.storage.delete(item.remote_id, remote)
                checkpoint("sink-written", self.name)
                with state.transaction():
                    state.delete_sink_item(self.name, item.session_id)
                    checkpoint("sink-transaction", self.name)
                result.deleted += 1
            elif action is not None or remote != item.etag:
                sequence = item.sequence + 1
                etag = self.storage.update(item.remote_id, self.item(session, sequence), remote)
                checkpoint("sink-written", self.name)
                self._record(state, session, item.remote_id, etag, digest, sequence)
                result.updated += 1
        except (PreconditionFailed, NotFound):
            result.conflicts += 1
            result.messages.append(
                f"{when}: changed in Google Calendar during the sync; left alone"
            )

    def _gone(
        self,
        state: State,
        item: SinkItem,
        session: Session | None,
        digest: str,
        force: bool,
        when: str,
        result: SinkResult,
    ) -> None:
        """A recorded event the listing does not show: the runner deleted it."""
        if session is None:  # dropped from the plan and gone from the calendar: done
            with state.transaction():
                state.delete_sink_item(self.name, item.session_id)
            return
        if force:
            self._create(state, session, digest, item.sequence + 1, result)
            return
        if item.etag != DISMISSED:
            with state.transaction():
                state.put_sink_item(replace(item, etag=DISMISSED))
            result.conflicts += 1
            result.messages.append(
                f"{when}: its event was deleted in Google Calendar; hamsync will not re-create "
                "it (`hamsync sync --force` brings it back)"
            )
        else:
            result.messages.append(
                f"{when}: dismissed in Google Calendar, left out (--force restores it)"
            )

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: delete every recorded event with ``If-Match``, nothing else.

        No listing: only recorded events are sent a request. One the runner edited since
        (412) stays, reported, theirs from then on; one already gone is forgotten. Each item
        is forgotten in its own transaction, so a purge cut short finishes next time.
        """
        items = sorted(state.sink_items(self.name).values(), key=lambda i: (i.day, i.session_id))
        ours = [i for i in items if i.remote_id and i.etag and i.etag != DISMISSED]
        if dry_run or not items:
            return SinkResult(deleted=len(ours))
        result = SinkResult()
        with as_sink_error():
            for item in items:
                if item in ours:
                    try:
                        self.storage.delete(item.remote_id, item.etag)
                        result.deleted += 1
                    except NotFound:
                        pass  # already gone: nothing left to do
                    except PreconditionFailed:
                        result.conflicts += 1
                        result.messages.append(
                            f"{item.session_id} ({item.day:%a %Y-%m-%d}): edited in Google "
                            "Calendar since hamsync wrote it; left there for you"
                        )
                with state.transaction():
                    state.delete_sink_item(self.name, item.session_id)
        return result

    # -- doing ---------------------------------------------------------------------------
    def _create(
        self,
        state: State,
        session: Session,
        digest: str,
        sequence: int,
        result: SinkResult,
    ) -> None:
        try:
            href, etag = self.storage.create(self.item(session, sequence))
        except AlreadyExists as exists:
            found = self._ours(exists.href, session, sequence)
            if found is None:
                result.conflicts += 1
                result.messages.append(
                    f"{session.id}: an event of this install for it, with other content, is "
                    "already in Google Calendar; left alone"
                )
                return
            # a create whose answer was lost (a crash between write and record): adopted
            self._record(state, session, exists.href, found, digest, sequence)
            result.created += 1
            return
        checkpoint("sink-written", self.name)
        self._record(state, session, href, etag, digest, sequence)
        result.created += 1

    def _ours(self, href: str, session: Session, sequence: int) -> str | None:
        """The etag of event ``href`` if it holds exactly ``session`` at ``sequence`` as
        hamsync writes it, else None."""
        try:
            stored, etag = self.storage.get(href)
        except NotFound:
            return None
        ours = self.item(session, sequence).text.encode("utf-8")
        return etag if same_event(stored.text, ours) else None

    def _record(
        self, state: State, session: Session, href: str, etag: str, digest: str, sequence: int
    ) -> None:
        with state.transaction():
            state.put_sink_item(
                SinkItem(
                    sink=self.name,
                    session_id=session.id,
                    day=session.day,
                    remote_id=href,
                    etag=etag,
                    content_hash=digest,
                    sequence=sequence,
                    body=session_body(session),
                )
            )
            checkpoint("sink-transaction", self.name)
