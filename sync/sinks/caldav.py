"""The CalDAV sink: one VEVENT per session in the runner's own calendar.

Terms (as in vdirsyncer): an *item* is one session's event; its *href* is
``<calendar>/<UID>.ics`` (the UID ends with ``@hamsync``, so the name alone says it is
ours); its *etag* is the server's version tag, recorded after every write.

One sync:

1. The pure :func:`sync.engine.diff.diff` says what to create, update and delete.
2. If anything of ours is live (today onwards) or to be written, ONE listing (PROPFIND
   depth 1, ``getetag``) shows what the calendar holds now. Nothing else is read, so a sync
   with no new facts sends exactly that one request and no write.
3. Each recorded item is checked against the listing before it is touched:

   - same etag: ours, untouched since we wrote it: update/delete with ``If-Match``;
   - another etag: the runner edited it: a *conflict*, reported and left alone;
   - gone: the runner deleted it: it is *dismissed* (remembered, never re-created),
     reported once; a dropped session's missing event is simply forgotten.

   ``sync --force`` overwrites edited events and re-creates dismissed ones.
4. Creates carry ``If-None-Match: *``. Each write is recorded in its own transaction, so
   a server that dies mid-sync leaves exactly what was written recorded, and the next sync
   does the rest. An event at our own href that we hold no record of (its PUT reached the
   server but the answer was lost) is adopted with ``If-Match`` on its listed etag.

Events the runner made are never read, written or deleted: only hrefs of recorded items,
or the exact href of a session being created, are ever sent a request.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from urllib.parse import quote

from caldav.davclient import DAVClient

from connectors.caldav_calendar import (
    FAILURES,
    CalDavAccount,
    CalDavFailure,
    connect,
    explain,
    find_calendar_url,
    resource_name,
)
from planner.models import Session
from sync.engine.diff import Action
from sync.engine.faults import checkpoint
from sync.engine.valves import checked_diff
from sync.sinks.base import SinkError, SinkResult, WriteContext
from sync.sinks.caldav_adopt import same_event
from sync.sinks.caldav_requests import Calendar, Refused
from sync.sinks.vevent import EventTiming, build_event, calendar, content_hash, uid_for
from sync.store.database import SinkItem, State
from sync.store.serialize import session_body

DISMISSED = "!dismissed"
"""The etag recorded for an event the runner deleted: never re-created without --force."""

ClientFactory = Callable[[CalDavAccount], DAVClient]


@contextlib.contextmanager
def as_sink_error(account: CalDavAccount) -> Iterator[None]:
    """The server's and the network's failures as a :class:`SinkError` that says what to do."""
    try:
        yield
    except CalDavFailure as exc:
        raise SinkError(str(exc)) from None
    except FAILURES as exc:
        wait = getattr(exc, "retry_after_seconds", None)  # caldav's RateLimitError
        raise SinkError(explain(exc, account), retry_after_s=wait) from None


class CalDavSink:
    def __init__(
        self,
        account: CalDavAccount,
        timing: EventTiming,
        name: str = "caldav",
        client_factory: ClientFactory = connect,
    ) -> None:
        self.account = account
        self.timing = timing
        self.name = name
        self.client_factory = client_factory

    # -- deciding ------------------------------------------------------------------------
    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        recorded, actions = checked_diff(
            self.name, context, state, lambda s: content_hash(s, self.timing)
        )
        live = [i for i in recorded.values() if i.day >= context.today]
        result = SinkResult()
        if not actions and not live:
            return result
        if dry_run:
            return self._dry_run(actions, recorded, context.force)
        with as_sink_error(self.account), self.client_factory(self.account) as client:
            cal = self._open(client, recorded)
            self._apply(cal, context, state, actions, live, result)
        return result

    def _dry_run(
        self, actions: list[Action], recorded: Mapping[str, SinkItem], force: bool
    ) -> SinkResult:
        """What the diff would write, without asking the server (no conflict detection)."""
        result = SinkResult()
        for action in actions:
            dismissed = recorded.get(action.session_id)
            if dismissed is not None and dismissed.etag == DISMISSED and not force:
                continue
            result.count(action.kind)
        return result

    def _open(self, client: DAVClient, recorded: Mapping[str, SinkItem]) -> Calendar:
        """Find the calendar (from our own hrefs when we have any) and list it once."""
        known = sorted(i.remote_id for i in recorded.values() if i.remote_id)
        if known and not self.account.calendar.startswith(("https://", "http://")):
            calendar_url = known[-1].rsplit("/", 1)[0] + "/"
        else:
            calendar_url = find_calendar_url(client, self.account)
        return Calendar.listed(client, calendar_url, self.account.url, self.name)

    def _apply(
        self,
        cal: Calendar,
        context: WriteContext,
        state: State,
        actions: list[Action],
        live: list[SinkItem],
        result: SinkResult,
    ) -> None:
        by_id = {a.session_id: a for a in actions}
        wanted = {s.id: s for s in context.sessions if s.day >= context.today}
        for item in sorted(live, key=lambda i: (i.day, i.session_id)):
            action = by_id.pop(item.session_id, None)
            self._reconcile(cal, state, item, action, wanted, context.force, result)
        for action in by_id.values():  # creates: no record yet
            assert action.session is not None
            self._create(cal, state, action.session, action.content_hash, 0, result)

    def _reconcile(
        self,
        cal: Calendar,
        state: State,
        item: SinkItem,
        action: Action | None,
        wanted: Mapping[str, Session],
        force: bool,
        result: SinkResult,
    ) -> None:
        """One recorded item against the listing and the diff's action for it."""
        remote = cal.etags.get(resource_name(item.remote_id))
        session = wanted.get(item.session_id)
        digest = action.content_hash if action is not None else item.content_hash
        when = f"{item.session_id} ({item.day:%a %Y-%m-%d})"
        if item.etag == DISMISSED or remote is None:
            if session is None:  # dropped from the plan and gone from the calendar: done
                with state.transaction():
                    state.delete_sink_item(self.name, item.session_id)
                return
            if force:
                self._create(cal, state, session, digest, item.sequence + 1, result)
                return
            if item.etag != DISMISSED:
                with state.transaction():
                    state.put_sink_item(replace(item, etag=DISMISSED))
                result.conflicts += 1
                result.messages.append(
                    f"{when}: its event was deleted in the calendar; hamsync will not "
                    "re-create it (`hamsync sync --force` brings it back)"
                )
            else:
                result.messages.append(
                    f"{when}: dismissed in the calendar, left out (--force restores it)"
                )
            return
        edited = remote != item.etag and not force
        if edited and session is not None and self._lost_answer(cal, item, session):
            # our own update whose answer was lost (a crash between PUT and record)
            self._record(state, session, item.remote_id, remote, digest, item.sequence + 1)
            result.updated += 1
            return
        if remote != item.etag and not force:
            result.conflicts += 1
            result.messages.append(
                f"{when}: its event was edited in the calendar; hamsync leaves it as it is "
                "(`hamsync sync --force` puts hamsync's version back)"
            )
            return
        try:
            if session is None:
                cal.delete(item.remote_id, remote)
                with state.transaction():
                    state.delete_sink_item(self.name, item.session_id)
                    checkpoint("sink-transaction", self.name)
                result.deleted += 1
            elif action is not None or remote != item.etag:
                sequence = item.sequence + 1
                etag = self._put(cal, item.remote_id, session, sequence, {"If-Match": remote})
                self._record(state, session, item.remote_id, etag, digest, sequence)
                result.updated += 1
        except Refused:
            result.conflicts += 1
            result.messages.append(f"{when}: changed in the calendar during the sync; left alone")

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: delete every recorded event (see :mod:`.caldav_purge`)."""
        from sync.sinks.caldav_purge import purge  # here: that module imports this one

        return purge(self, state, dry_run)

    # -- doing ---------------------------------------------------------------------------
    def _create(
        self,
        cal: Calendar,
        state: State,
        session: Session,
        digest: str,
        sequence: int,
        result: SinkResult,
    ) -> None:
        name = f"{uid_for(session.id)}.ics"
        href = cal.url + quote(name, safe="@")
        existing = cal.etags.get(name)
        # An unrecorded event at our own href is a write of ours whose answer was lost.
        condition = {"If-Match": existing} if existing else {"If-None-Match": "*"}
        try:
            etag = self._put(cal, href, session, sequence, condition)
        except Refused:
            result.conflicts += 1
            result.messages.append(f"{session.id}: an event appeared at {name}; left alone")
            return
        self._record(state, session, href, etag, digest, sequence)
        result.created += 1

    def _put(
        self, cal: Calendar, href: str, session: Session, sequence: int, condition: dict[str, str]
    ) -> str:
        body = calendar([build_event(session, sequence, self.timing)], "hamsync").to_ical()
        return cal.put(href, body, condition)

    def _lost_answer(self, cal: Calendar, item: SinkItem, session: Session) -> bool:
        """Does the event hold our next version of ``session`` (see :mod:`.caldav_adopt`)?"""
        stored = cal.get(item.remote_id)
        if stored is None:
            return False
        ours = calendar([build_event(session, item.sequence + 1, self.timing)], "hamsync")
        return same_event(stored, ours.to_ical())

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
