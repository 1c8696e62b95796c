"""What a session says in a calendar: a short title and a description a runner understands.

Pure functions of the session alone (no clock, no state), so an unchanged session always
renders to the same text and a second sync writes the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.exercises import EXERCISES, TOWEL_CUE
from planner.models import Dose, Reason, Session, SessionKind

KIND_TITLES = {
    SessionKind.CONTROL: "light control",
    SessionKind.HEAVIER: "short heavier session",
    SessionKind.FOCUSED: "focused session",
    SessionKind.MAINTENANCE: "maintenance",
    SessionKind.RECOVERY: "recovery",
}

DISCLAIMER = (
    "hamsync plans training; it is not medical advice. If pain is sharp or keeps returning, "
    "or you notice bruising or weakness, have it examined in person."
)


def exercise_name(key: str) -> str:
    exercise = EXERCISES.get(key)
    return exercise.name if exercise else key.replace("_", " ")


def details_line(reasons: Iterable[Reason]) -> str | None:
    """``Rules: R3, R5 (DESIGN.md)``: the rule ids behind the reasons, said once, not in every
    sentence; None when no reason names a rule."""
    rules = sorted({r.rule for r in reasons if r.rule}, key=lambda r: int(r[1:] or 0))
    return f"Rules: {', '.join(rules)}" if rules else None


def _hold(seconds: int) -> str:
    """``20 min`` from 60 s up, else ``30 s``: durations a runner reads."""
    return f"{seconds // 60} min" if seconds >= 60 and seconds % 60 == 0 else f"{seconds} s"


def dose_text(dose: Dose) -> str:
    """``3 x 8 per side, rest 60 s``, ``2 x 30 s hold`` or ``1 x 20 min``."""
    amount = (
        f"{dose.sets} x {dose.reps}"
        if dose.reps is not None
        else f"{dose.sets} x {_hold(dose.hold_s or 0)}"
    )
    side = " per side" if dose.per_side else ""
    return f"{amount}{side}, rest {dose.rest_s} s"


def summary(session: Session) -> str:
    names = ", ".join(exercise_name(d.key) for d in session.exercises)
    return f"Hamstrings: {KIND_TITLES[session.kind]} ({names})"


def description(session: Session, towel: bool = False) -> str:
    """Exercises with doses and cues, the reasons, and the not-medical-advice line.

    ``towel``: the runner has no slider, so the slider curl is cued with a towel.
    """
    lines = []
    for number, dose in enumerate(session.exercises, start=1):
        exercise = EXERCISES.get(dose.key)
        lines.append(f"{number}. {exercise_name(dose.key)}: {dose_text(dose)}")
        cue = TOWEL_CUE if towel and dose.key == "slider_curl" else exercise and exercise.cue
        if cue:
            lines.append(f"   {cue}")
    if session.reasons:
        lines.append("")
        lines.append("Why this day and this content:")
        lines.extend(f"- {reason.text}" for reason in session.reasons)
        details = details_line(session.reasons)
        if details:
            lines.append(details)
    lines.append("")
    lines.append(DISCLAIMER)
    return "\n".join(lines)
