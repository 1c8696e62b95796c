"""The one contract test class every sink passes (:mod:`sync.sinks.contract`).

A sink's test module subclasses :class:`SinkContract` and provides the ``sink`` fixture (a
fresh, empty sink) and, when its items are not calendar events, :meth:`SinkContract.item`.
Etags are compared only for equality, as the contract says.
"""

from __future__ import annotations

import pytest
from icalendar import Calendar

from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed, Storage


def event_text(uid: str, summary: str) -> str:
    """A minimal valid iCalendar document with one timed VEVENT."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hamsync//contract test//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261125T000000Z\r\n"
        "DTSTART:20261127T170000Z\r\nDTEND:20261127T172000Z\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


class SinkContract:
    """Create, get, list, update and delete under etag preconditions, and their errors."""

    def item(self, uid: str, version: int) -> Item:
        """Item ``uid`` in its ``version``-th content (calendar events by default)."""
        return Item(uid, event_text(uid, f"Hamstrings v{version}"))

    def same_content(self, a: Item, b: Item) -> bool:
        """Whether two items say the same (servers may re-serialise what they store)."""
        return bool(_summary(a.text) == _summary(b.text))

    def uid(self, n: int) -> str:
        return f"2026-W48-{n}.c0ffee00c0ffee00@hamsync"

    def test_create_then_get_and_list(self, sink: Storage) -> None:
        """A created item reads back with the etag create gave, and is listed with it."""
        item = self.item(self.uid(1), 1)
        href, etag = sink.create(item)
        stored, got_etag = sink.get(href)
        assert self.same_content(stored, item)
        assert got_etag == etag
        assert (href, etag) in list(sink.list())

    def test_create_twice_is_already_exists(self, sink: Storage) -> None:
        """A second create of the same uid writes nothing and names the href taken."""
        href, etag = sink.create(self.item(self.uid(1), 1))
        with pytest.raises(AlreadyExists) as caught:
            sink.create(self.item(self.uid(1), 2))
        assert caught.value.href == href
        stored, still = sink.get(href)
        assert self.same_content(stored, self.item(self.uid(1), 1)) and still == etag

    def test_update_with_the_etag_changes_it(self, sink: Storage) -> None:
        """An update under the current etag stores the new content and gives a new etag."""
        href, etag = sink.create(self.item(self.uid(1), 1))
        new = sink.update(href, self.item(self.uid(1), 2), etag)
        assert new != etag
        stored, got = sink.get(href)
        assert self.same_content(stored, self.item(self.uid(1), 2)) and got == new

    def test_update_with_a_stale_etag_fails_and_keeps_the_item(self, sink: Storage) -> None:
        """An update under an old etag is refused; what is stored stays as it is."""
        href, first = sink.create(self.item(self.uid(1), 1))
        second = sink.update(href, self.item(self.uid(1), 2), first)
        with pytest.raises(PreconditionFailed):
            sink.update(href, self.item(self.uid(1), 3), first)
        stored, etag = sink.get(href)
        assert self.same_content(stored, self.item(self.uid(1), 2)) and etag == second

    def test_delete_needs_the_etag_and_then_it_is_gone(self, sink: Storage) -> None:
        """Delete under a stale etag is refused; under the right one the item goes."""
        href, first = sink.create(self.item(self.uid(1), 1))
        current = sink.update(href, self.item(self.uid(1), 2), first)
        with pytest.raises(PreconditionFailed):
            sink.delete(href, first)
        sink.delete(href, current)
        assert href not in dict(sink.list())
        with pytest.raises(NotFound):
            sink.get(href)
        with pytest.raises(NotFound):
            sink.delete(href, current)
        with pytest.raises(NotFound):
            sink.update(href, self.item(self.uid(1), 3), current)

    def test_items_are_independent(self, sink: Storage) -> None:
        """Writing one item never changes another's content or etag."""
        a, etag_a = sink.create(self.item(self.uid(1), 1))
        b, etag_b = sink.create(self.item(self.uid(2), 1))
        assert a != b
        sink.update(b, self.item(self.uid(2), 2), etag_b)
        sink.delete(b, dict(sink.list())[b])
        stored, etag = sink.get(a)
        assert self.same_content(stored, self.item(self.uid(1), 1)) and etag == etag_a
        assert set(dict(sink.list())) >= {a}


def _summary(text: str) -> object:
    events = list(Calendar.from_ical(text).walk("VEVENT"))
    return [(str(e["UID"]), str(e["SUMMARY"])) for e in events]
