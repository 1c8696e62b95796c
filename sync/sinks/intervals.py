"""The intervals.icu sink: one ``WeightTraining`` workout event per session on its day.

It writes through :class:`connectors.intervals.storage.IntervalsCalendar`, the calendar as
item storage (list ``(href, etag)``, get, create, update, delete with etag preconditions),
and records per session: ``remote_id`` the event id, ``etag`` the content hash of the event
as intervals.icu stored it, ``content_hash`` a digest of the session as written.

One sync, like the CalDAV sink (:mod:`sync.sinks.caldav`):

1. The pure diff (through the safety valves) says what to create, update and delete.
2. If anything of ours is live (today onwards) or to be written, ONE listing of the days
   involved shows hamsync's events as they stand. A sync with no new facts sends that one
   request and no write.
3. Each recorded event is checked against the listing before it is touched: same etag:
   updated or deleted; another etag: the runner edited it, a *conflict* left alone; gone
   (deleted, or its marker removed): *dismissed*, never re-created without ``--force``.
4. A create whose answer was lost (the event with our id is listed, no record) is adopted.
   Each write is recorded in its own transaction.

Only events with a recorded id and hamsync's marker are ever changed; ``purge`` deletes
exactly those. A ``WeightTraining`` activity logged on a session's day marks it done
through ``[sources.intervals]`` (its strength days), like Garmin's strength activities.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace

from connectors.base import SourceError
from connectors.intervals.client import IntervalsClient
from connectors.intervals.storage import (
    AlreadyExists,
    EventItem,
    IntervalsCalendar,
    NotFound,
    PreconditionFailed,
)
from planner.models import Session
from sync.engine.diff import Action
from sync.engine.faults import checkpoint
from sync.engine.valves import checked_diff
from sync.sinks.base import SinkError, SinkResult, WriteContext
from sync.sinks.event_text import description, summary
from sync.store.database import SinkItem, State
from sync.store.serialize import session_body

DISMISSED = "!dismissed"
"""The etag recorded for an event the runner deleted: never re-created without --force."""


@contextlib.contextmanager
def as_sink_error() -> Iterator[None]:
    """The client's failures (401 naming the key, 429 with its wait) as a SinkError."""
    try:
        yield
    except SourceError as exc:
        raise SinkError.from_source(exc) from None


class IntervalsSink:
    """``[sinks.intervals]``: sessions as workout events on the intervals.icu calendar."""

    def __init__(
        self, client: IntervalsClient, minutes: int = 20, slider: bool = True,
        name: str = "intervals",
    ) -> None:  # fmt: skip
        self.client = client
        self.minutes = minutes
        self.slider = slider
        self.name = name

    def item_for(self, session: Session) -> EventItem:
        """The event of a session: a pure function of it (an unchanged plan writes the same)."""
        return EventItem(
            uid=session.id,
            day=session.day,
            name=summary(session),
            description=description(session, towel=not self.slider),
            minutes=self.minutes,
        )

    def digest(self, session: Session) -> str:
        body = json.dumps(self.item_for(session).payload(), sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()

    # -- deciding ------------------------------------------------------------------------
    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        recorded, actions = checked_diff(self.name, context, state, self.digest)
        live = [i for i in recorded.values() if i.day >= context.today]
        if not actions and not live:
            return SinkResult()
        if dry_run:
            return _dry_run(actions, recorded, context.force)
        days = [context.today, *(i.day for i in live)]
        days += [a.session.day for a in actions if a.session is not None]
        storage = IntervalsCalendar(self.client, min(days), max(days), self.name)
        result = SinkResult()
        with as_sink_error():
            listed = dict(storage.list())
            by_id = {a.session_id: a for a in actions}
            wanted = {s.id: s for s in context.sessions if s.day >= context.today}
            for item in sorted(live, key=lambda i: (i.day, i.session_id)):
                action = by_id.pop(item.session_id, None)
                session = wanted.get(item.session_id)
                self._reconcile(storage, listed, state, item, action, session, context, result)
            for action in by_id.values():  # creates: no record yet
                assert action.session is not None
                self._create(storage, listed, state, action.session, result)
        return result

    def _reconcile(
        self,
        storage: IntervalsCalendar,
        listed: Mapping[str, str],
        state: State,
        item: SinkItem,
        action: Action | None,
        session: Session | None,
        context: WriteContext,
        result: SinkResult,
    ) -> None:
        """One recorded event against the listing and the diff's action for it."""
        remote = listed.get(item.remote_id)
        when = f"{item.session_id} ({item.day:%a %Y-%m-%d})"
        if item.etag == DISMISSED or remote is None:
            if session is None:  # dropped from the plan and gone from the calendar: done
                self._forget(state, item)
            elif context.force:
                self._create(storage, listed, state, session, result)
            elif item.etag != DISMISSED:
                with state.transaction():
                    state.put_sink_item(replace(item, etag=DISMISSED))
                result.conflicts += 1
                result.messages.append(
                    f"{when}: its intervals.icu event was deleted (or lost hamsync's marker); "
                    "hamsync will not re-create it (`hamsync sync --force` brings it back)"
                )
            else:
                result.messages.append(
                    f"{when}: dismissed on intervals.icu, left out (--force restores it)"
                )
            return
        if remote != item.etag and not context.force:
            if session is not None and self._holds(storage, item.remote_id, session):
                self._record(state, session, item.remote_id, remote)  # our write, answer lost
                result.updated += 1
                return
            result.conflicts += 1
            result.messages.append(
                f"{when}: its event was edited on intervals.icu; hamsync leaves it as it is "
                "(`hamsync sync --force` puts hamsync's version back)"
            )
            return
        try:
            if session is None:
                storage.delete(item.remote_id, remote)
                self._forget(state, item)
                result.deleted += 1
            elif action is not None or remote != item.etag:
                etag = storage.update(item.remote_id, self.item_for(session), remote)
                self._record(state, session, item.remote_id, etag)
                result.updated += 1
        except (PreconditionFailed, NotFound):
            result.conflicts += 1
            result.messages.append(f"{when}: changed on intervals.icu during the sync; left alone")

    def _holds(self, storage: IntervalsCalendar, href: str, session: Session) -> bool:
        """Does the event say exactly what hamsync writes for ``session`` now?"""
        stored, _ = storage.get(href)
        return stored.payload() == self.item_for(session).payload()

    def _create(
        self,
        storage: IntervalsCalendar,
        listed: Mapping[str, str],
        state: State,
        session: Session,
        result: SinkResult,
    ) -> None:
        item = self.item_for(session)
        try:
            href, etag = storage.create(item)
        except AlreadyExists as exc:  # ours (id and marker), unrecorded: a lost answer
            href = exc.href
            etag = storage.update(href, item, listed[href])
        checkpoint("sink-written", self.name)
        self._record(state, session, href, etag)
        result.created += 1

    # -- purge ---------------------------------------------------------------------------
    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: delete every event hamsync recorded, and nothing else.

        One listing of the recorded days, then one DELETE per event still as hamsync wrote
        it; an event the runner edited since stays (reported, theirs from then on), one
        already gone is forgotten. Each item is forgotten in its own transaction once done,
        so a purge cut short (a 429) is finished by the next one.
        """
        items = sorted(state.sink_items(self.name).values(), key=lambda i: (i.day, i.session_id))
        ours = [i for i in items if i.remote_id and i.etag and i.etag != DISMISSED]
        if dry_run or not items:
            return SinkResult(deleted=len(ours))
        result = SinkResult()
        with as_sink_error():
            listed: dict[str, str] = {}
            storage = IntervalsCalendar(self.client, items[0].day, items[-1].day, self.name)
            if ours:
                listed = dict(storage.list())
            for item in items:
                if item in ours:
                    self._purge_one(storage, listed.get(item.remote_id), item, result)
                self._forget(state, item)
        return result

    def _purge_one(
        self, storage: IntervalsCalendar, remote: str | None, item: SinkItem, result: SinkResult
    ) -> None:
        if remote is None:
            return  # already gone, or no longer ours: nothing to delete
        try:
            if remote != item.etag:
                raise PreconditionFailed(item.remote_id, "edited")
            storage.delete(item.remote_id, remote)
            result.deleted += 1
        except PreconditionFailed:
            result.conflicts += 1
            result.messages.append(
                f"{item.session_id} ({item.day:%a %Y-%m-%d}): edited on intervals.icu since "
                "hamsync wrote it; left there for you"
            )
        except NotFound:
            pass

    # -- recording -----------------------------------------------------------------------
    def _record(self, state: State, session: Session, href: str, etag: str) -> None:
        with state.transaction():
            state.put_sink_item(
                SinkItem(
                    sink=self.name,
                    session_id=session.id,
                    day=session.day,
                    remote_id=href,
                    etag=etag,
                    content_hash=self.digest(session),
                    sequence=0,
                    body=session_body(session),
                )
            )
            checkpoint("sink-transaction", self.name)

    def _forget(self, state: State, item: SinkItem) -> None:
        with state.transaction():
            state.delete_sink_item(self.name, item.session_id)
            checkpoint("sink-transaction", self.name)


def _dry_run(actions: list[Action], recorded: Mapping[str, SinkItem], force: bool) -> SinkResult:
    """What the diff would write, without asking intervals.icu (no conflict detection)."""
    result = SinkResult()
    for action in actions:
        dismissed = recorded.get(action.session_id)
        if dismissed is not None and dismissed.etag == DISMISSED and not force:
            continue
        result.count(action.kind)
    return result


__all__ = ["DISMISSED", "IntervalsSink"]
