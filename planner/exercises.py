"""The exercise catalogue: the guide's eight rungs plus two recovery-only items.

Levels follow the guide's numbered order (``domain/trail-hamstring-guide.txt``, "Which
hamstring training for trail running comes first?"). Cues are our own short wording of
what each exercise asks for, never the guide's sentences. Sets, reps, holds and rests are
hamsync defaults, except that the Nordic variants stay inside R6's low volume (2-3 sets of
3-6 reps; see ``NORDIC_SETS``).
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


# R6 -- Nordic volume stays low: 2-3 sets of 3-6 reps. Source: the guide ("few reps",
# "eccentric exercises with modest volume") and Presland 2018 (a low-volume Nordic program
# kept its gains); the exact range: hamsync default.
NORDIC_SETS = (2, 3)
NORDIC_REPS = (3, 6)
NORDIC_MIN_REPS = NORDIC_REPS[0]

TOWEL_CUE = (
    "No slider needed: heels on a towel on a smooth floor, hips lifted, curl the heels towards "
    "your seat, then let them travel back out as slowly as you can."
)

# Levels: the guide's numbered order. Doses (sets, reps, holds, rests): hamsync default, the
# Nordic variants inside NORDIC_SETS x NORDIC_REPS (R6).
CATALOGUE: tuple[Exercise, ...] = (
    Exercise(
        key="glute_bridge",
        name="Glute bridge with heel pressure",
        level=1,
        cue="Feet flat and knees bent, dig the heels down and lift until knees, hips and "
        "shoulders line up; stay up for a count of two with the ribs down, then lower.",
        sets=3,
        reps=10,
    ),
    Exercise(
        key="hamstring_walkout",
        name="Hamstring walkout",
        level=2,
        cue="From a bridge, inch the heels away in small steps as far as the hips can stay "
        "lifted, then walk them back in just as carefully.",
        sets=3,
        reps=6,
    ),
    Exercise(
        key="single_leg_rdl",
        name="Single-leg Romanian deadlift",
        level=3,
        cue="On one leg, hinge by pushing the hips behind you with a flat back; stop where "
        "the knee and foot stay steady, not where the hands reach the floor.",
        sets=3,
        reps=8,
        per_side=True,
    ),
    Exercise(
        key="step_down",
        name="Step-down with slow braking",
        level=4,
        cue="On a low box, let the other heel sink to a light tap on the floor, taking your "
        "time on the way down, then stand tall; the leg on the box brakes, as on a downhill.",
        sets=3,
        reps=8,
        per_side=True,
        quad_eccentric=True,
    ),
    Exercise(
        key="slider_curl",
        name="Hamstring slider curl",
        level=5,
        cue="Hips lifted and heels on the sliders, curl the heels towards your seat, then let "
        "them travel back out as slowly as you can; try one leg once the pelvis stays square.",
        sets=3,
        reps=8,
        rest_s=90,
    ),
    Exercise(
        key="reverse_lunge",
        name="Controlled reverse lunge",
        level=6,
        cue="Reach one foot back a modest distance, bend both knees until the back knee "
        "hovers, then push through the front foot to stand; a shorter step keeps you steady.",
        sets=3,
        reps=8,
        per_side=True,
        quad_eccentric=True,
    ),
    Exercise(
        key="assisted_nordic",
        name="Assisted Nordic hamstring curl",
        level=7,
        cue="On a cushion with the ankles fixed near the floor, tip forward from the knees "
        "with the hips straight, only as far as you can control; let the hands take you, "
        "then push off them to come back up.",
        sets=2,
        reps=3,
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
        reps=3,
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


# R12 -- each exercise's own progression: 2 then 3 sets, then two more reps a week up to the
# top of its range, then the harder variant the guide names. Source: the guide ("make the
# exercise harder before making the week harder"; slider curl "Start with both legs. Move to
# one leg only when the hips stay level"; assisted Nordic "Start with short ranges and few
# reps"); the rep ranges: hamsync default, the Nordic variants inside R6's 3-6 reps.
REP_RANGES: MappingProxyType[str, tuple[int, int]] = MappingProxyType({
    "glute_bridge": (10, 14),
    "hamstring_walkout": (6, 10),
    "single_leg_rdl": (8, 12),
    "step_down": (8, 12),
    "slider_curl": (8, 12),
    "reverse_lunge": (8, 12),
    "assisted_nordic": (3, 5),
    "nordic": (3, 6),
})  # fmt: skip
VARIANTS: MappingProxyType[str, str] = MappingProxyType(
    {
        "slider_curl": "one leg at a time, once the hips stay level",
        "assisted_nordic": "a longer range, still only as far as you control",
    }
)
"""The harder variant the guide names for an exercise, the last step of its progression."""


def stages_of(key: str, reps_step: int = 2) -> int:
    """How many steps the exercise's own progression has (R12): 2 -> 3 sets, then
    ``reps_step`` more reps a step to the top of its range, then its variant."""
    low, high = REP_RANGES.get(key, (0, 0))
    step = max(1, reps_step)
    return 2 + -(-(high - low) // step) + (1 if key in VARIANTS else 0)


def staged_dose(key: str, stage: int, reps_step: int = 2) -> Dose:
    """The dose of ``key`` at ``stage`` of its own progression (R12); stage 0 is the
    first-week dose: two sets at the bottom of its range."""
    e = EXERCISES[key]
    low, high = REP_RANGES.get(key, (e.reps or 0, e.reps or 0))
    last = stages_of(key, reps_step) - 1
    stage = max(0, min(stage, last))
    sets = 2 if stage == 0 else 3
    reps = min(high, low + max(1, reps_step) * max(0, stage - 1))
    dose = Dose(key, sets, reps if e.reps is not None else None, e.hold_s, e.per_side, e.rest_s)
    if key == "slider_curl" and key in VARIANTS and stage == last:
        dose = Dose(key, 3, low, None, True, e.rest_s)
    return dose


def variant_text(key: str, stage: int, reps_step: int = 2) -> str | None:
    """The harder variant in words when ``stage`` has reached it, else None."""
    if key in VARIANTS and stage >= stages_of(key, reps_step) - 1:
        return VARIANTS[key]
    return None


def exercise(key: str) -> Exercise:
    """The catalogue entry for ``key``; raises ``KeyError`` for an unknown key."""
    return EXERCISES[key]


def cue_for(key: str, settings: Settings) -> str:
    """The cue to show for ``key`` given the runner's equipment (towel without a slider)."""
    if key == "slider_curl" and not settings.has_slider:
        return TOWEL_CUE
    return EXERCISES[key].cue


def equipment_allows(key: str, settings: Settings) -> bool:
    """False for every Nordic variant when the runner has no anchor for the feet (R13: the
    guide's assisted Nordic asks to "secure the ankles low and firmly" too)."""
    return not (EXERCISES[key].heavy_eccentric and not settings.has_nordic_anchor)
