"""Wording shared by the planner: days, numbers, runs and events as a runner reads them."""

from __future__ import annotations

from datetime import date

from planner.models import PlannedEvent, Reason, Run, RunFlags

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

MEDICAL_NOTE = (
    "You reported pain, so all hamstring loading is paused until you check in 'fine': only "
    "easy walking and gentle mobility, and only if pain-free. Please have it looked at: pain "
    "that is sharp or keeps coming back, bruising or weakness deserves personal medical advice."
)


def because(rule: str, text: str, day: date | None = None) -> Reason:
    """A reason record: ``rule`` the DESIGN.md rule id, ``text`` plain words without it."""
    return Reason(rule, text, day)


def weekday(day: date) -> str:
    """``Thu``."""
    return _DAYS[day.weekday()]


def day_label(day: date) -> str:
    """``Thu 2026-11-26``."""
    return f"{weekday(day)} {day.isoformat()}"


def iso_week(day: date) -> str:
    """``2026-W48``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def metres(value: float) -> str:
    """``1,240 m``."""
    return f"{value:,.0f} m"


def km(value_m: float) -> str:
    """``21.3 km``."""
    return f"{value_m / 1000:,.1f} km"


def duration(seconds: float) -> str:
    """``1:55`` (hours and minutes)."""
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def run_name(run: Run) -> str:
    return f"'{run.name}'" if run.name else "run"


def event_kind(event: PlannedEvent) -> str:
    """What makes a planned event matter to R3: ``planned long trail``, ``planned race``..."""
    if event.ultra:
        what = "ultra"
    elif event.race:
        what = "race"
    elif event.long:
        what = "long trail"
    elif event.hill:
        what = "hill session"
    else:
        what = "run"
    return f"{'habitual' if event.habitual else 'planned'} {what}"


def describe_event(event: PlannedEvent) -> str:
    """``planned long trail 'Long run' on Sat 2026-11-28``."""
    return f"{event_kind(event)} '{event.title}' on {day_label(event.day)}"


def flag_words(flags: RunFlags) -> list[str]:
    words: list[str] = []
    if flags.long:
        words.append("long trail")
    elif flags.trail:
        words.append("trail")
    if flags.very_heavy_descent:
        words.append("very heavy descent" + (" (unfamiliar load)" if flags.unfamiliar else ""))
    elif flags.heavy_descent:
        words.append("heavy descent")
    if flags.hill:
        words.append("hill session")
    return words


def describe_run_flags(run: Run, flags: RunFlags, day: date | None = None) -> str:
    """One line about a run for the CLI: figures, then what R1, R2 and R5 make of them.

    ``day`` is the run's day in the runner's time zone (defaults to the start's own date).
    """
    when = day_label(day if day is not None else run.start.date())
    climb = "?" if run.ascent_m is None else f"+{run.ascent_m:,.0f}"
    drop = "?" if run.descent_m is None else f"-{run.descent_m:,.0f}"
    figures = (
        f"{km(run.distance_m)}, {duration(run.moving_s)} moving, {climb}/{drop} m "
        f"({run.descent_from})"
    )
    words = flag_words(flags) or ["road run" if run.counts_for_dose else str(run.sport)]
    return f"{when} {run_name(run)} [{run.sport}]: {figures} -> {', '.join(words)}"
