"""The ICS file sink: the embedded default, importable by Google, Apple and Thunderbird.

Storage (:mod:`.contract`) over one calendar file: an item is one VEVENT, its href the
event's UID, its etag a hash of the event's lines as the file holds them. The file holds
every session hamsync has written (past ones stay as they were: history is never
rewritten) and anything else put there by hand, which is kept line for line. Each write
rewrites the file atomically (a temporary file, fsync, rename) and only when its bytes
change; events are ordered by UID, so the same events always give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sync.sinks.base import SinkError
from sync.sinks.contract import AlreadyExists, Item, ItemError, NotFound, PreconditionFailed, Role
from sync.sinks.vevent import calendar

BEGIN = b"BEGIN:VEVENT\r\n"
END = b"END:VEVENT\r\n"


def _blocks(content: bytes) -> list[bytes]:
    """The VEVENT blocks of an iCalendar text, each exactly as written."""
    lines = content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").splitlines(keepends=True)
    blocks: list[bytes] = []
    current: list[bytes] | None = None
    for line in lines:
        if line == BEGIN:
            current = [line]
        elif current is not None:
            current.append(line)
            if line == END:
                blocks.append(b"".join(current))
                current = None
    return blocks


def _uid(block: bytes) -> str:
    """The UID of one VEVENT block (unfolded), "" if it has none."""
    unfolded = block.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    for line in unfolded.split(b"\r\n"):
        if line.upper().startswith(b"UID:"):
            return line[4:].decode("utf-8", "replace").strip()
    return ""


def _order(block: bytes) -> tuple[str, bytes]:
    return _uid(block), block


def _etag(block: bytes) -> str:
    return hashlib.sha256(block).hexdigest()[:32]


def join_calendar(blocks: Iterable[bytes], name: str) -> bytes:
    """One calendar named ``name`` holding ``blocks``, ordered by UID then text."""
    head = bytes(calendar([], name).to_ical())
    ordered: list[bytes] = sorted(blocks, key=_order)
    body = b"".join(ordered)
    end = b"END:VCALENDAR\r\n"
    return head[: -len(end)] + body + end


def calendar_of(items: Iterable[Item], name: str) -> bytes:
    """The calendar file of these items (the ICS feed renders the recorded items this way)."""
    return join_calendar((b for i in items for b in _blocks(i.text.encode("utf-8"))), name)


class IcsFileSink:
    """One calendar file as storage.

    ``location`` is the file's name: a folder moved with the state (a new machine, a copy)
    is still the same calendar, while a new file name in the config is a new place.
    """

    role: Role = "events"
    lists_all = True
    """``list()`` gives every event of the file, the runner's too."""

    def __init__(self, path: Path, calendar_name: str, name: str = "ics") -> None:
        self.path = path
        self.calendar_name = calendar_name
        self.name = name
        self.location = path.name

    # -- the contract -------------------------------------------------------------------
    def list(self) -> list[tuple[str, str]]:
        return sorted((uid, _etag(block)) for uid, block in self._events().items())

    def get(self, href: str) -> tuple[Item, str]:
        block = self._events().get(href)
        if block is None:
            raise NotFound(href)
        return Item(href, self._wrap(block)), _etag(block)

    def create(self, item: Item) -> tuple[str, str]:
        events = self._events()
        if item.uid in events:
            raise AlreadyExists(item.uid)
        block = self._block(item)
        events[item.uid] = block
        self._write(events)
        return item.uid, _etag(block)

    def update(self, href: str, item: Item, etag: str) -> str:
        events = self._checked(href, etag)
        events[href] = self._block(item)
        self._write(events)
        return _etag(events[href])

    def delete(self, href: str, etag: str) -> None:
        events = self._checked(href, etag)
        del events[href]
        self._write(events)

    # -- the file -------------------------------------------------------------------------
    def _checked(self, href: str, etag: str) -> dict[str, bytes]:
        events = self._events()
        if href not in events:
            raise NotFound(href)
        if _etag(events[href]) != etag:
            raise PreconditionFailed(href)
        return events

    def _block(self, item: Item) -> bytes:
        blocks = _blocks(item.text.encode("utf-8"))
        if len(blocks) != 1 or _uid(blocks[0]) != item.uid:
            raise ItemError(item.uid, f"{item.uid}: not one event with this UID; not written")
        return blocks[0]

    def _wrap(self, block: bytes) -> str:
        return join_calendar([block], self.calendar_name).decode("utf-8", "replace")

    def _events(self) -> dict[str, bytes]:
        """UID -> block of every event in the file (the last wins if a UID repeats)."""
        try:
            content = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot read the calendar file ({exc.strerror})") from exc
        return {_uid(block): block for block in _blocks(content)}

    def _write(self, events: dict[str, bytes]) -> None:
        write_if_changed(self.path, join_calendar(events.values(), self.calendar_name))


def write_if_changed(path: Path, content: bytes) -> None:
    """Replace ``path`` atomically with ``content``, unless it holds exactly that already."""
    try:
        if path.read_bytes() == content:
            return
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise SinkError(f"{path}: cannot read the calendar file ({exc.strerror})") from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".hamsync-", suffix=".ics")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).chmod(0o644)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SinkError(f"{path}: cannot write the calendar file ({exc.strerror})") from exc
