"""The exercise catalogue: the guide's ladder, doses and equipment (R6)."""

from __future__ import annotations

from planner.content import session_content
from planner.exercises import CATALOGUE, LADDER, cue_for, exercise
from planner.models import SessionKind
from planner.settings import Settings

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
    """Nordic doses stay within 2-3 sets of 3-6 reps (R6)."""
    for key in ("assisted_nordic", "nordic"):
        e = exercise(key)
        assert 2 <= e.sets <= 3 and e.reps is not None and 3 <= e.reps <= 6


def test_no_slider_means_a_towel_cue() -> None:
    """Without sliders the slider-curl cue tells the runner to use a towel on a smooth floor."""
    assert "towel" in cue_for("slider_curl", Settings(has_slider=False))
    assert "towel" not in cue_for("slider_curl", Settings())


def test_sessions_order_control_before_strength_before_nordic() -> None:
    """Within a session the exercises climb the ladder: control, then strength, then Nordic."""
    for kind in (SessionKind.CONTROL, SessionKind.HEAVY, SessionKind.FOCUSED):
        for level in range(1, 9):
            doses = session_content(kind, level, Settings(), nordic=True, quad_ok=True)
            levels = [exercise(d.key).level for d in doses]
            assert levels == sorted(levels) and 2 <= len(doses) <= 3
