"""Run and calendar-event classification (R1, R2, R5 and the look-ahead rules)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planner_builders import MON, day, run

from planner.classify import classify_event, classify_run, classify_runs
from planner.models import Run, Sport
from planner.reasons import describe_run_flags
from planner.settings import Settings

S = Settings()


@pytest.mark.parametrize(
    ("kwargs", "trail", "long", "heavy", "very", "hill"),
    [
        ({"km": 10, "up": 50, "down": 50, "minutes": 55}, False, False, False, False, False),
        ({"km": 10, "up": 250, "down": 250, "minutes": 60}, True, False, False, False, False),
        ({"km": 10, "up": 400, "down": 400, "minutes": 60}, True, False, False, False, True),
        ({"km": 7, "up": 190, "down": 190, "minutes": 50}, True, False, False, False, False),
        ({"km": 10, "up": 125, "down": 125, "minutes": 60}, True, False, False, False, False),
        ({"km": 20, "up": 200, "down": 200, "minutes": 95, "sport": Sport.TRAIL_RUN},
         True, True, False, False, False),
        ({"km": 22, "up": 20, "down": 20, "minutes": 120}, False, False, False, False, False),
        ({"km": 20, "up": 520, "down": 500, "minutes": 120}, True, True, True, False, False),
        ({"km": 20, "up": 820, "down": 500, "minutes": 120}, True, True, True, False, False),
        ({"km": 12, "up": 820, "down": 500, "minutes": 80}, True, False, True, False, True),
        ({"km": 25, "up": 1000, "down": 1000, "minutes": 200}, True, True, True, True, False),
        ({"km": 12, "up": 900, "down": 900, "minutes": 240, "sport": Sport.HIKE},
         False, False, True, False, False),
    ],
)  # fmt: skip
def test_classify_run_table(
    kwargs: dict[str, object], trail: bool, long: bool, heavy: bool, very: bool, hill: bool
) -> None:
    """Trail, long, heavy/very heavy descent and hill flags switch at the design's thresholds;
    a hill session by its climb alone (40 m per km), so rolling trails stay trails, and a
    long trail is not also a hill session (R5)."""
    r = run(MON, **kwargs)  # type: ignore[arg-type]
    flags = classify_run(r, [r], S)
    assert (flags.trail, flags.long, flags.heavy_descent, flags.very_heavy_descent, flags.hill) == (
        trail,
        long,
        heavy,
        very,
        hill,
    )


def _weekly_history(weeks: int, descent: float) -> list:  # type: ignore[type-arg]
    return [run(MON - timedelta(weeks=k), name=f"w{k}", down=descent) for k in range(1, weeks + 1)]


def test_unfamiliar_descent_counts_as_very_heavy() -> None:
    """700 m of descent after five weeks of at most 400 m is unfamiliar, so very heavy (R2)."""
    new = run(MON, name="Big", km=20, up=700, down=700, minutes=150)
    flags = classify_run(new, [*_weekly_history(5, 400), new], S)
    assert flags.heavy_descent and flags.very_heavy_descent and flags.unfamiliar


def test_unfamiliar_needs_four_weeks_of_history() -> None:
    """With only three weeks of history the same 700 m descent stays merely heavy (R2)."""
    new = run(MON, name="Big", km=20, up=700, down=700, minutes=150)
    flags = classify_run(new, [*_weekly_history(3, 400), new], S)
    assert flags.heavy_descent and not flags.very_heavy_descent and not flags.unfamiliar


def test_familiar_descent_stays_heavy() -> None:
    """A 700 m descent after weeks with 600 m descents is not unfamiliar (1.5x rule, R2)."""
    new = run(MON, name="Big", km=20, up=700, down=700, minutes=150)
    flags = classify_run(new, [*_weekly_history(5, 600), new], S)
    assert flags.heavy_descent and not flags.very_heavy_descent


@pytest.mark.parametrize(
    ("title", "duration_s", "distance_m", "all_day", "expected"),
    [
        ("Long run", None, None, False, (True, True, False, False, False)),
        ("long RUN with friends", 3600, None, False, (True, True, False, False, False)),
        ("Easy jog", 100 * 60, None, False, (True, True, False, False, False)),
        ("Easy jog", 60 * 60, None, False, (True, False, False, False, False)),
        ("Hills session", 3600, None, False, (True, False, True, False, False)),
        ("Hill repeats", 3600, None, False, (False, False, False, False, False)),
        ("Trail race", 4 * 3600, 30_000, False, (True, True, False, True, False)),
        ("Trail race", 4 * 3600, 50_000, False, (True, True, False, True, True)),
        ("Marathon race", 3.5 * 3600, 42_195, False, (True, True, False, True, False)),
        ("Mountain race", 5 * 3600, 30_000, False, (True, True, False, True, True)),
        ("Trailhead clean-up", 3600, None, False, (False, False, False, False, False)),
        ("Rerun of the meeting", 3600, None, False, (False, False, False, False, False)),
        ("Dentist", 3600, None, False, (False, False, False, False, False)),
        ("Easy jog", 86_400, None, True, (True, False, False, False, False)),
        ("Race day", 86_400, None, True, (True, False, False, True, False)),
    ],
)  # fmt: skip
def test_classify_event_table(
    title: str,
    duration_s: float | None,
    distance_m: float | None,
    all_day: bool,
    expected: tuple[bool, bool, bool, bool, bool],
) -> None:
    """Calendar titles become runs, long trails, hill sessions, races and ultras by whole words."""
    got = classify_event(title, duration_s, distance_m, all_day, False, S)
    assert (got.is_run, got.long, got.hill, got.race, got.ultra) == expected


def test_event_words_are_configurable() -> None:
    """A runner can add words in another language: 'Berglauf' counts as a run and a race."""
    settings = Settings(run_words=(*S.run_words, "berglauf"), race_words=("race", "berglauf"))
    got = classify_event("Berglauf Zermatt", 3 * 3600, 20_000, False, False, settings)
    assert got.is_run and got.race and got.long


def test_cancelled_event_without_run_word_is_not_a_run() -> None:
    """A cancelled 'Team meeting' never becomes a planned run."""
    assert not classify_event("Team meeting", 3600, None, False, True, S).is_run


def test_describe_run_flags_names_figures_and_flags() -> None:
    """The CLI line for a run shows distance, climb and descent with separators, then its flags."""
    r = run(day(2), name="Col run", km=25, up=1250, down=1240, minutes=200)
    text = describe_run_flags(r, classify_run(r, [r], S), day(2))
    assert text.startswith("Wed 2026-11-25 'Col run'")
    assert "+1,250/-1,240 m" in text
    assert "long trail" in text and "very heavy descent" in text
    assert "hill session" not in text  # a long trail is not also a hill session (R5)
    short = run(day(2), name="Repeats", km=10, up=450, down=450, minutes=70)
    assert "hill session" in describe_run_flags(short, classify_run(short, [short], S), day(2))


def _unfamiliar_by_definition(new: Run, history: list[Run], cfg: Settings) -> bool:
    """R2 read straight from DESIGN.md, scanning every earlier run."""
    earlier = [r for r in history if r.start < new.start and r.id != new.id]
    if not earlier or new.start - min(r.start for r in earlier) < timedelta(days=28):
        return False
    since = new.start - timedelta(days=42)
    largest = max((r.descent_m or 0.0 for r in earlier if r.start >= since), default=0.0)
    return (new.descent_m or 0.0) > 1.5 * largest


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-80, 0), st.sampled_from([0, 300, 450, 500, 700, 1200])),
        max_size=25,
    )
)
def test_classify_runs_matches_the_definition_of_unfamiliar_load(
    spec: list[tuple[int, int]],
) -> None:
    """Sorting once and looking back six weeks gives the same flags as a full scan (R2)."""
    runs = [run(day(off), name=f"r{i}", km=20, up=down, down=down, minutes=120)
            for i, (off, down) in enumerate(spec)]  # fmt: skip
    flags = classify_runs(runs, S)
    assert flags == [classify_run(r, runs, S) for r in runs]
    for r, f in zip(runs, flags, strict=True):
        heavy = (r.descent_m or 0.0) >= 500
        assert f.unfamiliar is (heavy and _unfamiliar_by_definition(r, runs, S))
