"""The Google Calendar sink: :class:`connectors.google.storage.GoogleCalendarStorage` as a
storage of the sink contract (:mod:`sync.sinks.contract`, role ``events``).

The write-back executor decides, records and adopts; this adapter only translates: items to
and from the connector's, its refusals to the contract's (:class:`PreconditionFailed`,
:class:`NotFound`, :class:`AlreadyExists`), and every other failure of Google (a revoked
grant naming `hamsync login google`, a quota answer or a 5xx with the wait Google asked for)
to a :class:`~sync.sinks.base.SinkError` for the whole sink.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal

from connectors.google import errors as google_errors
from connectors.google.storage import GoogleCalendarStorage
from connectors.google.storage import Item as GoogleItem
from sync.sinks.base import SinkError
from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except google_errors.PreconditionFailed as exc:
        raise PreconditionFailed(exc.href, str(exc)) from None
    except google_errors.AlreadyExists as exc:
        raise AlreadyExists(exc.href, str(exc)) from None
    except google_errors.NotFound as exc:
        raise NotFound(exc.href, str(exc)) from None
    except google_errors.GoogleError as exc:
        raise SinkError.from_source(exc) from None


class GoogleEventSink:
    """Sessions as events in one Google calendar (see :mod:`connectors.google.storage`)."""

    role: Literal["events"] = "events"

    def __init__(self, storage: GoogleCalendarStorage, name: str = "google") -> None:
        self.storage = storage
        self.name = name

    @property
    def location(self) -> str:
        return self.storage.location

    def list(self) -> list[tuple[str, str]]:
        with _translated():
            return list(self.storage.list())

    def get(self, href: str) -> tuple[Item, str]:
        with _translated():
            item, etag = self.storage.get(href)
        return Item(item.uid, item.text), etag

    def create(self, item: Item) -> tuple[str, str]:
        with _translated():
            return self.storage.create(GoogleItem(item.uid, item.text))

    def update(self, href: str, item: Item, etag: str) -> str:
        with _translated():
            return self.storage.update(href, GoogleItem(item.uid, item.text), etag)

    def delete(self, href: str, etag: str) -> None:
        with _translated():
            self.storage.delete(href, etag)
