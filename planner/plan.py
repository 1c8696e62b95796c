"""The planner's entry point: sessions of the horizon from runs, plans, check-ins and rules.

Rules are applied in the order R10 fixes: R7 (check-ins) first, then R4 and R3 (the
forbidden windows of :mod:`planner.windows`), then the spacing and cap of R5. The weekly
dose (R5) and the exercises (R6) are goals inside those limits. Sessions before ``today``
are history: they count toward their week, but are never moved, rewritten or returned. A
session marked done today is history as well, returned exactly as it was planned.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from planner.classify import classify_runs
from planner.content import (
    content_reason,
    nordic_for,
    session_content,
    swap_exercise,
    wants_nordic,
)
from planner.dose import DayRuns, WeekDose, median_weekly_runs, monday_of, week_dose
from planner.exercises import EXERCISES
from planner.inputs import done_ids, effective_checkins, expand_habitual, is_adapted, latest_checkin
from planner.models import (
    CheckIn,
    Feeling,
    Move,
    Plan,
    PlannedEvent,
    PlannerState,
    Run,
    RunFlags,
    Session,
    SessionKind,
)
from planner.place import Board, heavy_reasons, unique, week_days
from planner.progress import (
    ECCENTRIC_KEYS,
    eccentric_gap_note,
    fresh_reason,
    lighter_fresh,
    progress,
)
from planner.reasons import MEDICAL_NOTE, day_label, iso_week
from planner.settings import Settings
from planner.windows import Limit, build_windows

_ID = re.compile(r"^(\d{4}-W\d{2})-(\d+)$")


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    kind: SessionKind
    planned_kind: SessionKind


def week_slots(
    dose: WeekDose, past: Sequence[Session], recovery: bool
) -> tuple[list[Slot], list[str]]:
    """The sessions still to place in a week, with ids by position; past sessions count (R5)."""
    loading = [s for s in past if s.kind is not SessionKind.RECOVERY]
    left = list(dose.kinds)
    for s in loading:
        if s.kind in left:
            left.remove(s.kind)
    left = left[: max(0, len(dose.kinds) - len(loading))]
    used = {int(m.group(2)) for s in past if (m := _ID.match(s.id)) and m.group(1) == dose.week}
    positions = (p for p in range(1, 100) if p not in used)
    slots = [
        Slot(f"{dose.week}-{next(positions)}", SessionKind.RECOVERY if recovery else k, k)
        for k in left
    ]
    notes = [
        f"session {s.id} ({s.kind.value}) on {day_label(s.day)} counts toward week {dose.week} (R5)"
        for s in sorted(past, key=lambda s: s.day)
    ]
    return slots, notes


def _lookahead_days(settings: Settings) -> int:
    """Habitual long runs this many days past the horizon still reach into it with R3."""
    rules = settings.rules
    return math.ceil(max(rules.heavy_clear_before_h, rules.heavy_clear_before_adapted_h) / 24)


def plan(
    history: Sequence[Run],
    upcoming: Sequence[PlannedEvent],
    previous_plan: Sequence[Session],
    checkins: Sequence[CheckIn],
    state: PlannerState,
    settings: Settings,
    today: date,
    tz: ZoneInfo,
    strength_days: Sequence[date] = (),
) -> Plan:
    """The sessions of today and the following ``horizon_days - 1`` days, with their reasons.

    ``strength_days``: local days on which the platforms logged a strength activity; a
    session on such a day counts as done (R8), like one marked with ``hamsync done``.
    """
    end = today + timedelta(settings.horizon_days - 1)
    runs = sorted(history, key=lambda r: (r.start, r.id))
    classified: list[tuple[Run, RunFlags, date]] = [
        (r, flags, r.start.astimezone(tz).date())
        for r, flags in zip(runs, classify_runs(runs, settings), strict=True)
    ]
    done: dict[date, DayRuns] = defaultdict(DayRuns)
    for run, flags, day in classified:
        if run.counts_for_dose:
            got = done[day]
            done[day] = DayRuns(got.runs + 1, got.hills + int(flags.hill))
    calendar = sorted(upcoming, key=lambda e: (e.day, e.uid, e.title))
    events = calendar + expand_habitual(
        settings, today, end + timedelta(_lookahead_days(settings)), calendar, set(done)
    )
    held = done_ids(state.done_session_ids, list(previous_plan), set(strength_days))
    state = replace(state, done_session_ids=held)
    # A session already done today is history too: no pause, check-in or re-plan takes it back.
    past = sorted(
        (s for s in previous_plan if s.day < today or (s.day == today and s.id in held)),
        key=lambda s: (s.day, s.id),
    )
    kept = tuple(s for s in past if s.day == today)
    previous = {s.id: s for s in previous_plan if s.day >= today and s not in kept}

    effective = effective_checkins(checkins)
    checkin = latest_checkin(checkins, today)
    prog = progress(state, past, held, set(done), effective, checkin, events, today, settings)
    state = prog.state
    if checkin is not None and checkin.feeling is Feeling.PAIN:
        removed = [
            f"session {s.id} ({s.kind.value}) on {day_label(s.day)} removed: pain check-in on "
            f"{day_label(checkin.day)} (R7)"
            for s in sorted(previous.values(), key=lambda s: (s.day, s.id))
        ]
        return Plan(kept, moved=(), notes=(MEDICAL_NOTE, *prog.notes, *removed), state=state)
    recovery = checkin is not None and checkin.feeling is Feeling.SENSITIVE

    adapted = is_adapted(past, held, today, settings)
    windows = build_windows(classified, events, settings, adapted)
    strict = build_windows(classified, events, settings, False) if adapted else ()
    long_days = {e.day for e in events if e.long or e.race} | {
        d for _, f, d in classified if f.long
    }
    board = Board(today, end, settings, windows, state.paused_until, frozenset(long_days))
    board.strict = tuple(w for w in strict if w.before)
    board.new_nordic_until = prog.new_nordic_until
    board.reserved = {s.day: s.id for s in previous.values()}
    # Every past session counts for the 72 h spacing of R5, marked done or not: a Nordic the
    # runner did without marking it is still in their legs, and spacing is a hard rule (R10).
    for s in past:
        board.add(s)
    level = prog.level
    median = median_weekly_runs(done, today)
    sessions: list[Session] = list(kept)
    moves: list[Move] = []
    notes: list[str] = list(prog.notes)
    if state.paused_until is not None and state.paused_until >= today:
        notes.append(f"sessions paused until {day_label(state.paused_until)}")
    notes.extend(
        f"session {s.id} ({s.kind.value}) on {day_label(s.day)} passed without being marked done: "
        "not made up on the next days; the rest of the week is planned without it (R8)"
        for s in past
        if s.id not in held and monday_of(s.day) == monday_of(today)
    )

    monday = monday_of(today)
    placed_ids: set[str] = set()
    while monday <= end:
        dose = week_dose(monday, today, done, events, median, settings)
        week_past = [s for s in past if monday_of(s.day) == monday]
        slots, past_notes = week_slots(dose, week_past, recovery)
        order = sorted(slots, key=lambda s: (not wants_nordic(s.kind, level, settings), s.id))
        for slot in order:
            head = [dose.reason, *past_notes]
            if recovery and checkin is not None:
                head.append(
                    f"check-in '{checkin.feeling.value}' on {day_label(checkin.day)}: recovery "
                    f"instead of {slot.planned_kind.value} until a 'fine' check-in (R7)"
                )
            result = _place(
                board, slot, week_days(board, monday), previous.get(slot.id), level, head
            )
            if isinstance(result, str):
                if monday + timedelta(6) <= end:
                    notes.append(result)
                continue
            session, move = result
            if slot.kind is not SessionKind.RECOVERY:
                lighter, changed = lighter_fresh(session.exercises, prog.fresh_key)
                extra = [fresh_reason(prog.fresh_key)] if changed and prog.fresh_key else []
                extra += [why] if (why := content_reason(slot.kind, lighter)) else []
                session = replace(session, exercises=lighter, reasons=(*session.reasons, *extra))
            board.add(session)
            sessions.append(session)
            placed_ids.add(session.id)
            if move is not None:
                moves.append(move)
        monday += timedelta(weeks=1)

    for sid, old in sorted(previous.items()):
        if sid not in placed_ids:
            notes.append(f"session {sid} ({old.kind.value}) on {day_label(old.day)} removed")
    sessions.sort(key=lambda s: (s.day, s.id))
    eccentric_done = [
        s.day for s in past if s.id in held and {d.key for d in s.exercises} & ECCENTRIC_KEYS
    ]
    gap = eccentric_gap_note(eccentric_done, sessions, today, end, settings)
    if gap is not None:
        notes.append(gap)
    return Plan(tuple(sessions), tuple(moves), tuple(unique(notes)), state)


def _place(
    board: Board,
    slot: Slot,
    days: list[date],
    prev: Session | None,
    level: int,
    head: list[str],
) -> tuple[Session, Move | None] | str:
    """Place one slot: a day for it, its exercises and reasons; a note when nothing fits."""
    settings = board.settings
    before = prev.day if prev is not None else None

    def base_ok(d: date) -> bool:
        return not board.base_blockers(d, slot.kind)

    def heavy_ok(d: date) -> bool:
        return base_ok(d) and not board.heavy_blockers(d)

    reasons = list(head)
    want = wants_nordic(slot.kind, level, settings)
    nordic = False
    day = None
    if want:
        day = board.choose(days, heavy_ok, before)
        nordic = day is not None
    if day is None:
        day = board.choose(days, base_ok, before)
    if day is None:
        causes = unique([b for d in days for b in board.base_blockers(d, slot.kind)])
        why = "; ".join(causes) or "no day of the week left in the horizon"
        return (
            f"no day left for the {slot.kind.value} session {slot.id} ({why}): "
            "dropped, not carried into next week (R10)"
        )
    quad_ok = board.quad_ok(day)
    exercises = session_content(slot.kind, level, settings, nordic, quad_ok)
    if want and not nordic:
        blockers = board.heavy_causes([d for d in days if base_ok(d)])
        variant = EXERCISES[nordic_for(level, settings) or "assisted_nordic"].name
        swap = EXERCISES[swap_exercise(level, settings, quad_ok)].name
        swap = swap[0].lower() + swap[1:]
        reasons.append(
            f"no day of week {iso_week(day)} clear for a Nordic ({'; '.join(blockers)}): "
            f"{variant} replaced by {swap} (R10)"
        )
    if nordic:
        reasons.extend(heavy_reasons(board, day))
    if not quad_ok and slot.kind is not SessionKind.RECOVERY and level >= 4:
        reasons.extend(
            w.cleared(day) for w in board.windows if w.limit is Limit.NO_QUAD and w.covers(day)
        )
    move = None
    if prev is not None and prev.day == day:
        # The last move stays told while the session stays put, so a re-plan with no new
        # facts rewrites nothing in the calendars (R9).
        reasons.extend(r for r in prev.reasons if r.startswith("moved from "))
    if prev is not None and prev.day != day:
        causes = board.base_blockers(prev.day, slot.kind)
        if nordic:
            causes += board.heavy_blockers(prev.day)
        text = f"moved from {day_label(prev.day)} to {day_label(day)}: {'; '.join(unique(causes))}"
        move = Move(slot.id, prev.day, day, text)
        reasons.append(text)
    session = Session(slot.id, day, slot.kind, exercises, tuple(unique(reasons)))
    return session, move
