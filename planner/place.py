"""Placing one session on a day: legality (R3, R4, R5, R7, R11), R9 and R10."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.models import Reason, Session, SessionKind
from planner.reasons import because, day_label, weekday
from planner.settings import Settings
from planner.windows import Limit, Window, covering

MAIN_KINDS = frozenset({SessionKind.FOCUSED, SessionKind.HEAVIER, SessionKind.MAINTENANCE})
"""Kinds R11 keeps off the eve of a long trail, a hill session or a race."""


@dataclass(frozen=True, slots=True)
class Held:
    """A session standing on a day: its id, and whether it loads or holds a Nordic."""

    id: str
    loading: bool
    heavy: bool


@dataclass(slots=True)
class Board:
    """The days of the horizon and what already stands on them."""

    today: date
    end: date
    settings: Settings
    windows: Sequence[Window]
    paused_until: date | None
    soft_avoid: frozenset[date]
    """Days of a key run and the days R4 protects after one: allowed, but only when nothing
    better is free (hard day hard, easy day easy)."""
    taken: dict[date, Held] = field(default_factory=dict)
    reserved: dict[date, str] = field(default_factory=dict)
    """Days the previous plan gave to sessions not placed yet: taking one would move two (R9)."""
    new_nordic: bool = False
    """A Nordic now is a new stimulus (R3): the wider windows hold."""
    no_nordic_until: date | None = None

    def add(self, session: Session) -> None:
        loading = session.kind is not SessionKind.RECOVERY
        self.taken[session.day] = Held(session.id, loading, session.heavy)
        if self.reserved.get(session.day) == session.id:
            del self.reserved[session.day]

    def _loading_days(self) -> list[date]:
        return sorted(d for d, h in self.taken.items() if h.loading)

    def base_blockers(self, day: date, kind: SessionKind) -> list[Reason]:
        """Why ``day`` cannot hold a session of ``kind`` at all (empty when it can)."""
        rules = self.settings.rules
        out: list[Reason] = []
        if self.paused_until is not None and day <= self.paused_until:
            out.append(because("", f"sessions paused until {day_label(self.paused_until)}"))
        if day.weekday() in self.settings.blocked_days:
            out.append(because("", f"{weekday(day)} is a blocked day in your settings"))
        if day in self.taken:
            out.append(because("R5", f"{day_label(day)} already holds a session", day))
        if kind is SessionKind.RECOVERY:
            return out
        out.extend(w.blocked() for w in covering(self.windows, day, Limit.RECOVERY_ONLY))
        if kind in MAIN_KINDS:
            out.extend(w.blocked() for w in covering(self.windows, day, Limit.NO_MAIN))
        loading = self._loading_days()
        gap = rules.loading_min_gap_days
        near = [d for d in loading if d != day and abs((d - day).days) < gap]
        out.extend(
            because("R11", f"a session on {day_label(d)}: never two on consecutive days", d)
            for d in near
        )
        cap = rules.max_loading_in_7_days
        for start in (day - timedelta(k) for k in range(7)):
            inside = [d for d in loading if start <= d <= start + timedelta(6) and d != day]
            if len(inside) >= cap:
                listed = " and ".join(day_label(d) for d in inside)
                out.append(
                    because(
                        "R11", f"sessions on {listed}: never {cap + 1} in seven days", inside[0]
                    )
                )
                break
        return out

    def heavy_blockers(self, day: date) -> list[Reason]:
        """Why ``day`` cannot hold a Nordic: R4 and R3 windows, then R5 spacing."""
        return [r for _, r in self._heavy_ranked(day)]

    def heavy_causes(self, days: Sequence[date]) -> list[Reason]:
        """Why none of ``days`` can hold a Nordic, in R10's order: R4, then R3, then R5; one
        reason per run or event."""
        ranked = [pair for d in days for pair in self._heavy_ranked(d)]
        out: dict[tuple[str, date | None], Reason] = {}
        for _, r in sorted(ranked, key=lambda pair: pair[0]):
            out.setdefault((r.rule, r.day), r)
        return list(out.values())

    def _heavy_ranked(self, day: date) -> list[tuple[int, Reason]]:
        found = covering(self.windows, day, Limit.NO_HEAVY)
        if self.new_nordic:
            found += covering(self.windows, day, Limit.NO_NEW_HEAVY)
        out = [
            (0 if w.rule == "R4" else 1, w.blocked())
            for w in sorted(found, key=lambda w: (w.rule != "R4", w.first))
        ]
        if self.no_nordic_until is not None and day <= self.no_nordic_until:
            out.append(
                (
                    0,
                    because(
                        "R7", f"no Nordic before {day_label(self.no_nordic_until + timedelta(1))}"
                    ),
                )
            )
        spacing = self.settings.rules.heavy_spacing_days
        for other, held in sorted(self.taken.items()):
            if held.heavy and other != day and abs((other - day).days) < spacing:
                out.append(
                    (
                        2,
                        because(
                            "R5",
                            f"a Nordic on {day_label(other)}: at least {spacing} days apart",
                            other,
                        ),
                    )
                )
        return out

    def quad_ok(self, day: date) -> bool:
        return not covering(self.windows, day, Limit.NO_QUAD)

    def choose(
        self, days: Sequence[date], ok: Callable[[date], bool], previous: date | None
    ) -> date | None:
        """Keep ``previous`` when legal (R9); else the best legal day, moving as little as possible.

        Preference: not a day the previous plan gave to another session, not a key-run day
        or a day R4 protects after one, a preferred day, nearest to the previous date, not
        next to a key run, earliest.
        """
        if previous is not None and previous in days and ok(previous):
            return previous
        legal = [d for d in days if ok(d)]
        if not legal:
            return None
        preferred = self.settings.preferred_days

        def key(d: date) -> tuple[bool, bool, bool, int, date]:
            return (
                d in self.reserved,
                d in self.soft_avoid,
                bool(preferred) and d.weekday() not in preferred,
                abs((d - previous).days) if previous is not None else 0,
                d,
            )

        return min(legal, key=key)


def week_days(board: Board, monday: date) -> list[date]:
    """The days of the ISO week starting ``monday`` that lie inside the horizon."""
    days = (monday + timedelta(i) for i in range(7))
    return [d for d in days if board.today <= d <= board.end]


def unique[T](items: Sequence[T]) -> list[T]:
    return list(dict.fromkeys(items))


def heavy_reasons(board: Board, day: date) -> list[Reason]:
    """Why ``day`` is clear for a Nordic: the nearest key run after it, R4 runs before it."""
    out: list[Reason] = []
    limits = (Limit.NO_HEAVY, Limit.NO_NEW_HEAVY) if board.new_nordic else (Limit.NO_HEAVY,)
    ahead = [
        w
        for w in board.windows
        if w.limit in limits and w.before and w.cause_day > day and w.rule == "R3"
    ]
    if ahead:
        nearest = max(
            (w for w in ahead if w.cause_day == min(a.cause_day for a in ahead)),
            key=lambda w: w.last - w.first,
        )
        if (nearest.cause_day - day).days <= 7:
            out.append(nearest.cleared(day))
    behind = [
        w
        for w in board.windows
        if w.limit is Limit.NO_HEAVY and not w.before and day - timedelta(2) <= w.last < day
    ]
    if behind:
        out.append(max(behind, key=lambda w: (w.last, w.limit)).cleared(day))
    return out
