"""The ICS file sink: the embedded default, importable by Google, Apple and Thunderbird.

The file holds every session hamsync has written: past ones as they were (history is
never rewritten), today's and later ones as the current plan says. It is rewritten
atomically and only when its bytes change, so a sync with no new facts leaves it
byte-identical.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sync.engine.diff import ActionKind
from sync.engine.faults import checkpoint
from sync.engine.valves import checked_diff
from sync.sinks.base import SinkError, SinkResult, WriteContext
from sync.sinks.vevent import EventTiming, build_event, calendar, content_hash
from sync.store.database import SinkItem, State
from sync.store.serialize import session_body, session_from_body


class IcsFileSink:
    def __init__(self, path: Path, timing: EventTiming, calendar_name: str, name: str = "ics"):
        self.path = path
        self.timing = timing
        self.calendar_name = calendar_name
        self.name = name

    def sync(self, context: WriteContext, state: State, dry_run: bool) -> SinkResult:
        recorded, actions = checked_diff(
            self.name, context, state, lambda s: content_hash(s, self.timing)
        )
        items = dict(recorded)
        result = SinkResult()
        for action in actions:
            result.count(action.kind)
            if action.kind is ActionKind.DELETE:
                del items[action.session_id]
                continue
            assert action.session is not None
            items[action.session_id] = SinkItem(
                sink=self.name,
                session_id=action.session_id,
                day=action.session.day,
                remote_id=self.path.name,
                etag="",
                content_hash=action.content_hash,
                sequence=action.sequence,
                body=session_body(action.session),
            )
        if dry_run:
            return result
        self._write_if_changed(self.render(items.values()))
        checkpoint("sink-written", self.name)
        with state.transaction():
            for action in actions:
                if action.kind is ActionKind.DELETE:
                    state.delete_sink_item(self.name, action.session_id)
                else:
                    state.put_sink_item(items[action.session_id])
            checkpoint("sink-transaction", self.name)
        return result

    def purge(self, state: State, dry_run: bool) -> SinkResult:
        """``hamsync purge``: empty the calendar file and forget every event it held.

        The file holds only hamsync's events, so an empty calendar removes them all. It is
        kept (empty) rather than deleted: calendar apps subscribed to it then drop the events
        instead of keeping the last copy they fetched. The ICS feed renders from the same
        records, so it empties too.
        """
        recorded = state.sink_items(self.name)
        result = SinkResult(deleted=len(recorded))
        if dry_run:
            return result
        if self.path.exists():
            self._write_if_changed(self.render(()))
        with state.transaction():
            for session_id in recorded:
                state.delete_sink_item(self.name, session_id)
        return result

    def render(self, items: Iterable[SinkItem]) -> bytes:
        """The whole calendar from recorded items, ordered by day then session id."""
        ordered = sorted(items, key=lambda i: (i.day, i.session_id))
        events = [
            build_event(session_from_body(i.body), i.sequence, self.timing)
            for i in ordered
        ]
        return bytes(calendar(events, self.calendar_name).to_ical())

    def _write_if_changed(self, content: bytes) -> None:
        try:
            if self.path.read_bytes() == content:
                return
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot read the calendar file ({exc.strerror})") from exc
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".hamsync-", suffix=".ics")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                    handle.flush()
                    os.fsync(handle.fileno())
                Path(tmp).chmod(0o644)
                Path(tmp).replace(self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise SinkError(
                f"{self.path}: cannot write the calendar file ({exc.strerror})"
            ) from exc
