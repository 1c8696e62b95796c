"""What a calendar event says about a session: exercises, doses, cues, reasons."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from planner.models import Dose, Reason, Session, SessionKind
from sync.sinks.vevent import EventTiming, build_event

SESSION = Session(
    "2026-W48-1",
    date(2026, 11, 26),
    SessionKind.FOCUSED,
    (Dose("slider_curl", 3, 8, rest_s=90), Dose("single_leg_rdl", 3, 8, per_side=True)),
    (Reason("R5", "week of Mon 2026-11-23: 3 runs, so one focused session and one small input"),),
)


def description_for(slider: bool) -> str:
    timing = EventTiming.from_config(ZoneInfo("Europe/Zurich"), "18:00", 20, slider=slider)
    return str(build_event(SESSION, 0, timing)["DESCRIPTION"])


def test_description_lists_doses_reasons_and_the_disclaimer() -> None:
    """A runner reads sets x reps, per side, rest, why this day, and that it is not advice."""
    text = description_for(slider=True)
    assert "Hamstring slider curl: 3 x 8, rest 90 s" in text
    assert "3 x 8 per side, rest 60 s" in text
    assert "- week of Mon 2026-11-23: 3 runs, so one focused session and one small input\n" in text
    assert "Rules: R5" in text and "(R5)" not in text  # rule ids in the details line only
    assert "medical advice" in text


def test_runner_without_a_slider_is_told_to_use_a_towel() -> None:
    """No slider in [athlete]: the slider curl's cue says how to do it with a towel."""
    assert "towel" in description_for(slider=False)
    assert "towel" not in description_for(slider=True)
