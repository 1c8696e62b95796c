"""The CalDAV sink: one VEVENT per session in the runner's own calendar.

Terms (as in vdirsyncer): an *item* is one session's event; its *href* is
``<calendar>/<UID>.ics`` (the UID ends with ``@hamsync``, so the name alone says it is
ours); its *etag* is the server's version tag, recorded after every write.

One sync:

1. The pure :func:`sync.diff.diff` says what to create, update and delete.
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

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote

from caldav.davclient import DAVClient
from caldav.response import PropfindResult

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

from ..diff import Action, ActionKind, diff
from ..faults import checkpoint
from ..serialize import session_to_json
from ..state import SinkItem, State
from ..valves import check_deletes
from .base import SinkError, SinkResult, WriteContext
from .caldav_adopt import same_event
from .vevent import EventTiming, build_event, calendar, content_hash, uid_for

DISMISSED = "!dismissed"
"""The etag recorded for an event the runner deleted: never re-created without --force."""

ICAL_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}

ClientFactory = Callable[[CalDavAccount], DAVClient]


class _Refused(Exception):
    """The server refused one conditional write (412 or 404): the item changed under us."""


@dataclass(slots=True)
class _Run:
    """One sync's connection: the client, the calendar's URL and the listing."""

    client: DAVClient
    calendar_url: str
    etags: dict[str, str]
    """resource name -> etag, for every item the listing showed with an etag."""


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
        recorded = state.sink_items(self.name)
        actions = diff(
            context.sessions, recorded, context.today, lambda s: content_hash(s, self.timing)
        )
        check_deletes(self.name, actions, recorded, context)
        live = [i for i in recorded.values() if i.day >= context.today]
        result = SinkResult()
        if not actions and not live:
            return result
        if dry_run:
            return self._dry_run(actions, recorded, context.force)
        try:
            with self.client_factory(self.account) as client:
                run = self._open(client, recorded)
                self._apply(run, context, state, actions, live, result)
        except CalDavFailure as exc:
            raise SinkError(str(exc)) from None
        except FAILURES as exc:
            wait = getattr(exc, "retry_after_seconds", None)  # caldav's RateLimitError
            raise SinkError(explain(exc, self.account), retry_after_s=wait) from None
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
            if action.kind is ActionKind.CREATE:
                result.created += 1
            elif action.kind is ActionKind.UPDATE:
                result.updated += 1
            else:
                result.deleted += 1
        return result

    def _open(self, client: DAVClient, recorded: Mapping[str, SinkItem]) -> _Run:
        """Find the calendar (from our own hrefs when we have any) and list it once."""
        known = sorted(i.remote_id for i in recorded.values() if i.remote_id)
        if known and not self.account.calendar.startswith(("https://", "http://")):
            calendar_url = known[-1].rsplit("/", 1)[0] + "/"
        else:
            calendar_url = find_calendar_url(client, self.account)
        return _Run(client, calendar_url, self._list(client, calendar_url))

    @staticmethod
    def _list(client: DAVClient, calendar_url: str) -> dict[str, str]:
        response = client.propfind(calendar_url, ["getetag"], depth=1)
        if response.status not in (200, 207):
            raise CalDavFailure(
                f"CalDAV calendar {calendar_url}: listing it answered {response.status}"
            )
        etags: dict[str, str] = {}
        for entry in response.results or []:
            if not isinstance(entry, PropfindResult):
                continue
            name = resource_name(entry.href)
            etag = entry.properties.get("{DAV:}getetag")
            # Radicale lists recently deleted items without an etag: they are not there.
            if name and etag and entry.status in (None, 200):
                etags[name] = str(etag)
        return etags

    def _apply(
        self,
        run: _Run,
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
            self._reconcile(run, state, item, action, wanted, context.force, result)
        for action in by_id.values():  # creates: no record yet
            assert action.session is not None
            self._create(run, state, action.session, action.content_hash, 0, result)

    def _reconcile(
        self,
        run: _Run,
        state: State,
        item: SinkItem,
        action: Action | None,
        wanted: Mapping[str, Session],
        force: bool,
        result: SinkResult,
    ) -> None:
        """One recorded item against the listing and the diff's action for it."""
        remote = run.etags.get(resource_name(item.remote_id))
        session = wanted.get(item.session_id)
        digest = action.content_hash if action is not None else item.content_hash
        when = f"{item.session_id} ({item.day:%a %Y-%m-%d})"
        if item.etag == DISMISSED or remote is None:
            if session is None:  # dropped from the plan and gone from the calendar: done
                with state.transaction():
                    state.delete_sink_item(self.name, item.session_id)
                return
            if force:
                self._create(run, state, session, digest, item.sequence + 1, result)
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
        if edited and session is not None and self._lost_answer(run, item, session):
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
                self._delete(run, item, remote)
                with state.transaction():
                    state.delete_sink_item(self.name, item.session_id)
                    checkpoint("sink-transaction", self.name)
                result.deleted += 1
            elif action is not None or remote != item.etag:
                sequence = item.sequence + 1
                etag = self._put(run, item.remote_id, session, sequence, {"If-Match": remote})
                self._record(state, session, item.remote_id, etag, digest, sequence)
                result.updated += 1
        except _Refused:
            result.conflicts += 1
            result.messages.append(f"{when}: changed in the calendar during the sync; left alone")

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: delete every recorded event (see :mod:`.caldav_purge`)."""
        from .caldav_purge import purge  # here: that module imports this one

        return purge(self, state, dry_run)

    # -- doing ---------------------------------------------------------------------------
    def _create(
        self,
        run: _Run,
        state: State,
        session: Session,
        digest: str,
        sequence: int,
        result: SinkResult,
    ) -> None:
        name = f"{uid_for(session.id)}.ics"
        href = run.calendar_url + quote(name, safe="@")
        existing = run.etags.get(name)
        # An unrecorded event at our own href is a write of ours whose answer was lost.
        condition = {"If-Match": existing} if existing else {"If-None-Match": "*"}
        try:
            etag = self._put(run, href, session, sequence, condition)
        except _Refused:
            result.conflicts += 1
            result.messages.append(f"{session.id}: an event appeared at {name}; left alone")
            return
        self._record(state, session, href, etag, digest, sequence)
        result.created += 1

    def _put(
        self, run: _Run, href: str, session: Session, sequence: int, condition: dict[str, str]
    ) -> str:
        body = calendar([build_event(session, sequence, self.timing)], "hamsync").to_ical()
        response = run.client.put(href, body.decode("utf-8"), {**ICAL_HEADERS, **condition})
        if response.status in (404, 409, 412):
            raise _Refused
        if response.status not in (200, 201, 204):
            raise CalDavFailure(
                f"CalDAV server {self.account.url}: writing {resource_name(href)} answered "
                f"{response.status}; the next sync retries"
            )
        checkpoint("sink-written", self.name)
        etag = response.headers.get("ETag") if response.headers else None
        return str(etag) if etag else self._etag_of(run, href)

    def _lost_answer(self, run: _Run, item: SinkItem, session: Session) -> bool:
        """Does the event hold our next version of ``session`` (see :mod:`.caldav_adopt`)?"""
        response = run.client.request(item.remote_id, "GET")
        if response.status != 200:
            return False
        ours = calendar([build_event(session, item.sequence + 1, self.timing)], "hamsync")
        return same_event(response.raw, ours.to_ical())

    def _etag_of(self, run: _Run, href: str) -> str:
        """Servers that change what they store send no ETag with the PUT: ask for it."""
        response = run.client.propfind(href, ["getetag"], depth=0)
        for entry in response.results or []:
            if not isinstance(entry, PropfindResult):
                continue
            etag = entry.properties.get("{DAV:}getetag")
            if etag:
                return str(etag)
        return ""

    def _delete(self, run: _Run, item: SinkItem, etag: str) -> None:
        response = run.client.delete(item.remote_id, {"If-Match": etag})
        if response.status == 412:
            raise _Refused
        if response.status not in (200, 204, 404):
            raise CalDavFailure(
                f"CalDAV server {self.account.url}: deleting {resource_name(item.remote_id)} "
                f"answered {response.status}; the next sync retries"
            )
        checkpoint("sink-written", self.name)

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
                    body=json.dumps(session_to_json(session), sort_keys=True),
                )
            )
            checkpoint("sink-transaction", self.name)
