"""The intervals.icu sink as storage (:mod:`.contract`), with the renderer of its items.

Items have role ``workouts``: each is one session's ``WeightTraining`` workout event on the
intervals.icu calendar, its text the event as JSON (:class:`IntervalsRenderer`): uid, install
id, day, name, description (exercises, doses, cues), minutes. The protocol, the marker that
makes an event hamsync's and the content-hash etags are in
:mod:`connectors.intervals.storage`; this adapter maps them onto the contract's items and
errors, and turns the client's failures into a :class:`~sync.sinks.base.SinkError` (a 401
naming the key, a 429 with its wait).

intervals.icu has no conditional requests, so preconditions are checked against the event as
last read: one listing of the weeks around a written day serves every write of a sync
(open the sink with ``with``, one sync), other hrefs are read just before the write.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any

from connectors.base import SourceError
from connectors.intervals import storage as protocol
from connectors.intervals.client import IntervalsClient
from connectors.intervals.storage import EventItem, IntervalsCalendar
from planner.models import Session
from sync.sinks.base import SinkError
from sync.sinks.contract import AlreadyExists, Item, NotFound, PreconditionFailed, Role
from sync.sinks.event_text import description, summary
from sync.sinks.vevent import uid_for

LISTED_BEFORE_DAYS = 7
LISTED_AFTER_DAYS = 14
"""A write lists the calendar from a week before the item's day to two weeks after, once per
sync (hamsync default: the plan's horizon is 14 days). For a session from today on, those
days lie inside the look-ahead's calendar read of the same sync (a week back, the horizon
and a few days ahead), which the client reuses: a sync that writes costs no extra listing."""


@contextlib.contextmanager
def as_sink_error() -> Iterator[None]:
    """The client's failures as a SinkError; the protocol's item errors as the contract's."""
    try:
        yield
    except SourceError as exc:
        raise SinkError.from_source(exc) from None
    except protocol.AlreadyExists as exc:
        raise AlreadyExists(exc.href, str(exc)) from None
    except protocol.PreconditionFailed as exc:
        raise PreconditionFailed(exc.href, str(exc)) from None
    except protocol.NotFound as exc:
        raise NotFound(exc.href, str(exc)) from None


def to_text(event: EventItem, install: str) -> str:
    body = {
        "uid": event.uid, "install": install, "day": event.day.isoformat(), "name": event.name,
        "description": event.description.rstrip(), "minutes": event.minutes,
    }  # fmt: skip
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def from_text(text: str) -> tuple[EventItem, str]:
    """The event an item's text describes and the install id it carries; ValueError."""
    try:
        body: Any = json.loads(text)
        event = EventItem(
            str(body["uid"]), date.fromisoformat(body["day"]), str(body["name"]),
            str(body["description"]), int(body["minutes"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        raise ValueError(f"not an intervals.icu item: {exc}") from None
    return event, str(body.get("install") or "")


def install_of(uid: str) -> str:
    """The install id in a uid ``<session id>.<install id>@hamsync`` ("" when it has none)."""
    head = uid.removesuffix("@hamsync")
    return head.rsplit(".", 1)[1] if "." in head else ""


@dataclass(frozen=True, slots=True)
class IntervalsRenderer:
    """Renders sessions as intervals.icu workout items for one install."""

    install: str
    minutes: int = 20
    slider: bool = True

    def uid(self, session_id: str) -> str:
        return uid_for(session_id, self.install)

    def event(self, session: Session, uid: str) -> EventItem:
        return EventItem(
            uid, session.day, summary(session), description(session, towel=not self.slider),
            self.minutes,
        )  # fmt: skip

    def digest(self, session: Session) -> str:
        """What the event says, without uid or install id: the diff's key."""
        text = to_text(self.event(session, ""), "")
        return hashlib.sha256(text.encode()).hexdigest()

    def render(self, session: Session, sequence: int, uid: str) -> Item:
        del sequence  # intervals.icu events carry no sequence
        return Item(uid, to_text(self.event(session, uid), self.install))

    def same(self, a: Item, b: Item) -> bool:
        try:
            return from_text(a.text)[0] == from_text(b.text)[0]
        except ValueError:
            return False

    def owner(self, item: Item) -> str:
        try:
            return from_text(item.text)[1]
        except ValueError:
            return ""


class IntervalsStorage:
    """hamsync's workout events on one athlete's intervals.icu calendar, as storage."""

    role: Role = "workouts"

    def __init__(
        self, client: IntervalsClient, name: str = "intervals",
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:  # fmt: skip
        self.client = client
        self.name = name
        self.today = today
        """The runner's today (their time zone), for :meth:`list`'s window."""
        self.location = f"{client.base_url}/athlete/{client.account.athlete_id}/calendar"
        self._calendar: IntervalsCalendar | None = None
        self._listed: tuple[date, date] | None = None

    def __enter__(self) -> IntervalsStorage:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._calendar, self._listed = None, None  # the next sync reads afresh

    # -- the contract -------------------------------------------------------------------
    def list(self) -> list[tuple[str, str]]:
        """hamsync's events from a year before the items this sync saw to a year after."""
        days = [self.today(), *(self._listed or ())]
        first, last = min(days) - timedelta(days=366), max(days) + timedelta(days=366)
        with as_sink_error():
            return self._cover(first, last, force=True)

    def get(self, href: str) -> tuple[Item, str]:
        with as_sink_error():
            event, etag = self.calendar.get(href)
        return Item(event.uid, to_text(event, install_of(event.uid))), etag

    def create(self, item: Item) -> tuple[str, str]:
        event = self._event(item)
        with as_sink_error():
            self._around(event.day)
            return self.calendar.create(event)

    def update(self, href: str, item: Item, etag: str) -> str:
        event = self._event(item)
        with as_sink_error():
            self._around(event.day)
            return self.calendar.update(href, event, etag)

    def delete(self, href: str, etag: str) -> None:
        """Deleted under ``etag``; an event outside the weeks listed is read first."""
        with as_sink_error():
            if not self.calendar.knows(href):
                self._around(self.today())
            self.calendar.delete(href, etag)

    # -- helpers -------------------------------------------------------------------------
    @property
    def calendar(self) -> IntervalsCalendar:
        if self._calendar is None:
            today = self.today()
            self._calendar = IntervalsCalendar(self.client, today, today, self.name)
        return self._calendar

    def _around(self, day: date) -> None:
        """Make sure this sync listed ``day``: else list the weeks around it (one request)."""
        done = self._listed
        if done is None or not done[0] <= day <= done[1]:
            self._cover(
                day - timedelta(days=LISTED_BEFORE_DAYS), day + timedelta(days=LISTED_AFTER_DAYS)
            )

    def _cover(
        self, first: date, last: date, force: bool = False
    ) -> builtins.list[tuple[str, str]]:
        """List ``first``..``last`` unless this sync listed those days already."""
        done = self._listed
        if done is not None and done[0] <= first and last <= done[1] and not force:
            return []
        calendar = self.calendar
        calendar.first_day, calendar.last_day = first, last
        found = calendar.list()
        self._listed = (first, last)
        return found

    @staticmethod
    def _event(item: Item) -> EventItem:
        try:
            event, _ = from_text(item.text)
        except ValueError as exc:
            raise SinkError(f"intervals.icu: {item.uid}: {exc}") from None
        return EventItem(item.uid, event.day, event.name, event.description, event.minutes)
