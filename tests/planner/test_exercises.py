"""The exercise catalogue: the guide's ladder, doses and equipment (R6)."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise, product
from pathlib import Path

import pytest

from planner.content import session_content
from planner.exercises import (
    CATALOGUE,
    LADDER,
    TOWEL_CUE,
    cue_for,
    exercise,
    staged_dose,
    stages_of,
)
from planner.models import Session, SessionKind
from planner.reasons import MEDICAL_NOTE
from planner.settings import Settings

HAMSTRING_DOMINANT = {
    "glute_bridge", "hamstring_walkout", "single_leg_rdl", "slider_curl", "assisted_nordic",
    "nordic",
}  # fmt: skip
GUIDE_ORDER = [
    "glute_bridge",
    "hamstring_walkout",
    "single_leg_rdl",
    "step_down",
    "slider_curl",
    "reverse_lunge",
    "assisted_nordic",
    "nordic",
]


def test_ladder_follows_the_guide_order() -> None:
    """The eight exercises sit on levels 1-8 in the guide's order; walk and mobility are extra."""
    assert [e.key for e in LADDER] == GUIDE_ORDER
    assert [e.level for e in LADDER] == list(range(1, 9))
    assert {e.key for e in CATALOGUE if e.recovery_only} == {"easy_walk", "gentle_mobility"}


def test_flags_mark_nordics_and_quad_braking() -> None:
    """Only Nordic variants are heavy eccentric; step-down and reverse lunge load the quads."""
    assert {e.key for e in CATALOGUE if e.heavy_eccentric} == {"assisted_nordic", "nordic"}
    assert {e.key for e in CATALOGUE if e.quad_eccentric} == {"step_down", "reverse_lunge"}


def test_nordic_volume_stays_low() -> None:
    """Nordic doses stay within 2-3 sets of 3-6 reps (R6); the catalogue dose is the first
    week's: few reps (the guide: "short ranges and few reps")."""
    for key in ("assisted_nordic", "nordic"):
        e = exercise(key)
        assert 2 <= e.sets <= 3 and e.reps is not None and 3 <= e.reps <= 6


def test_no_slider_means_a_towel_cue() -> None:
    """Without sliders the slider-curl cue tells the runner to use a towel on a smooth floor."""
    assert "towel" in cue_for("slider_curl", Settings(has_slider=False))
    assert "towel" not in cue_for("slider_curl", Settings())


def test_sessions_order_control_before_strength_before_nordic() -> None:
    """Within a session the exercises climb the ladder: control, then strength, then Nordic."""
    for kind in (SessionKind.CONTROL, SessionKind.HEAVIER, SessionKind.FOCUSED):
        for level in range(1, 9):
            doses = session_content(kind, level, 0, Settings(), nordic=True, quad_ok=True)
            levels = [exercise(d.key).level for d in doses]
            assert levels == sorted(levels) and 2 <= len(doses) <= 3


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_cues_are_our_own_words_not_the_guides() -> None:
    """No cue (nor the pain note) repeats four words in a row from the guide's text."""
    guide = Path(__file__).resolve().parents[3] / "shared" / "domain" / "trail-hamstring-guide.txt"
    if not guide.is_file():
        pytest.skip(f"the guide is not at {guide}")
    words = _words(guide.read_text(encoding="utf-8"))
    grams = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}
    texts = {e.key: e.cue for e in CATALOGUE} | {"towel": TOWEL_CUE, "pain": MEDICAL_NOTE}
    for key, text in texts.items():
        mine = _words(text)
        copied = [g for i in range(len(mine) - 3) if (g := tuple(mine[i : i + 4])) in grams]
        assert not copied, (key, copied)


@pytest.mark.parametrize("kind", list(SessionKind))
def test_session_content_keeps_the_design_limits(kind: SessionKind) -> None:
    """Every level, equipment and terrain: recovery holds no Nordic or quad braking, control and
    maintenance no Nordic, loading 2-3 exercises, recovery 1-3, Nordic 2-3 sets of 3-6 reps."""
    for level, stage, anchor, slider, nordic, quad_ok in product(
        range(1, 9), range(5), (True, False), (True, False), (True, False), (True, False)
    ):
        cfg = Settings(has_nordic_anchor=anchor, has_slider=slider)
        doses = session_content(kind, level, stage, cfg, nordic, quad_ok)
        got = {d.key for d in doses}
        assert len(got) == len(doses)
        heavy = Session("2026-W48-1", date(2026, 11, 23), kind, doses).heavy
        assert heavy is bool(got & {"assisted_nordic", "nordic"})
        if kind is SessionKind.RECOVERY:
            assert 1 <= len(doses) <= 3
            assert not got & {"assisted_nordic", "nordic", "step_down", "reverse_lunge"}
        else:
            assert 2 <= len(doses) <= 3
            # R6: every loading session keeps a hamstring-dominant exercise.
            assert got & HAMSTRING_DOMINANT, (kind, level, got)
        if kind in (SessionKind.CONTROL, SessionKind.MAINTENANCE):
            assert not heavy
        if not quad_ok:
            assert not got & {"step_down", "reverse_lunge"}
        if not anchor:  # R13: no Nordic variant at all without an anchor for the feet
            assert not got & {"assisted_nordic", "nordic"}
        for d in doses:
            if d.key in ("assisted_nordic", "nordic"):
                assert 2 <= d.sets <= 3 and d.reps is not None and 3 <= d.reps <= 6


def test_each_exercise_progresses_sets_then_reps_then_its_variant() -> None:
    """R12: 2 then 3 sets, then 2 more reps a step up to the top of the range, then the
    guide's harder variant (slider curl on one leg); Nordic variants stay at 2-3 x 3-6."""
    for key in GUIDE_ORDER:
        doses = [staged_dose(key, k) for k in range(stages_of(key))]
        assert doses[0].sets == 2 and doses[1].sets == 3
        reps = [d.reps or 0 for d in doses]
        for a, b in pairwise(doses):
            assert b.sets >= a.sets
        steps = reps[:-1] if key == "slider_curl" else reps  # its last step: one leg, fewer reps
        assert all(0 <= b - a <= 2 for a, b in pairwise(steps))
        if key in ("assisted_nordic", "nordic"):
            assert all(2 <= d.sets <= 3 and 3 <= (d.reps or 0) <= 6 for d in doses)
            assert (doses[0].sets, doses[0].reps) == (2, 3)
    slider = staged_dose("slider_curl", stages_of("slider_curl") - 1)
    assert slider.per_side  # one leg at a time
