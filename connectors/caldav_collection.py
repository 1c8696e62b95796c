"""One CalDAV calendar collection, request by request: the protocol side of the CalDAV sink.

Servers differ in ways that must never look like a runner's edit or delete:

- a listing (PROPFIND depth 1) may carry no ``getetag`` at all (SmarterMail, Kerio Connect;
  RFC 4791 5.3.4 requires it): a member listed without one is still there, and its etag
  is asked for on its own (PROPFIND depth 0, then the ``ETag`` of a GET);
- the same version may be spelled weak (``W/"x"``), quoted (``"x"``) or bare (``x``) in a
  listing, a PUT answer and a GET answer: :func:`normal_etag` gives one spelling, and
  conditions are sent in it (RFC 7232 compares ``If-Match`` strongly);
- a PUT may be answered without an ``ETag`` (the server changed what it stores): it is
  asked for.

Every write is conditional; the answer is a :class:`Answer` the sink maps onto the storage
contract. Unexpected answers and network failures are :class:`CalDavFailure` /
:data:`~connectors.caldav_calendar.FAILURES` for the caller to explain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote

from caldav.davclient import DAVClient
from caldav.response import PropfindResult

from .caldav_calendar import CalDavFailure, resource_name

ICAL_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}
LISTING_FIXES = {
    401: "check `username`, and store the right password (`hamsync secret set "
    "caldav.password` or HAMSYNC_CALDAV_PASSWORD); iCloud and Fastmail need an app password",
    403: "check `calendar`: a calendar of this user, by its name or full URL",
    404: "check `calendar`: no calendar at that URL (use its name, or copy its URL from your "
    "calendar app)",
}
"""What the runner changes when listing the calendar is refused, by HTTP status."""


class Answer(Enum):
    """How the server answered one conditional request."""

    DONE = "done"
    CHANGED = "changed"
    """412: the condition failed (the item has another etag, or exists for ``If-None-Match``)."""
    GONE = "gone"
    """404 (or 410): no item there."""
    TAKEN = "taken"
    """409 on a create: the calendar holds an event with this UID at another href."""


def normal_etag(etag: str | None) -> str:
    """One spelling for one version: strong and quoted (``W/"x"``, ``"x"``, ``x`` -> ``"x"``)."""
    if not etag:
        return ""
    bare = etag.strip()
    if bare[:2] in ("W/", "w/"):
        bare = bare[2:]
    return f'"{bare.strip(chr(34))}"'


@dataclass(slots=True)
class Collection:
    """A calendar collection at ``url`` on a connected client; ``server`` names it in messages."""

    client: DAVClient
    url: str
    server: str

    def href_for(self, uid: str) -> str:
        """Where an event with this UID is created: ``<collection>/<UID>.ics``."""
        return self.url + quote(f"{uid}.ics", safe="@")

    def listing(self) -> list[tuple[str, str]]:
        """``(href, etag)`` of every member; etags the listing left out are asked one by one."""
        return list(self.members())

    def members(self) -> Iterator[tuple[str, str]]:
        """:meth:`listing` in href order, one member at a time: an etag the listing left out
        is asked only when its member is reached (so "is there anything?" costs one request)."""
        response = self.client.propfind(self.url, ["getetag"], depth=1)
        if response.status not in (200, 207):
            raise CalDavFailure(
                f"CalDAV calendar {self.url}: listing it answered {response.status}",
                LISTING_FIXES.get(response.status, ""),
            )
        listed: list[tuple[str, str]] = []
        for entry in response.results or []:
            if not isinstance(entry, PropfindResult) or not resource_name(entry.href):
                continue
            if entry.status not in (None, 200):
                continue
            etag = normal_etag(entry.properties.get("{DAV:}getetag"))
            listed.append((self._absolute(entry.href), etag))
        for href, etag in sorted(listed):
            if not etag:
                etag = self.etag_of(href)  # listed without one: still there, ask for it
                if not etag:
                    continue  # gone by now (Radicale lists items it just deleted)
            yield href, etag

    def get(self, href: str) -> tuple[str, str] | None:
        """``(text, etag)`` of the event at ``href``, None when there is none."""
        response = self.client.request(href, "GET")
        if response.status in (404, 410):
            return None
        if response.status != 200:
            raise CalDavFailure(
                f"CalDAV server {self.server}: reading {resource_name(href)} answered "
                f"{response.status}; the next sync retries"
            )
        raw = response.raw
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        etag = normal_etag(_header(response, "ETag")) or self.etag_of(href)
        return text, etag

    def put(self, href: str, body: str, condition: dict[str, str]) -> tuple[Answer, str]:
        """Write one event under ``condition``; the answer and, when done, the new etag."""
        response = self.client.put(href, body, {**ICAL_HEADERS, **condition})
        create = "If-None-Match" in condition
        refused = self._refused(response.status, href, "writing", create)
        if refused is not None:
            return refused, ""
        etag = normal_etag(_header(response, "ETag")) or self.etag_of(href)
        return Answer.DONE, etag

    def delete(self, href: str, etag: str) -> Answer:
        """Delete the event at ``href`` if it still has ``etag``."""
        response = self.client.delete(href, {"If-Match": etag})
        return self._refused(response.status, href, "deleting") or Answer.DONE

    def etag_of(self, href: str) -> str:
        """The etag of one member: PROPFIND depth 0, else a GET's header; "" when it is gone."""
        response = self.client.propfind(href, ["getetag"], depth=0)
        if response.status in (404, 410):
            return ""
        for entry in response.results or []:
            if isinstance(entry, PropfindResult):
                etag = normal_etag(entry.properties.get("{DAV:}getetag"))
                if etag:
                    return etag
        # GET, not HEAD: Xandikos answers a HEAD of a missing member with a 404 *and a body*,
        # which leaves the kept-alive connection out of step (the next request then fails)
        got = self.client.request(href, "GET")
        return normal_etag(_header(got, "ETag")) if got.status == 200 else ""

    def _refused(self, status: int, href: str, doing: str, create: bool = False) -> Answer | None:
        if status in (200, 201, 204):
            return None
        if status == 412:
            return Answer.CHANGED
        if status in (404, 410):
            return Answer.GONE
        if status == 409 and create:
            return Answer.TAKEN
        raise CalDavFailure(
            f"CalDAV server {self.server}: {doing} {resource_name(href)} answered {status}; "
            "the next sync retries"
        )

    def _absolute(self, href: str) -> str:
        if href.startswith(("http://", "https://")):
            return href
        scheme, _, rest = self.url.partition("://")
        host = rest.split("/", 1)[0]
        return f"{scheme}://{host}{href}"


def _header(response: object, name: str) -> str | None:
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get(name)
    return str(value) if value else None
