"""A planned session as a Garmin Connect strength workout (built with garminconnect.workout).

Each exercise maps to the nearest Garmin category and exercise name. Garmin has no key for
the hamstring walkout, the step-down or the Nordic curls: they get the closest category and
the real name goes first in the step description, followed by the cue, so the watch shows
what to do. The workout name starts with a prefix ("hamsync:") so hamsync's own workouts are
recognisable on Garmin's side; everything written is a function of the session alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from garminconnect.workout import (
    StrengthWorkout,
    WorkoutSegment,
    create_strength_set,
    create_strength_timed_set,
)

from planner.exercises import cue_for, exercise
from planner.models import Dose, Session
from planner.settings import Settings

STRENGTH = {"sportTypeId": 5, "sportTypeKey": "strength_training", "displayOrder": 5}
MAX_STEP_TEXT = 250
"""hamsync default: step notes stay short enough for a watch screen and Garmin's field."""
MAX_WORKOUT_TEXT = 500
SECONDS_PER_REP = 4
"""hamsync default for the duration estimate: a slow, controlled repetition."""


@dataclass(frozen=True, slots=True)
class GarminExercise:
    category: str
    name: str
    exact: bool
    """False when Garmin has no key for it and the closest one stands in."""


EXERCISE_MAP: dict[str, GarminExercise] = {
    "glute_bridge": GarminExercise("HIP_RAISE", "HIP_RAISE", True),
    "hamstring_walkout": GarminExercise("HIP_RAISE", "HIP_RAISE", False),
    "single_leg_rdl": GarminExercise(
        "DEADLIFT", "SINGLE_LEG_ROMANIAN_DEADLIFT_WITH_DUMBBELL", True
    ),
    "step_down": GarminExercise("SQUAT", "PARTIAL_SINGLE_LEG_SQUAT", False),
    "slider_curl": GarminExercise("LEG_CURL", "SLIDING_LEG_CURL", True),
    "reverse_lunge": GarminExercise("LUNGE", "DUMBBELL_REVERSE_LUNGE", True),
    "assisted_nordic": GarminExercise("LEG_CURL", "LEG_CURL", False),
    "nordic": GarminExercise("LEG_CURL", "LEG_CURL", False),
    "easy_walk": GarminExercise("RUN", "WALK", True),
    "gentle_mobility": GarminExercise("WARM_UP", "FORWARD_AND_BACKWARD_LEG_SWINGS", False),
}


def workout_name(session: Session, prefix: str) -> str:
    """``hamsync: focused 2026-W48-1``: the prefix marks it as ours, the id finds it again."""
    return f"{prefix} {session.kind.value} {session.id}"


def step_text(dose: Dose, settings: Settings) -> str:
    """The real name, the side note and the cue: what the runner reads on the watch."""
    entry = exercise(dose.key)
    side = " (each side)" if dose.per_side else ""
    text = f"{entry.name}{side}: {cue_for(dose.key, settings)}"
    return _cut(text, MAX_STEP_TEXT)


def build_workout(session: Session, settings: Settings, prefix: str) -> dict[str, Any]:
    """The JSON ``upload_strength_workout`` would send for ``session``."""
    steps: list[Any] = []
    order = 1
    for dose in session.exercises:
        mapped = EXERCISE_MAP[dose.key]
        text = step_text(dose, settings)
        if dose.hold_s is not None:
            steps.append(
                create_strength_timed_set(
                    mapped.category, order, dose.sets, float(dose.hold_s), float(dose.rest_s),
                    exercise_name=mapped.name, description=text,
                )
            )  # fmt: skip
        else:
            steps.append(
                create_strength_set(
                    mapped.category, order, dose.sets, dose.reps or 1, float(dose.rest_s),
                    exercise_name=mapped.name, description=text,
                )
            )  # fmt: skip
        order += 3
    reasons = " ".join(r.text for r in session.reasons[:2])
    about = f"Hamstring session planned by hamsync. {reasons}".strip()
    workout = StrengthWorkout(
        workoutName=workout_name(session, prefix),
        estimatedDurationInSecs=estimated_seconds(session),
        workoutSegments=[WorkoutSegment(segmentOrder=1, sportType=STRENGTH, workoutSteps=steps)],
        description=_cut(about, MAX_WORKOUT_TEXT),
    )
    payload: dict[str, Any] = workout.to_dict()
    return payload


def estimated_seconds(session: Session) -> int:
    total = 0
    for dose in session.exercises:
        sides = 2 if dose.per_side else 1
        work = dose.hold_s if dose.hold_s is not None else (dose.reps or 1) * SECONDS_PER_REP
        total += dose.sets * (work * sides + dose.rest_s)
    return total


def payload_hash(payload: dict[str, Any], day: str) -> str:
    """Changes exactly when the workout or its calendar day changes."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False) + "@" + day
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
