"""The requests the CalDAV sink sends, on one calendar, during one sync.

Every write is conditional (``If-Match`` / ``If-None-Match``); a refused condition is
:class:`Refused` (the item changed under us), any other unexpected answer a
:class:`~connectors.caldav_calendar.CalDavFailure` saying the next sync retries.
"""

from __future__ import annotations

from dataclasses import dataclass

from caldav.davclient import DAVClient
from caldav.response import PropfindResult

from connectors.caldav_calendar import CalDavFailure, resource_name
from sync.engine.faults import checkpoint

ICAL_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}


class Refused(Exception):
    """The server refused one conditional write (412 or 404): the item changed under us."""


@dataclass(slots=True)
class Calendar:
    """One sync's connection: the client, the calendar's URL and its listing."""

    client: DAVClient
    url: str
    etags: dict[str, str]
    """resource name -> etag, for every item the listing showed with an etag."""
    server: str
    """The server's URL, for messages."""
    sink: str
    """The sink's name, for the crash-safety checkpoints."""

    @classmethod
    def listed(cls, client: DAVClient, url: str, server: str, sink: str) -> Calendar:
        """The calendar at ``url`` with its listing: ONE PROPFIND, depth 1, ``getetag``."""
        response = client.propfind(url, ["getetag"], depth=1)
        if response.status not in (200, 207):
            raise CalDavFailure(f"CalDAV calendar {url}: listing it answered {response.status}")
        etags: dict[str, str] = {}
        for entry in response.results or []:
            if not isinstance(entry, PropfindResult):
                continue
            name = resource_name(entry.href)
            etag = entry.properties.get("{DAV:}getetag")
            # Radicale lists recently deleted items without an etag: they are not there.
            if name and etag and entry.status in (None, 200):
                etags[name] = str(etag)
        return cls(client, url, etags, server, sink)

    def put(self, href: str, body: bytes, condition: dict[str, str]) -> str:
        """Write one event under ``condition``; its new etag."""
        response = self.client.put(href, body.decode("utf-8"), {**ICAL_HEADERS, **condition})
        if response.status in (404, 409, 412):
            raise Refused
        if response.status not in (200, 201, 204):
            raise CalDavFailure(
                f"CalDAV server {self.server}: writing {resource_name(href)} answered "
                f"{response.status}; the next sync retries"
            )
        checkpoint("sink-written", self.sink)
        etag = response.headers.get("ETag") if response.headers else None
        return str(etag) if etag else self.etag_of(href)

    def get(self, href: str) -> str | None:
        """The event as stored, or None when it cannot be read."""
        response = self.client.request(href, "GET")
        return response.raw if response.status == 200 else None

    def etag_of(self, href: str) -> str:
        """Servers that change what they store send no ETag with the PUT: ask for it."""
        response = self.client.propfind(href, ["getetag"], depth=0)
        for entry in response.results or []:
            if not isinstance(entry, PropfindResult):
                continue
            etag = entry.properties.get("{DAV:}getetag")
            if etag:
                return str(etag)
        return ""

    def delete(self, href: str, etag: str) -> None:
        """Delete one event if it still has ``etag`` (gone already is fine)."""
        response = self.client.delete(href, {"If-Match": etag})
        if response.status == 412:
            raise Refused
        if response.status not in (200, 204, 404):
            raise CalDavFailure(
                f"CalDAV server {self.server}: deleting {resource_name(href)} "
                f"answered {response.status}; the next sync retries"
            )
        checkpoint("sink-written", self.sink)
