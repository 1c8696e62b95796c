"""Planning rules as data: every number of R1-R10 with its default and where it comes from.

The config file can override any field (``[rules]`` and ``[athlete]``); the planner never
reads the config itself, it receives a :class:`Settings`. Each default names its source:
the guide (``domain/trail-hamstring-guide.txt``), a study the design cites, or
"hamsync default" where neither gives a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Whole words that make a calendar event a planned run, and the words that mark its kind
# (DESIGN.md, look-ahead). Lists are configurable so other languages can be added.
DEFAULT_RUN_WORDS: tuple[str, ...] = (
    "run", "running", "trail", "jog", "long run", "race", "hills", "vert", "ultra", "marathon",
)  # fmt: skip
DEFAULT_LONG_WORDS: tuple[str, ...] = ("long",)
DEFAULT_HILL_WORDS: tuple[str, ...] = ("hill", "hills", "vert", "climb", "repeats")
DEFAULT_RACE_WORDS: tuple[str, ...] = ("race",)


@dataclass(frozen=True, slots=True)
class Rules:
    """The numbers of R1-R6; names say the unit."""

    # R1 -- source: the guide ("long trail"); 90 min threshold: hamsync default.
    long_trail_min_moving_s: float = 90 * 60
    # R1 -- climb plus descent per km that makes a run a trail run: hamsync default.
    trail_vert_m_per_km: float = 25.0
    # R2 -- heavy descent thresholds: hamsync default, after the guide's "long descents".
    heavy_descent_m: float = 500.0
    very_heavy_descent_m: float = 1000.0
    # R2 -- unfamiliar load: 1.5x the largest of the previous six weeks (hamsync default,
    # after the gradual-load advice of the guide and Viljoen 2021).
    unfamiliar_ratio: float = 1.5
    unfamiliar_lookback_days: int = 42
    unfamiliar_min_history_days: int = 28
    # R3 -- no heavy session within 72 h before a long trail, heavy descent, hill session or
    # race; 48 h once adapted (a Nordic in each of the last four weeks). Source: the guide
    # ("not placed right before a long trail or hill session"); hours: hamsync default.
    heavy_clear_before_h: int = 72
    heavy_clear_before_adapted_h: int = 48
    adapted_weeks: int = 4
    # R4 -- after a heavy descent: no heavy session for 48 h (72 h after a very heavy one);
    # no quad-eccentric exercise for 48 h. Source: the guide ("planning recovery after long
    # descents"); hours: hamsync default.
    heavy_after_descent_h: int = 48
    heavy_after_very_heavy_descent_h: int = 72
    quad_eccentric_after_descent_h: int = 48
    # R4 -- after a race: recovery only for 3 days; after an ultra no heavy session for 7.
    race_recovery_days: int = 3
    ultra_no_heavy_days: int = 7
    # R4/race taper (issue 6): hamsync default.
    race_no_progression_days: int = 10
    race_no_heavy_days: int = 4
    # R5 -- weekly dose by runs in the week. Source: the guide ("With one trail run, use one
    # light control session and one short heavier session. With two to three runs, one
    # focused session and one small maintenance input"; "With many hills ... one focused
    # session is often enough").
    hill_vert_m_per_km: float = 50.0
    many_runs: int = 4
    many_hill_sessions: int = 2
    max_loading_sessions_per_week: int = 2  # guide: "one or two short sessions per week"
    heavy_spacing_h: int = 72  # hamsync default
    # R6 -- never more than 14 days without an eccentric hamstring input: hamsync default
    # after van Dyk 2019 (adherence) and Presland 2018 (low volume keeps the adaptation).
    max_days_without_eccentric: int = 14


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the planner needs to know about the runner and the rules."""

    rules: Rules = field(default_factory=Rules)
    horizon_days: int = 14
    long_run_days: tuple[int, ...] = (5,)
    """ISO weekday numbers 0=Mon..6=Sun of habitual long trail runs (``["sat"]`` -> (5,))."""
    preferred_days: tuple[int, ...] = ()
    """Weekdays the runner prefers for strength work; empty means any."""
    blocked_days: tuple[int, ...] = ()
    """Weekdays that never get a session."""
    starting_level: int = 1
    has_nordic_anchor: bool = True
    """Without a safe anchor for the feet, the full Nordic is never prescribed."""
    has_slider: bool = True
    run_words: tuple[str, ...] = DEFAULT_RUN_WORDS
    long_words: tuple[str, ...] = DEFAULT_LONG_WORDS
    hill_words: tuple[str, ...] = DEFAULT_HILL_WORDS
    race_words: tuple[str, ...] = DEFAULT_RACE_WORDS
    long_event_min_s: float = 90 * 60
    ultra_min_distance_m: float = 42_195.0
    ultra_min_duration_s: float = 5 * 3600
