"""The rule table: each rule of DESIGN.md (R1-R14) with its source and its defaults.

Every number of :class:`planner.settings.Rules` belongs to exactly one rule; each rule names
where it comes from: a sentence of the guide (checked word for word against
``../shared/domain/trail-hamstring-guide.txt``), a study the design cites, or "hamsync
default"; and planner/settings.py names the source next to each default.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from planner.settings import Rules

GUIDE = Path(__file__).resolve().parents[3] / "shared" / "domain" / "trail-hamstring-guide.txt"
SETTINGS = Path(__file__).resolve().parents[2] / "planner" / "settings.py"
STUDIES = ("Petersen 2011", "van Dyk 2019", "Presland 2018", "Lacome 2020", "Coratella 2025",
           "Maeo 2017", "Bontemps 2020")  # fmt: skip

# rule -> (guide sentences, studies, the Rules fields that hold its numbers, their defaults)
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, float]]] = {
    "R1": (("Trail running hamstring exercises should match climbing, descending, technical "
            "paths and tired braking.",), (),
           {"long_trail_min_moving_s": 5400, "trail_vert_m_per_km": 25}),
    "R2": (("planning recovery after long descents",), ("Maeo 2017", "Bontemps 2020"),
           {"heavy_descent_m": 500, "very_heavy_descent_m": 1000, "unfamiliar_ratio": 1.5,
            "unfamiliar_lookback_days": 42, "unfamiliar_min_history_days": 28}),
    "R3": (("not placed right before a hard descent or long trail",
            "calm Nordic work that is not placed right before a long trail or hill session",
            "Before a long trail, avoid a new heavy Nordic stimulus."), (),
           {"heavy_clear_days_before": 1, "new_nordic_clear_days": 2,
            "new_nordic_race_clear_days": 7, "new_nordic_rung_days": 14,
            "race_no_heavy_days": 4}),
    "R4": (("planning recovery after long descents",), ("Maeo 2017",),
           {"heavy_after_descent_days": 1, "heavy_after_very_heavy_descent_days": 2,
            "heavy_after_long_trail_days": 1, "quad_eccentric_after_descent_days": 1,
            "planned_long_descent_runs": 4, "race_recovery_days": 3,
            "race_recovery_days_per_1000m": 1, "ultra_no_quad_days": 5,
            "ultra_no_heavy_days": 7}),
    "R5": (("With one trail run, use one light control session and one short heavier session.",
            "With two to three runs, use one focused hamstring session and one small "
            "maintenance input.",
            "With many hills or technical sessions, one focused session is often enough.",
            "Most trail runners do well with one or two short sessions per week.",
            "not as a daily test"), (),
           {"hill_climb_m_per_km": 40, "many_runs": 4, "many_hill_sessions": 2,
            "median_weeks": 4, "max_loading_sessions_per_week": 2, "heavy_spacing_days": 3}),
    "R6": (("Start with control and small volume, progress only when you can run normally the "
            "next day",
            "Start with bridges, walkouts, single-leg Romanian deadlifts and step-downs. Add "
            "slider curls, reverse lunges and assisted Nordics when control stays good."),
           ("Presland 2018",),
           {"max_days_without_eccentric": 14, "step_days": 7, "race_no_progression_days": 10}),
    "R7": (("Do not immediately train harder. Use easy bridges, walking, gentle mobility and "
            "pain-free movement. Sharp pain, bruising, weakness or recurring symptoms deserve "
            "personal medical advice.",), (),
           {"sensitive_max_days": 7, "fine_hold_days": 7, "platform_sensitive_days": 2,
            "recurring_sensitive_days": 21, "recurring_after_pain_days": 42,
            "recurring_hold_days": 14}),
    "R8": ((), (), {}),
    "R9": ((), (), {}),
    "R10": (("Use it as a heavier eccentric stimulus",), (), {}),
    "R11": (("the dose was probably too high or too close to a trail session",
             "A trail week becomes heavy quickly when strength work is stacked on top of "
             "vertical metres."), (),
            {"loading_min_gap_days": 2, "max_loading_in_7_days": 2,
             "quad_clear_days_before_race": 3}),
    "R12": (("make the exercise harder before making the whole running week harder",
             "Start with both legs. Move to one leg only when the hips stay level.",
             "Start with short ranges and few reps."), (),
            {"rung_min_days": 14, "nordic_rung_min_days": 21, "reps_step": 2}),
    "R13": (("secure the ankles low and firmly",), (), {}),
    "R14": (("Do not immediately train harder.",), ("Presland 2018",),
            {"break_days": 14, "pain_no_nordic_days": 14, "pain_level_cap": 3,
             "return_normal_runs": 2, "return_clean_sessions": 2}),
}  # fmt: skip


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def test_every_number_belongs_to_exactly_one_rule_with_its_default() -> None:
    """The table holds every field of Rules once, at the default the planner uses."""
    fields = {f.name: f.default for f in dataclasses.fields(Rules)}
    listed = [name for _, _, numbers in RULES.values() for name in numbers]
    assert sorted(listed) == sorted(fields), set(fields) ^ set(listed)
    for rule, (_, _, numbers) in RULES.items():
        for name, default in numbers.items():
            assert fields[name] == default, (rule, name)


def test_every_rule_has_a_source_in_the_guide_or_a_study() -> None:
    """Each rule with numbers or a coaching choice cites the guide or a study; every guide
    sentence quoted is in the guide, word for word; every study is one the design cites."""
    if not GUIDE.is_file():
        pytest.skip(f"the guide is not at {GUIDE}")
    guide = _norm(GUIDE.read_text(encoding="utf-8"))
    for rule, (quotes, studies, numbers) in RULES.items():
        if numbers:
            assert quotes or studies, rule
        for quote in quotes:
            assert _norm(quote) in guide, (rule, quote)
        for study in studies:
            assert study in STUDIES, (rule, study)


def test_settings_name_the_source_next_to_each_default() -> None:
    """planner/settings.py: each Rules field's line or the comment just above it names the
    guide, a study, or "hamsync default"."""
    lines = SETTINGS.read_text(encoding="utf-8").splitlines()
    sources = ("hamsync default", "the guide", *STUDIES)
    for f in dataclasses.fields(Rules):
        at = next(i for i, line in enumerate(lines) if re.match(rf"\s+{f.name}:", line))
        above = []
        for line in reversed(lines[:at]):
            if not line.strip().startswith("#"):
                break
            above.append(line)
        said = lines[at] + " ".join(above)
        assert any(s.lower() in said.lower() for s in sources), f.name
