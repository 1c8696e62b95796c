"""Planning rules as data: every number of R1-R10 with its default and where it comes from.

The config file can override any field (``[rules]`` and ``[athlete]``); the planner never
reads the config itself, it receives a :class:`Settings`. Each default names its source:
the guide (``domain/trail-hamstring-guide.txt``), a study the design cites, or
"hamsync default" where neither gives a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Whole words that make a calendar event a planned run, and the words that mark its kind:
# hamsync default (DESIGN.md, look-ahead). Configurable, so other languages can be added.
DEFAULT_RUN_WORDS: tuple[str, ...] = (
    "run", "running", "trail", "jog", "long run", "race", "hills", "vert", "ultra", "marathon",
)  # fmt: skip
DEFAULT_LONG_WORDS: tuple[str, ...] = ("long",)
DEFAULT_HILL_WORDS: tuple[str, ...] = ("hill", "hills", "vert", "climb", "repeats")
DEFAULT_RACE_WORDS: tuple[str, ...] = ("race",)


@dataclass(frozen=True, slots=True)
class Rules:
    """The numbers of R1-R6; names say the unit."""

    # R1 -- "long trail" is the guide's word; the numbers are not in it.
    long_trail_min_moving_s: float = 90 * 60  # hamsync default
    trail_vert_m_per_km: float = 25.0  # hamsync default (climb plus descent per km)
    # R2 -- heavy descents: the guide asks for "recovery after long descents" and names no
    # figure; downhill running damages the leg muscles (Maeo 2017, Bontemps 2020).
    heavy_descent_m: float = 500.0  # hamsync default
    very_heavy_descent_m: float = 1000.0  # hamsync default
    # R2 -- unfamiliar load: the guide says to build vertical metres "gradually"; runners
    # least used to downhill running get the most muscle damage (Bontemps 2020).
    unfamiliar_ratio: float = 1.5  # hamsync default
    unfamiliar_lookback_days: int = 42  # hamsync default (six weeks)
    unfamiliar_min_history_days: int = 28  # hamsync default (four weeks)
    # R3 -- the guide: the Nordic is "not placed right before a long trail or hill session"
    # (nor "a hard descent"); "before a long trail, avoid a new heavy Nordic stimulus".
    heavy_clear_before_h: int = 72  # hamsync default
    heavy_clear_before_adapted_h: int = 48  # hamsync default
    adapted_weeks: int = 4  # hamsync default (a Nordic done in each of the last 4 weeks)
    # R4 -- the guide: "planning recovery after long descents"; downhill running weakens
    # the quads most, over 24-48 h (Maeo 2017). The hours themselves are our choice.
    heavy_after_descent_h: int = 48  # hamsync default
    heavy_after_very_heavy_descent_h: int = 72  # hamsync default
    quad_eccentric_after_descent_h: int = 48  # hamsync default
    race_recovery_days: int = 3  # hamsync default (recovery sessions only after a race)
    ultra_no_heavy_days: int = 7  # hamsync default (no Nordic after an ultra)
    # Race taper: no step up the ladder, then no Nordic, in the days before a race.
    race_no_progression_days: int = 10  # hamsync default
    race_no_heavy_days: int = 4  # hamsync default
    # R5 -- weekly dose by runs in the week. Source: the guide ("With one trail run, use one
    # light control session and one short heavier session. With two to three runs, one
    # focused session and one small maintenance input"; "With many hills or technical
    # sessions, one focused session is often enough").
    hill_vert_m_per_km: float = 50.0  # hamsync default
    many_runs: int = 4  # hamsync default (the guide's table stops at three runs)
    many_hill_sessions: int = 2  # hamsync default (the guide's "many hills")
    max_loading_sessions_per_week: int = 2  # the guide: "one or two short sessions per week"
    heavy_spacing_h: int = 72  # hamsync default (the guide: the Nordic is "not a daily test")
    # R6 -- keep an eccentric input going: in Presland 2018 the Nordic's fascicle gains were
    # gone after a two-week break; the exact 14 days: hamsync default.
    max_days_without_eccentric: int = 14


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the planner needs to know about the runner and the rules."""

    rules: Rules = field(default_factory=Rules)
    horizon_days: int = 14  # hamsync default (DESIGN.md: today and the 13 days after it)
    long_run_days: tuple[int, ...] = (5,)  # hamsync default (Saturday)
    """ISO weekday numbers 0=Mon..6=Sun of habitual long trail runs (``["sat"]`` -> (5,))."""
    preferred_days: tuple[int, ...] = ()
    """Weekdays the runner prefers for strength work; empty means any."""
    blocked_days: tuple[int, ...] = ()
    """Weekdays that never get a session."""
    starting_level: int = 1  # the guide: "start with control and small volume"
    has_nordic_anchor: bool = True
    """Without a safe anchor for the feet, the full Nordic is never prescribed."""
    has_slider: bool = True
    run_words: tuple[str, ...] = DEFAULT_RUN_WORDS
    long_words: tuple[str, ...] = DEFAULT_LONG_WORDS
    hill_words: tuple[str, ...] = DEFAULT_HILL_WORDS
    race_words: tuple[str, ...] = DEFAULT_RACE_WORDS
    long_event_min_s: float = 90 * 60  # hamsync default, as R1's 90 min
    ultra_min_distance_m: float = 42_195.0  # hamsync default: longer than a marathon
    ultra_min_duration_s: float = 5 * 3600  # hamsync default
