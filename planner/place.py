"""Placing one session on a day: legality (R7, R4, R3, R5 spacing and cap), R9 and R10."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.models import Session, SessionKind
from planner.reasons import day_label, weekday
from planner.settings import Settings
from planner.windows import Limit, Window, covering


@dataclass(slots=True)
class Board:
    """The days of the horizon and what already stands on them."""

    today: date
    end: date
    settings: Settings
    windows: Sequence[Window]
    paused_until: date | None
    soft_avoid: frozenset[date]
    """Days of a long trail or race: allowed, but only when nothing better is free."""
    taken: dict[date, str] = field(default_factory=dict)
    heavy: dict[date, str] = field(default_factory=dict)
    reserved: dict[date, str] = field(default_factory=dict)
    """Days the previous plan gave to sessions not placed yet: taking one would move two (R9)."""
    strict: Sequence[Window] = ()
    """R3 windows at their full 72 h, for a Nordic rung reached less than a week ago."""
    new_nordic_until: date | None = None

    @property
    def spacing_days(self) -> int:
        return math.ceil(self.settings.rules.heavy_spacing_h / 24)

    def add(self, session: Session) -> None:
        self.taken[session.day] = session.id
        if self.reserved.get(session.day) == session.id:
            del self.reserved[session.day]
        if session.heavy:
            self.heavy[session.day] = session.id

    def base_blockers(self, day: date, kind: SessionKind) -> list[str]:
        """Why ``day`` cannot hold a session of ``kind`` at all (empty when it can)."""
        out: list[str] = []
        if self.paused_until is not None and day <= self.paused_until:
            out.append(f"sessions paused until {day_label(self.paused_until)}")
        if day.weekday() in self.settings.blocked_days:
            out.append(f"{weekday(day)} is a blocked day in your settings")
        if day in self.taken:
            out.append(f"{day_label(day)} already holds session {self.taken[day]} (R5: one a day)")
        if kind is not SessionKind.RECOVERY:
            out.extend(w.blocked() for w in covering(self.windows, day, Limit.RECOVERY_ONLY))
        return out

    def heavy_blockers(self, day: date) -> list[str]:
        """Why ``day`` cannot hold a Nordic: R4 and R3 windows, then R5 spacing."""
        return [text for _, text in self._heavy_ranked(day)]

    def heavy_causes(self, days: Sequence[date]) -> list[str]:
        """Why none of ``days`` can hold a Nordic, in R10's order: R4, then R3, then R5."""
        ranked = [pair for d in days for pair in self._heavy_ranked(d)]
        return unique([text for _, text in sorted(ranked, key=lambda pair: pair[0])])

    def _heavy_ranked(self, day: date) -> list[tuple[int, str]]:
        found = covering(self.windows, day, Limit.NO_HEAVY)
        if self.new_nordic_until is not None and day <= self.new_nordic_until:
            found += [w for w in covering(self.strict, day, Limit.NO_HEAVY) if w not in found]
        out = [
            (0 if w.rule == "R4" else 1, w.blocked())
            for w in sorted(found, key=lambda w: (w.rule != "R4", w.first))
        ]
        for other, sid in sorted(self.heavy.items()):
            if abs((other - day).days) < self.spacing_days:
                out.append(
                    (
                        2,
                        f"Nordic session {sid} on {day_label(other)}, "
                        f"R5 ({self.settings.rules.heavy_spacing_h} h apart)",
                    )
                )
        return out

    def quad_ok(self, day: date) -> bool:
        return not covering(self.windows, day, Limit.NO_QUAD)

    def choose(
        self, days: Sequence[date], ok: Callable[[date], bool], previous: date | None
    ) -> date | None:
        """Keep ``previous`` when legal (R9); else the best legal day, moving as little as possible.

        Preference: not on a long-trail or race day, a preferred day, nearest to the
        previous date, not next to another session, earliest.
        """
        if previous is not None and previous in days and ok(previous):
            return previous
        legal = [d for d in days if ok(d)]
        if not legal:
            return None
        preferred = self.settings.preferred_days

        def key(d: date) -> tuple[bool, bool, bool, int, bool, date]:
            return (
                d in self.reserved,
                d in self.soft_avoid,
                bool(preferred) and d.weekday() not in preferred,
                abs((d - previous).days) if previous is not None else 0,
                any(d + timedelta(k) in self.taken for k in (-1, 1)),
                d,
            )

        return min(legal, key=key)


def week_days(board: Board, monday: date) -> list[date]:
    """The days of the ISO week starting ``monday`` that lie inside the horizon."""
    days = (monday + timedelta(i) for i in range(7))
    return [d for d in days if board.today <= d <= board.end]


def unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def heavy_reasons(board: Board, day: date) -> list[str]:
    """Why ``day`` is clear for a Nordic: the nearest R3 event after it, R4 descents before it."""
    out: list[str] = []
    ahead = [w for w in board.windows if w.limit is Limit.NO_HEAVY and w.before and w.last > day]
    if ahead:
        nearest = min(ahead, key=lambda w: w.last)
        if (nearest.last - day).days <= 7:
            out.append(nearest.cleared(day))
    behind = [
        w
        for w in board.windows
        if w.limit is Limit.NO_HEAVY and not w.before and day - timedelta(2) <= w.last < day
    ]
    out.extend(w.cleared(day) for w in behind)
    for other, sid in sorted(board.heavy.items()):
        gap = abs((other - day).days)
        if gap <= board.spacing_days + 1:
            out.append(f"{gap} days from Nordic session {sid} on {day_label(other)} (R5)")
    return out
