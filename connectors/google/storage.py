"""hamsync's events in one Google calendar, as a storage in the style of vdirsyncer's Storage.

Terms, defined once (the same as the sink contract's):

- an *item* is one session's event: its ``uid`` (its identity, unique to the install) and
  its ``text``, an iCalendar document holding one VEVENT (see :mod:`.event_map` for how it
  travels as a Google event resource);
- its *href* is the Google event id, assigned by Google when the item is created;
- its *etag* is Google's ``etag`` of the event, which changes with every change to it,
  whoever makes it.

The storage holds only events this install wrote (their private extended property
``hamsyncInstall`` names it): :meth:`list` shows nothing else, and the runner's own events are
never read, changed or deleted. Writes are conditional: :meth:`create` refuses a second event
for a uid it already holds (:class:`~.errors.AlreadyExists`, carrying its href);
:meth:`update` and :meth:`delete` send ``If-Match`` with the etag given and raise
:class:`~.errors.PreconditionFailed` when the event changed since; a missing or deleted event
is :class:`~.errors.NotFound`. Every other failure is a :class:`~.errors.GoogleError` that
says what to do. The storage never sees hamsync's state database; between syncs it keeps only
its listing (:mod:`.listing`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .api import create_calendar, execute, find_calendar
from .errors import AlreadyExists, GoogleError, NotFound, PreconditionFailed
from .event_map import UID_KEY, owned_by, private_of, to_ics, to_resource
from .listing import Listing, ListingCache

PAGE_SIZE = 2500
"""Google's largest page of events (``maxResults``)."""
MAX_PAGES = 200
"""A budget: half a million events in one calendar is not a calendar a runner keeps."""


@dataclass(frozen=True, slots=True)
class Item:
    """One event as the storage takes and gives it: ``uid`` and iCalendar ``text``."""

    uid: str
    text: str


class GoogleCalendarStorage:
    """The events hamsync wrote into the calendar ``calendar`` (a name or an id).

    ``service`` builds the Calendar v3 client on first use (an idle sync that needs no
    request builds none). With ``create``, a calendar of that name that does not exist is
    created (scope ``calendar.app.created``) with the runner's ``time_zone``.
    """

    role: Literal["events"] = "events"

    def __init__(
        self,
        service: Callable[[], Any],
        calendar: str,
        install_id: str,
        cache: ListingCache,
        create: bool = False,
        time_zone: str = "UTC",
        name: str = "google",
    ) -> None:
        self._service_factory = service
        self._service: Any = None
        self.calendar = calendar
        self.install_id = install_id
        self.cache = cache
        self.create_calendar = create
        self.time_zone = time_zone
        self.name = name
        self._calendar_id: str | None = None
        self._listing: Listing | None = None
        """What this storage knows of the calendar in this sync (listing plus own writes)."""

    @property
    def location(self) -> str:
        """Where the items go: the calendar as configured."""
        return f"Google calendar {self.calendar}"

    # -- plumbing ------------------------------------------------------------------------
    @property
    def service(self) -> Any:
        if self._service is None:
            self._service = self._service_factory()
        return self._service

    def calendar_id(self) -> str:
        """The calendar's id: from the listing file, the id configured, or a lookup by name."""
        if self._calendar_id is None:
            kept = self.cache.load(self.calendar)
            self._calendar_id = kept.calendar_id if kept else self._resolve()
        return self._calendar_id

    def _resolve(self) -> str:
        try:
            return find_calendar(self.service, self.calendar)
        except GoogleError:
            if not self.create_calendar:
                raise
        return create_calendar(self.service, self.calendar, self.time_zone)

    def _events(self) -> Any:
        return self.service.events()

    # -- the storage ---------------------------------------------------------------------
    def list(self) -> Iterator[tuple[str, str]]:
        """(href, etag) of every event of this install, in href order.

        One list request when nothing changed since the last listing (``syncToken``); a
        full listing, page by page, the first time or when Google expired the token (410).
        """
        kept = self.cache.load(self.calendar)
        listing: Listing | None = None
        if kept is not None and kept.sync_token:
            self._calendar_id = kept.calendar_id
            try:
                listing = self._listed(kept, kept.sync_token)
            except NotFound:  # 410: the token expired; start over
                listing = None
        if listing is None:
            try:
                listing = self._listed(Listing(self.calendar, self.calendar_id()), None)
            except NotFound:
                self.cache.forget()  # the next sync looks the calendar up again
                self._calendar_id = None
                raise GoogleError(
                    f"Google Calendar: the calendar {self.calendar!r} is gone (deleted, or no "
                    "longer shared with you)",
                    fix="create it again (the next sync finds it by name) or set "
                    "[sinks.google] calendar to another one",
                ) from None
        self.cache.save(listing)
        self._listing = listing
        yield from sorted(listing.etags.items())

    def _listed(self, listing: Listing, sync_token: str | None) -> Listing:
        etags = dict(listing.etags) if sync_token else {}
        uids = dict(listing.uids) if sync_token else {}
        page: str | None = None
        where = f"listing calendar {self.calendar!r}"
        for _ in range(MAX_PAGES):
            answer = execute(
                self._events().list(
                    calendarId=listing.calendar_id,
                    syncToken=sync_token,
                    pageToken=page,
                    maxResults=PAGE_SIZE,
                    showDeleted=True if sync_token else None,
                ),
                where,
            )
            for event in answer.get("items", []):
                href = str(event.get("id", ""))
                if event.get("status") != "cancelled" and owned_by(event, self.install_id):
                    etags[href] = str(event.get("etag", ""))
                    uids[href] = private_of(event).get(UID_KEY, "")
                else:
                    etags.pop(href, None)
                    uids.pop(href, None)
            page = answer.get("nextPageToken")
            if not page:
                token = answer.get("nextSyncToken")
                return Listing(listing.calendar, listing.calendar_id, token, etags, uids)
        raise GoogleError(f"Google Calendar: {where}: more than {MAX_PAGES} pages; not read")

    def _known(self) -> Listing:
        if self._listing is None:
            for _ in self.list():
                pass
        assert self._listing is not None
        return self._listing

    def get(self, href: str) -> tuple[Item, str]:
        """(item, etag) of the event ``href``; :class:`NotFound` when it is gone or not ours."""
        event = execute(
            self._events().get(calendarId=self.calendar_id(), eventId=href),
            f"reading event {href}",
            href,
        )
        if event.get("status") == "cancelled" or not owned_by(event, self.install_id):
            raise NotFound(href, f"event {href}: deleted, or not written by this install")
        item = Item(private_of(event).get(UID_KEY, ""), to_ics(event).decode("utf-8"))
        return item, str(event.get("etag", ""))

    def create(self, item: Item) -> tuple[str, str]:
        """Insert a new event for ``item``; (href, etag). Nobody is notified.

        :class:`AlreadyExists` (with its href) when this install already has an event with
        that uid: a create whose answer was lost, which the caller may adopt.
        """
        known = self._known()
        for href, uid in known.uids.items():
            if uid == item.uid:
                raise AlreadyExists(href, f"an event for {item.uid} exists already ({href})")
        event = execute(
            self._events().insert(
                calendarId=self.calendar_id(),
                body=to_resource(item.text, item.uid, self.install_id),
                sendUpdates="none",
            ),
            "creating an event",
        )
        href, etag = str(event["id"]), str(event.get("etag", ""))
        known.etags[href], known.uids[href] = etag, item.uid
        return href, etag

    def update(self, href: str, item: Item, etag: str) -> str:
        """Replace what hamsync wrote in ``href`` if its etag is still ``etag``; the new etag.

        :class:`PreconditionFailed` when it changed, :class:`NotFound` when it was deleted
        (Google keeps deleted events, so a refused update is checked once more to tell).
        """
        try:
            event = execute(
                self._events().patch(
                    calendarId=self.calendar_id(),
                    eventId=href,
                    body=to_resource(item.text, item.uid, self.install_id),
                    sendUpdates="none",
                ),
                f"updating event {href}",
                href,
                {"If-Match": etag},
            )
        except PreconditionFailed:
            self.get(href)  # NotFound when it was deleted meanwhile
            raise
        new = str(event.get("etag", ""))
        if self._listing is not None:
            self._listing.etags[href] = new
        return new

    def delete(self, href: str, etag: str) -> None:
        """Delete ``href`` if its etag is still ``etag``; :class:`NotFound` if already gone."""
        execute(
            self._events().delete(calendarId=self.calendar_id(), eventId=href, sendUpdates="none"),
            f"deleting event {href}",
            href,
            {"If-Match": etag},
        )
        if self._listing is not None:
            self._listing.etags.pop(href, None)
            self._listing.uids.pop(href, None)
