"""The exercise catalogue: the guide's eight rungs plus two recovery-only items.

Levels follow the guide's numbered order (``domain/trail-hamstring-guide.txt``, "Which
hamstring training for trail running comes first?"). Cues are our own short wording of
what each exercise asks for. Doses are hamsync defaults except the Nordic variants, whose
low volume (2-3 sets of 3-6 reps) is R6 (Presland 2018, van Dyk 2019).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from planner.models import Dose
from planner.settings import Settings


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise: its rung on the ladder, how to do it, and its default dose."""

    key: str
    name: str
    level: int
    """1-8 in the guide's order; 0 for the recovery-only items."""
    cue: str
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    per_side: bool = False
    rest_s: int = 60
    heavy_eccentric: bool = False
    """A Nordic variant: the heavy eccentric load that R3, R4 and R5 space out."""
    quad_eccentric: bool = False
    """Brakes with the quads too; kept 48 h away from a heavy descent (R4)."""
    recovery_only: bool = False

    def dose(self, sets: int | None = None) -> Dose:
        """The default dose, optionally with fewer sets (maintenance, recovery)."""
        return Dose(
            key=self.key,
            sets=self.sets if sets is None else sets,
            reps=self.reps,
            hold_s=self.hold_s,
            per_side=self.per_side,
            rest_s=self.rest_s,
        )


TOWEL_CUE = (
    "From a bridge, draw the heels in and let them glide back slowly, keeping the hips up; "
    "no slider: a towel under the heels on a smooth floor does the job."
)

CATALOGUE: tuple[Exercise, ...] = (
    Exercise(
        key="glute_bridge",
        name="Glute bridge with heel pressure",
        level=1,
        cue="On your back, push through the heels to raise the hips, pause two seconds at "
        "the top, keep the lower back neutral.",
        sets=3,
        reps=10,
    ),
    Exercise(
        key="hamstring_walkout",
        name="Hamstring walkout",
        level=2,
        cue="From a bridge, step the heels out a little at a time while the hips stay up, "
        "then step back in under control.",
        sets=3,
        reps=6,
    ),
    Exercise(
        key="single_leg_rdl",
        name="Single-leg Romanian deadlift",
        level=3,
        cue="Balance on one leg, send the hips back with a long spine; depth matters less "
        "than a steady hip, knee and foot.",
        sets=3,
        reps=8,
        per_side=True,
    ),
    Exercise(
        key="step_down",
        name="Step-down with slow braking",
        level=4,
        cue="From a low step, lower the free foot slowly towards the floor and rise again; "
        "the standing leg does the braking, like on a descent.",
        sets=3,
        reps=8,
        per_side=True,
        quad_eccentric=True,
    ),
    Exercise(
        key="slider_curl",
        name="Hamstring slider curl",
        level=5,
        cue="From a bridge, draw the heels in on the sliders and let them glide back slowly; "
        "go single-leg only once the hips stay level.",
        sets=3,
        reps=8,
        rest_s=90,
    ),
    Exercise(
        key="reverse_lunge",
        name="Controlled reverse lunge",
        level=6,
        cue="Take a short, calm step back, sink under control and drive back up to standing.",
        sets=3,
        reps=8,
        per_side=True,
        quad_eccentric=True,
    ),
    Exercise(
        key="assisted_nordic",
        name="Assisted Nordic hamstring curl",
        level=7,
        cue="Kneel on something soft with the ankles held low, lean forward slowly over a "
        "short range, catch yourself on the hands and push back up.",
        sets=2,
        reps=5,
        rest_s=120,
        heavy_eccentric=True,
    ),
    Exercise(
        key="nordic",
        name="Nordic hamstring curl",
        level=8,
        cue="Ankles anchored firmly, body straight from knee to head, resist the fall "
        "forward as long as you can and land on the hands.",
        sets=2,
        reps=4,
        rest_s=120,
        heavy_eccentric=True,
    ),
    Exercise(
        key="easy_walk",
        name="Easy walk",
        level=0,
        cue="An unhurried walk on flat ground; stay well within what feels comfortable.",
        sets=1,
        hold_s=20 * 60,
        recovery_only=True,
    ),
    Exercise(
        key="gentle_mobility",
        name="Gentle mobility",
        level=0,
        cue="Slow leg swings and relaxed hip circles, only through a range that stays pain-free.",
        sets=2,
        hold_s=30,
        per_side=True,
        recovery_only=True,
    ),
)

EXERCISES: MappingProxyType[str, Exercise] = MappingProxyType({e.key: e for e in CATALOGUE})
LADDER: tuple[Exercise, ...] = tuple(e for e in CATALOGUE if not e.recovery_only)


def exercise(key: str) -> Exercise:
    """The catalogue entry for ``key``; raises ``KeyError`` for an unknown key."""
    return EXERCISES[key]


def cue_for(key: str, settings: Settings) -> str:
    """The cue to show for ``key`` given the runner's equipment (towel without a slider)."""
    if key == "slider_curl" and not settings.has_slider:
        return TOWEL_CUE
    return EXERCISES[key].cue


def equipment_allows(key: str, settings: Settings) -> bool:
    """False for the full Nordic when the runner has no safe anchor for the feet."""
    return not (key == "nordic" and not settings.has_nordic_anchor)
