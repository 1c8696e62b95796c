"""The CalDAV sink: one VEVENT per session in the runner's own calendar, as storage.

The storage contract (:mod:`.contract`) over one calendar collection
(:mod:`connectors.caldav_collection` speaks the protocol): an item's href is
``<calendar>/<UID>.ics``, its etag the server's, normalised to one spelling. The calendar is
looked up by its configured display name (or taken as the configured URL) once per sync, so
a changed ``calendar`` in the config, or a calendar deleted and re-created under the same
name, is where the next write goes; ``location`` is that calendar's URL.

Creates carry ``If-None-Match: *``, updates and deletes ``If-Match`` with the recorded etag:
the server refuses a write to an event that changed, and the executor
(:mod:`sync.engine.writeback`) decides on content what that change was. Only hrefs the
executor hands over (recorded ones, or the exact href of a session being created) are ever
sent a request: the runner's own events are never read, written or deleted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from types import TracebackType

from caldav.davclient import DAVClient

from connectors.caldav_calendar import (
    FAILURES,
    CalDavAccount,
    CalDavFailure,
    connect,
    explain,
    find_calendar_url,
    fix_for,
)
from connectors.caldav_collection import Answer, Collection, normal_etag
from sync.sinks.base import SinkError
from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed, Role

ClientFactory = Callable[[CalDavAccount], DAVClient]


@contextlib.contextmanager
def as_sink_error(account: CalDavAccount) -> Iterator[None]:
    """The server's and the network's failures as a :class:`SinkError` that says what to do."""
    try:
        yield
    except CalDavFailure as exc:
        raise SinkError(str(exc), fix=exc.fix) from None
    except FAILURES as exc:
        wait = getattr(exc, "retry_after_seconds", None)  # caldav's RateLimitError
        raise SinkError(
            explain(exc, account), retry_after_s=wait, fix=fix_for(exc, account)
        ) from None


class CalDavSink:
    """A CalDAV calendar as storage; open it with ``with`` (one connection per sync)."""

    role: Role = "events"
    lists_all = True
    """``list()`` gives every event of the calendar, the runner's too."""

    def __init__(
        self, account: CalDavAccount, name: str = "caldav", client_factory: ClientFactory = connect
    ) -> None:
        self.account = account
        self.name = name
        self.client_factory = client_factory
        self._client: DAVClient | None = None
        self._collection: Collection | None = None

    def __enter__(self) -> CalDavSink:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._client is not None:
            self._client.close()
        self._client = self._collection = None

    @property
    def calendar(self) -> Collection:
        """The configured calendar, found on first use (by name, or its configured URL)."""
        if self._collection is None:
            with as_sink_error(self.account):
                client = self._client or self.client_factory(self.account)
                self._client = client
                url = find_calendar_url(client, self.account)
                self._collection = Collection(client, url, self.account.url)
        return self._collection

    @property
    def location(self) -> str:
        return self.calendar.url

    # -- the contract -------------------------------------------------------------------
    def list(self) -> Iterator[tuple[str, str]]:
        """Every event of the calendar, in href order, read as far as it is consumed."""
        with as_sink_error(self.account):
            yield from self.calendar.members()

    def get(self, href: str) -> tuple[Item, str]:
        with as_sink_error(self.account):
            found = self.calendar.get(href)
        if found is None:
            raise NotFound(href)
        text, etag = found
        return Item(_uid_of(text), text), etag

    def create(self, item: Item) -> tuple[str, str]:
        href = self.calendar.href_for(item.uid)
        with as_sink_error(self.account):
            answer, etag = self.calendar.put(href, item.text, {"If-None-Match": "*"})
        if answer is Answer.CHANGED:
            raise AlreadyExists(href)
        if answer is Answer.TAKEN:
            raise AlreadyExists(href, f"{href}: the calendar holds an event with this UID")
        if answer is Answer.GONE:
            raise SinkError(f"CalDAV calendar {self.calendar.url} is gone; the next sync looks "
                            f"for {self.account.calendar!r} again")  # fmt: skip
        return href, etag

    def update(self, href: str, item: Item, etag: str) -> str:
        with as_sink_error(self.account):
            answer, new = self.calendar.put(href, item.text, {"If-Match": normal_etag(etag)})
        self._check(answer, href)
        return new

    def delete(self, href: str, etag: str) -> None:
        with as_sink_error(self.account):
            answer = self.calendar.delete(href, normal_etag(etag))
        self._check(answer, href)

    def _check(self, answer: Answer, href: str) -> None:
        """The contract's error for a refused write; a 412 for an item that is not there at
        all (RFC 7232 answers If-Match on a missing resource with 412) is NotFound."""
        if answer is Answer.CHANGED:
            with as_sink_error(self.account):
                gone = not self.calendar.etag_of(href)
            raise NotFound(href) if gone else PreconditionFailed(href)
        if answer is Answer.GONE:
            raise NotFound(href)


def _uid_of(text: str) -> str:
    for line in text.replace("\r\n ", "").splitlines():
        if line.upper().startswith("UID:"):
            return line[4:].strip()
    return ""
