"""The planner's entry point: sessions of the horizon from runs, plans, check-ins and rules.

Rules are applied in the order R10 fixes: R7 and R14 (check-ins, returns) first, then the
windows of R4, R3 and R11 (:mod:`planner.windows`), then the spacing and cap of R5 and R11.
The weekly dose (R5) and the exercises (R6, R12) are goals inside those limits. Sessions
before ``today`` are history: they count toward their week, but are never moved, rewritten
or returned. A session marked done today is history as well, returned exactly as planned.
"""

from __future__ import annotations

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
    recovery_content,
    session_content,
    swap_exercise,
    wants_nordic,
)
from planner.dose import DayRuns, WeekDose, median_weekly_runs, monday_of, week_dose
from planner.exercises import EXERCISES, variant_text
from planner.inputs import done_ids, expand_habitual
from planner.models import (
    CheckIn,
    Move,
    Plan,
    PlannedEvent,
    PlannerState,
    Reason,
    Run,
    RunFlags,
    Session,
    SessionKind,
)
from planner.place import MAIN_KINDS, Board, heavy_reasons, unique, week_days
from planner.progress import ECCENTRIC_KEYS, Progress, eccentric_gap_note, progress
from planner.reasons import because, day_label, describe_event, run_name, weekday
from planner.settings import Settings
from planner.windows import Limit, Window, event_windows, planned_long_descent, run_windows

_ID = re.compile(r"^(\d{4}-W\d{2})-(\d+)$")
MOVED = "moved from "
CHANGED = "was a "


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    kind: SessionKind
    planned_kind: SessionKind


def week_slots(
    dose: WeekDose, past: Sequence[Session], held: frozenset[str], mode: str
) -> list[Slot]:
    """The sessions still to place in a week, with ids by position; past sessions count (R5).

    A past session counts against the dose when it was done, or when its kind is still one
    the week asks for (R8: a passed session is not made up); a passed session of a kind the
    week no longer asks for leaves the week's main session in place.
    """
    loading = [s for s in past if s.kind is not SessionKind.RECOVERY]
    left = list(dose.kinds)
    counted = 0
    for s in loading:
        if s.kind in left:
            left.remove(s.kind)
            counted += 1
        elif s.id in held:
            counted += 1
            if left:
                left.pop()
    if mode in ("sensitive", "pain"):
        # Recovery sessions of the week count too while they are what the week holds, so a
        # pause does not add a new walk every morning.
        counted += sum(1 for s in past if s.kind is SessionKind.RECOVERY)
    left = left[: max(0, len(dose.kinds) - counted)]
    used = {int(m.group(2)) for s in past if (m := _ID.match(s.id)) and m.group(1) == dose.week}
    positions = (p for p in range(1, 100) if p not in used)
    out = []
    for k in left:
        kind = k
        if mode in ("sensitive", "pain"):
            kind = SessionKind.RECOVERY
        elif mode == "control":
            kind = SessionKind.CONTROL
        out.append(Slot(f"{dose.week}-{next(positions)}", kind, k))
    return out


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
    ``upcoming`` may hold events before today: races (R4 after a race) and a long trail of
    yesterday (R4: counted as done until the end of the day after it).
    """
    rules = settings.rules
    end = today + timedelta(settings.horizon_days - 1)
    runs = sorted(history, key=lambda r: (r.start, r.id))
    classified: list[tuple[Run, RunFlags, date]] = [
        (r, flags, r.start.astimezone(tz).date())
        for r, flags in zip(runs, classify_runs(runs, settings), strict=True)
    ]
    done: dict[date, DayRuns] = defaultdict(DayRuns)
    descent_on: dict[date, float] = defaultdict(float)
    for run, flags, day in classified:
        descent_on[day] += run.descent_m or 0.0
        if run.counts_for_dose:
            got = done[day]
            done[day] = DayRuns(got.runs + 1, got.hills + int(flags.hill))
    calendar = sorted(upcoming, key=lambda e: (e.day, e.uid, e.title))
    lookahead = end + timedelta(rules.new_nordic_race_clear_days)
    events = calendar + expand_habitual(settings, today, lookahead, calendar, set(done))
    ahead = [e for e in events if e.day >= today]
    held = done_ids(state.done_session_ids, list(previous_plan), set(strength_days))
    state = replace(state, done_session_ids=held)
    past = sorted(
        (s for s in previous_plan if s.day < today or (s.day == today and s.id in held)),
        key=lambda s: (s.day, s.id),
    )
    kept = tuple(s for s in past if s.day == today)
    previous = {s.id: s for s in previous_plan if s.day >= today and s not in kept}
    notes: list[Reason] = []

    prog = progress(state, past, held, set(done), checkins, ahead, today, settings)
    state = prog.state
    notes.extend(prog.notes)
    notes.extend(_missed_long(events, done, today))
    if prog.mode == "pain":
        notes.extend(_runs_in_pain(classified, checkins, today))

    assumed = planned_long_descent(classified, settings)
    windows: list[Window] = []
    for run, flags, day in classified:
        windows.extend(run_windows(run, flags, day, settings))
    for e in events:
        logged = descent_on[e.day] if e.day in done else None
        if e.day < today - timedelta(1) and not e.race:
            continue
        windows.extend(event_windows(e, settings, assumed, logged))
    key_days = {e.day for e in events if e.long or e.race or e.hill} | {
        d for _, f, d in classified if f.long or f.hill or f.heavy_descent
    }
    protected = {
        w.first + timedelta(k)
        for w in windows
        if not w.before and w.limit is Limit.NO_HEAVY
        for k in range((w.last - w.first).days + 1)
    }
    after_ultra = any(e.ultra and 0 <= (today - e.end_day).days <= 14 for e in events)
    level, stage = prog.level, prog.stage
    if after_ultra and level >= 7:
        stage = 0
    board = Board(
        today,
        end,
        settings,
        tuple(sorted(set(windows))),
        state.paused_until,
        frozenset(key_days | protected),
        new_nordic=prog.new_nordic or after_ultra,
        no_nordic_until=_no_nordic_until(prog, past, held),
    )
    board.reserved = {s.day: s.id for s in previous.values()}
    # Every past session counts for spacing, marked done or not: a Nordic the runner did
    # without marking it is still in their legs, and spacing is a hard rule (R10).
    for s in past:
        board.add(s)
    median = median_weekly_runs(done, today, rules.median_weeks)
    median_hills = median_weekly_runs(done, today, rules.median_weeks, hills=True)
    sessions: list[Session] = list(kept)
    moves: list[Move] = []
    if state.paused_until is not None and state.paused_until >= today:
        notes.append(because("", f"sessions paused until {day_label(state.paused_until)}"))
    notes.extend(
        because(
            "R8",
            f"the {s.kind.value} session of {day_label(s.day)} passed without being "
            "marked done: not made up on the next days, the rest of the week is planned "
            "without it",
            s.day,
        )
        for s in past
        if s.id not in held and monday_of(s.day) == monday_of(today)
    )

    monday = monday_of(today)
    placed: dict[str, Reason | None] = {}
    doses: dict[date, WeekDose] = {}
    first_reason = prog.first_reason
    while monday <= end:
        dose = week_dose(monday, today, done, ahead, median, settings, median_hills)
        doses[monday] = dose
        week_past = [s for s in past if monday_of(s.day) == monday]
        slots = week_slots(dose, week_past, held, prog.mode)
        order = sorted(slots, key=lambda s: (not wants_nordic(s.kind, level, settings), s.id))
        for slot in order:
            # In a pain pause the week's dose is not what the session holds: not said.
            head = [*([] if prog.mode == "pain" else [dose.reason]), *_mode_reasons(prog, slot)]
            prev = previous.get(slot.id)
            whole = monday + timedelta(6) <= end
            result = _place(
                board,
                slot,
                week_days(board, monday),
                prev,
                level,
                stage,
                head,
                prog.mode == "pain",
                whole,
            )
            if isinstance(result, Reason):
                if whole:
                    notes.append(result)
                    placed[slot.id] = result
                continue
            session, move = result
            if prev is not None and prev.kind != session.kind:
                told = _kind_change(prev, session, dose)
                session = replace(session, reasons=(*session.reasons, told))
            elif prev is not None:
                # The last change of kind stays told while the kind stays (R9: no rewrite).
                told_before = [r for r in prev.reasons if r.text.startswith(CHANGED)]
                session = replace(session, reasons=tuple(unique([*session.reasons, *told_before])))
            if first_reason is not None and session.kind is not SessionKind.RECOVERY:
                session = replace(session, reasons=(*session.reasons, first_reason))
                first_reason = None
            board.add(session)
            sessions.append(session)
            placed[slot.id] = None
            if move is not None:
                moves.append(move)
        monday += timedelta(weeks=1)

    if prog.nordic_after_first is not None and not any(
        s.day >= prog.nordic_after_first and s.id in held and s.kind is not SessionKind.RECOVERY
        for s in past
    ):
        sessions = _first_without_nordic(sessions, prog, level, stage, settings, board)
    for sid, old in sorted(previous.items()):
        if sid not in placed:
            notes.append(_removed(old, prog, doses.get(monday_of(old.day))))
    sessions.sort(key=lambda s: (s.day, s.id))
    eccentric_done = [
        s.day for s in past if s.id in held and {d.key for d in s.exercises} & ECCENTRIC_KEYS
    ]
    gap = eccentric_gap_note(eccentric_done, sessions, today, end, settings)
    if gap is not None and prog.mode not in ("pain", "sensitive"):
        notes.append(gap)
    return Plan(tuple(sessions), tuple(moves), tuple(unique(notes)), state)


def _no_nordic_until(prog: Progress, past: Sequence[Session], held: frozenset[str]) -> date | None:
    """R7 after 'fine' from 'sensitive': the first session holds no Nordic, so none in the
    week of the 'fine' (at least two days after it); R14 after a pain: 14 days."""
    until = prog.no_nordic_until
    fine = prog.nordic_after_first
    if fine is not None and not any(
        s.day >= fine and s.id in held and s.kind is not SessionKind.RECOVERY for s in past
    ):
        # Not the same day nor the next (s09: a Nordic pulled onto the day of 'fine').
        first = fine + timedelta(1)
        until = max(until, first) if until is not None else first
    return until


def _first_without_nordic(
    sessions: list[Session],
    prog: Progress,
    level: int,
    stage: int,
    settings: Settings,
    board: Board,
) -> list[Session]:
    """R7: after 'fine' following 'sensitive', the first loading session holds no Nordic."""
    first = min(
        (s for s in sessions if s.kind is not SessionKind.RECOVERY and s.day >= board.today),
        key=lambda s: s.day,
        default=None,
    )
    if first is None or not first.heavy or prog.nordic_after_first is None:
        return sessions
    doses = session_content(first.kind, level, stage, settings, False, board.quad_ok(first.day))
    told = because(
        "R7",
        f"first session after your 'fine' of {day_label(prog.nordic_after_first)}: no Nordic "
        "yet, the load comes back gradually",
        prog.nordic_after_first,
    )
    kept = tuple(r for r in first.reasons if r.rule not in ("R3",))
    changed = replace(first, exercises=doses, reasons=(*kept, told))
    return [changed if s is first else s for s in sessions]


def _mode_reasons(prog: Progress, slot: Slot) -> list[Reason]:
    if prog.mode == "pain":
        return [
            because(
                "R7",
                "only if pain-free: easy walking and gentle mobility while the "
                "pain pause lasts; stop and seek advice if it hurts",
            )
        ]
    if prog.mode == "sensitive":
        return [
            because(
                "R7",
                f"recovery instead of the {slot.planned_kind.value} session "
                "until you check in 'fine'",
            )
        ]
    if prog.mode == "control":
        return [because("R7", "light control only until you check in")]
    return []


def _kind_change(prev: Session, session: Session, dose: WeekDose) -> Reason:
    if session.kind is SessionKind.RECOVERY or prev.kind is SessionKind.RECOVERY:
        return because(
            "R7",
            f"was a {prev.kind.value} session, now {session.kind.value}: "
            "it follows your latest check-in",
        )
    if session.kind is SessionKind.CONTROL and prev.kind in MAIN_KINDS:
        return because(
            "R10",
            f"was a {prev.kind.value} session, now a light control session: "
            "no day of the week allows more",
        )
    return because(
        "R5",
        f"was a {prev.kind.value} session, now {session.kind.value}: {dose.reason.text}",
        dose.monday,
    )


def _removed(old: Session, prog: Progress, dose: WeekDose | None) -> Reason:
    """A session of the previous plan that is gone, with its cause (R9)."""
    what = f"the {old.kind.value} session of {day_label(old.day)} is removed"
    if prog.mode == "pain":
        return because("R7", f"{what}: you reported pain; walking and mobility only")
    if dose is None:
        return because("R9", f"{what}: its week is past the horizon now", old.day)
    return because("R5", f"{what}: {dose.reason.text}", old.day)


def _missed_long(
    events: Sequence[PlannedEvent], done: dict[date, DayRuns], today: date
) -> list[Reason]:
    """R4: a planned long trail counts as done until the end of the day after it."""
    out = []
    for e in events:
        if not e.long or e.habitual or e.day in done or e.day >= today:
            continue
        if e.end_day == today - timedelta(1):
            out.append(
                because(
                    "R4",
                    f"no activity yet for the {describe_event(e)}: counted as "
                    "done until the end of today",
                    e.day,
                )
            )
        else:
            out.append(
                because("R4", f"no activity for the {describe_event(e)}: taken as not done", e.day)
            )
    return out


def _runs_in_pain(
    classified: Sequence[tuple[Run, RunFlags, date]], checkins: Sequence[CheckIn], today: date
) -> list[Reason]:
    pains = [c for c in checkins if c.feeling.value == "pain" and c.day <= today]
    if not pains:
        return []
    since = max(c.day for c in pains)
    ran = [(r, d) for r, _, d in classified if d >= since and r.counts_for_dose]
    if not ran:
        return []
    listed = ", ".join(f"{run_name(r)} on {day_label(d)}" for r, d in ran)
    return [
        because(
            "R7",
            f"you logged runs during the pain pause ({listed}): stop running if "
            "it hurts, and have it looked at",
            since,
        )
    ]


def _place(
    board: Board,
    slot: Slot,
    days: list[date],
    prev: Session | None,
    level: int,
    stage: int,
    head: list[Reason],
    pain: bool,
    whole: bool = True,
) -> tuple[Session, Move | None] | Reason:
    """Place one slot: a day, its exercises and reasons; a reason when nothing fits (R10)."""
    settings = board.settings
    before = prev.day if prev is not None else None
    # A session moved for a cause that no longer holds goes back to its day (R9).
    carried = [r for r in prev.reasons if r.text.startswith(MOVED)] if prev is not None else []
    origin = carried[-1].day if carried else None
    kind = slot.kind

    def base_ok(d: date) -> bool:
        return not board.base_blockers(d, kind)

    def heavy_ok(d: date) -> bool:
        return base_ok(d) and not board.heavy_blockers(d)

    reasons = list(head)
    want = wants_nordic(kind, level, settings)
    nordic = False
    day = None
    if (
        origin is not None
        and origin in days
        and origin != before
        and (heavy_ok if want else base_ok)(origin)
    ):
        before = origin
    if want:
        day = board.choose(days, heavy_ok, before)
        nordic = day is not None
    if day is None:
        day = board.choose(days, base_ok, before)
    if day is None and kind in MAIN_KINDS and whole:
        blockers = _ranked([b for d in days for b in board.base_blockers(d, kind)])
        kind = SessionKind.CONTROL
        day = board.choose(days, base_ok, before)
        if day is not None:
            want = False
            reasons.append(
                because(
                    blockers[0].rule if blockers else "R10",
                    f"downgraded to a light control session: no day of the week allows the "
                    f"{slot.kind.value} session ({'; '.join(b.text for b in blockers[:3])})",
                    blockers[0].day if blockers else None,
                )
            )
    if day is None:
        causes = _ranked([b for d in days for b in board.base_blockers(d, kind)])
        why = "; ".join(c.text for c in causes[:4]) or "no day of the week left in the horizon"
        return because(
            causes[0].rule if causes else "R10",
            f"no day left for the {slot.planned_kind.value} session of the week of "
            f"{day_label(days[0] - timedelta(days[0].weekday()))} ({why}): dropped, not "
            "carried into the next week",
            causes[0].day if causes else None,
        )
    quad_ok = board.quad_ok(day)
    if kind is not SessionKind.RECOVERY and (why_day := _why_day(board, days, day, kind, nordic)):
        reasons.append(why_day)
    if kind is SessionKind.RECOVERY:
        exercises = recovery_content(pain)
    else:
        exercises = session_content(kind, level, stage, settings, nordic, quad_ok)
    if want and not nordic:
        blockers = board.heavy_causes([d for d in days if base_ok(d)])
        variant = EXERCISES[nordic_for(level, settings) or "assisted_nordic"].name
        swap = EXERCISES[swap_exercise(level, settings, quad_ok)].name
        first = blockers[0] if blockers else because("R10", "")
        reasons.append(
            because(
                first.rule or "R10",
                f"no day of the week clear for a Nordic "
                f"({'; '.join(b.text for b in blockers[:5])}): {variant} replaced by "
                f"{swap[0].lower() + swap[1:]}",
                first.day,
            )
        )
    if nordic:
        reasons.extend(heavy_reasons(board, day))
        key = next(d.key for d in exercises if d.key in ("nordic", "assisted_nordic"))
        extra = variant_text(key, stage, settings.rules.reps_step)
        if extra:
            reasons.append(because("R12", f"{EXERCISES[key].name}: {extra}"))
    if kind is not SessionKind.RECOVERY:
        reasons.extend(_eve_reasons(board, day, kind))
        top = [d for d in exercises if d.key == "slider_curl" and d.per_side]
        if top:
            reasons.append(
                because("R12", "slider curl: " + (variant_text("slider_curl", 99) or ""))
            )
        if not quad_ok and level >= 4:
            reasons.extend(
                w.cleared(day) for w in board.windows if w.limit is Limit.NO_QUAD and w.covers(day)
            )
        if (content := content_reason(kind, exercises)) is not None:
            reasons.append(content)
    move = None
    if prev is not None and prev.day == day:
        # The last move stays told while the session stays put and its cause holds, so a
        # re-plan with no new facts rewrites nothing in the calendars (R9).
        reasons.extend(
            r
            for r in carried
            if r.day is not None
            and r.day != day
            and not (base_ok(r.day) and (not nordic or heavy_ok(r.day)))
        )
    if prev is not None and prev.day != day:
        causes = board.base_blockers(prev.day, kind)
        if nordic:
            causes += board.heavy_blockers(prev.day)
        causes = unique(causes)
        if causes:
            text = f"{MOVED}{day_label(prev.day)} to {day_label(day)}: " + "; ".join(
                c.text for c in causes[:3]
            )
            rule = causes[0].rule
        elif origin == day:
            text = f"moved back to {day_label(day)}: the cause of its move no longer holds"
            rule = "R9"
        else:
            text = f"{MOVED}{day_label(prev.day)} to {day_label(day)}: a better day for it"
            rule = "R9"
        told = because(rule, text, prev.day)
        move = Move(slot.id, prev.day, day, told)
        if text.startswith(MOVED):
            reasons.append(told)
    session = Session(slot.id, day, kind, exercises, tuple(unique(reasons)))
    return session, move


def _why_day(
    board: Board, days: Sequence[date], day: date, kind: SessionKind, nordic: bool
) -> Reason | None:
    """Why this day and not an earlier one of the week: what made those days worse (R9).

    Names, for up to three earlier days, the first thing that ruled each out (a window, a
    spacing rule, a blocked day) or that made it a worse choice (a key-run day)."""
    said: list[str] = []
    first: Reason | None = None
    for d in [d for d in days if d < day][-3:]:
        blockers = _ranked(board.base_blockers(d, kind))
        if nordic and not blockers:
            blockers = board.heavy_blockers(d)
        if blockers:
            said.append(f"{weekday(d)}: {blockers[0].text}")
            first = first or blockers[0]
        elif d in board.soft_avoid:
            after = [w for w in board.windows if not w.before and w.covers(d)]
            if after:
                said.append(f"{weekday(d)}: still recovering from the {after[0].cause}")
                first = first or because(after[0].rule, "", after[0].cause_day)
            else:
                said.append(f"{weekday(d)}: the day of a key run")
    if not said:
        return None
    rule = first.rule if first is not None and first.rule else "R9"
    return because(rule, f"why {weekday(day)}: " + "; ".join(said), day)


def _ranked(blockers: list[Reason]) -> list[Reason]:
    """Blockers that a rule sets before those of the runner's settings (blocked days)."""
    return sorted(unique(blockers), key=lambda b: b.rule == "")


def _eve_reasons(board: Board, day: date, kind: SessionKind) -> list[Reason]:
    """Why a light session sits on the eve of a key run (R11), or why the day is clear."""
    out = []
    for w in board.windows:
        if w.limit is Limit.NO_MAIN and w.covers(day):
            out.append(
                because("R11", f"the day before the {w.cause}: a light session only", w.cause_day)
            )
    return out if kind is SessionKind.CONTROL else []
