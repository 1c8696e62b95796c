"""Typed reasons in the stored plan and the JSON output; plans of the previous version read back;
the ``[rules]`` section derived from :class:`planner.settings.Rules`."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from planner.models import Dose, Reason, Session, SessionKind
from planner.settings import Rules
from sync.config.model import ConfigError, load_config
from sync.sinks.event_text import description, details_line, dose_text
from sync.store.serialize import session_body, session_from_body, session_from_json

OLD_BODY = {
    "id": "2026-W48-2",
    "date": "2026-11-26",
    "kind": "heavy",
    "heavy": True,
    "exercises": [{"key": "assisted_nordic", "sets": 2, "reps": 5, "per_side": False,
                   "rest_s": 120}],
    "reasons": [
        "week 2026-W48: 1 run (0 done, 1 planned) -> control + heavy (R5)",
        "moved from Thu 2026-11-26 to Sat 2026-11-28: Nordic session 2026-W48-1, R5 (72 h apart)",
        "a sentence without a rule",
    ],
}  # fmt: skip


def test_a_plan_stored_by_the_previous_version_reads_back() -> None:
    """Kind ``heavy`` is now ``heavier``; sentence reasons become records, the trailing
    rule id split off where there is one."""
    session = session_from_json(OLD_BODY)
    assert session.kind is SessionKind.HEAVIER and session.heavy
    first, moved, plain = session.reasons
    assert first == Reason("R5", "week 2026-W48: 1 run (0 done, 1 planned) -> control + heavy")
    assert moved.rule == "" and moved.text.startswith("moved from Thu")
    assert plain == Reason("", "a sentence without a rule")


def test_reasons_round_trip_as_records() -> None:
    """Stored and read back, a session is equal; the JSON holds rule, day and text."""
    session = Session(
        "2026-W48-1", date(2026, 11, 24), SessionKind.FOCUSED, (Dose("glute_bridge", 3, 10),),
        (Reason("R4", "800 m descent on Sat 2026-11-21", date(2026, 11, 21)), Reason("", "x")),
    )  # fmt: skip
    body = session_body(session)
    assert session_from_body(body) == session
    assert json.loads(body)["reasons"][0] == {
        "rule": "R4", "day": "2026-11-21", "text": "800 m descent on Sat 2026-11-21",
    }  # fmt: skip


def test_event_text_says_rules_once_and_durations_in_minutes() -> None:
    """Reasons in plain words, the rule ids in one details line; a walk is 20 min."""
    session = Session(
        "2026-W48-1", date(2026, 11, 24), SessionKind.RECOVERY,
        (Dose("easy_walk", 1, hold_s=1200), Dose("gentle_mobility", 2, hold_s=30, per_side=True)),
        (Reason("R7", "only if pain-free"), Reason("R5", "week of Mon 2026-11-23: 1 run")),
    )  # fmt: skip
    text = description(session)
    assert "- only if pain-free\n" in text and "(R7)" not in text
    assert details_line(session.reasons) in text
    assert details_line(session.reasons) == "Rules: R5, R7"
    assert dose_text(session.exercises[0]) == "1 x 20 min, rest 60 s"
    assert dose_text(session.exercises[1]).startswith("2 x 30 s per side")


def test_every_planning_number_is_configurable(tmp_path: Path) -> None:
    """Each field of Rules is a [rules] key with its default unless set; a misspelt key or a
    negative number is an error naming it."""
    names = [f.name for f in dataclasses.fields(Rules)]
    body = "[rules]\n" + "".join(f"{n} = 3\n" for n in names if n != "unfamiliar_ratio")
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    rules = load_config(path).settings().rules
    assert all(getattr(rules, n) == 3 for n in names if n != "unfamiliar_ratio")
    assert rules.unfamiliar_ratio == Rules().unfamiliar_ratio
    for bad, key in (("heavy_clear_days_before = -1", "rules.heavy_clear_days_before"),
                     ("heavy_clear_before_h = 72", "is now heavy_clear_days_before"),
                     ("hill_vert_m_per_km = 50", "is now hill_climb_m_per_km"),
                     ("heavy_descnet_m = 400", "rules.heavy_descnet_m"),
                     ("break_days = 1.5", "rules.break_days")):  # fmt: skip
        path.write_text(f"[rules]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as excinfo:
            load_config(path)
        assert key in str(excinfo.value)
