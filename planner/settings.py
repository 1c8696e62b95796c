"""Planning rules as data: every number of R1-R14 with its default and where it comes from.

The config file can override any field of :class:`Rules` (``[rules]``, whose model is
derived from this class) and the athlete fields of :class:`Settings` (``[athlete]``); the
planner never reads the config itself, it receives a :class:`Settings`. Each default names
its source: the guide (``domain/trail-hamstring-guide.txt``), a study the design cites, or
"hamsync default" where neither gives a number. Windows count whole calendar days in the
runner's time zone, the event's own day included (DESIGN.md, after the rule table).
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
    """The numbers of R1-R14; names say the unit (``_days`` are whole calendar days)."""

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
    # R3 -- the guide: the Nordic is not placed "right before" a long trail, a hard descent
    # or a hill session: no Nordic on the day of it or this many days before.
    heavy_clear_days_before: int = 1  # the guide ("right before"): the day before
    # R3 -- the guide: "before a long trail, avoid a new heavy Nordic stimulus": two clear
    # days before it, a week before a race.
    new_nordic_clear_days: int = 2  # hamsync default
    new_nordic_race_clear_days: int = 7  # hamsync default
    new_nordic_rung_days: int = 14  # hamsync default (the first two weeks on a Nordic rung)
    race_no_heavy_days: int = 4  # hamsync default (no Nordic in the 4 days before a race)
    race_no_progression_days: int = 10  # hamsync default (no step up in a race's last 10 days)
    # R4 -- the guide: "planning recovery after long descents"; downhill running weakens the
    # quads most over the next one to two days (Maeo 2017). Days after the run's own day.
    heavy_after_descent_days: int = 1  # hamsync default (that day and the next)
    heavy_after_very_heavy_descent_days: int = 2  # hamsync default (the next two)
    heavy_after_long_trail_days: int = 1  # hamsync default (that day and the next)
    quad_eccentric_after_descent_days: int = 1  # hamsync default (Maeo 2017: 24-48 h)
    planned_long_descent_runs: int = 4  # hamsync default (median of the last four long trails)
    race_recovery_days: int = 3  # hamsync default (recovery sessions only after a race)
    race_recovery_days_per_1000m: int = 1  # hamsync default (one more per full 1,000 m)
    ultra_no_quad_days: int = 5  # hamsync default (no step-downs or lunges after an ultra)
    ultra_no_heavy_days: int = 7  # hamsync default (no Nordic in the week after an ultra)
    # R5 -- weekly dose by runs in the week. Source: the guide ("With one trail run, use one
    # light control session and one short heavier session. With two to three runs, one
    # focused session and one small maintenance input"; "With many hills or technical
    # sessions, one focused session is often enough").
    hill_climb_m_per_km: float = 40.0  # hamsync default (climb alone: rolling trails are not)
    many_runs: int = 4  # hamsync default (the guide's table stops at three runs)
    many_hill_sessions: int = 2  # hamsync default (the guide's "many hills")
    median_weeks: int = 4  # hamsync default (the habitual count: median of the last 4 weeks)
    max_loading_sessions_per_week: int = 2  # the guide: "one or two short sessions per week"
    heavy_spacing_days: int = 3  # hamsync default (the guide: the Nordic is "not a daily test")
    # R6 -- keep an eccentric input going: in Presland 2018 the Nordic's fascicle gains were
    # gone after a two-week break; the exact 14 days: hamsync default.
    max_days_without_eccentric: int = 14
    step_days: int = 7  # the guide: progress "one step" at a time; a week: hamsync default
    # R7 -- the guide: "Do not immediately train harder"; "Sharp pain, bruising, weakness or
    # recurring symptoms deserve personal medical advice".
    sensitive_max_days: int = 7  # hamsync default (recovery at most this long, then control)
    fine_hold_days: int = 7  # hamsync default (no step up in the week after "fine")
    platform_sensitive_days: int = 2  # hamsync default (an effort field lasts 48 h)
    recurring_sensitive_days: int = 21  # hamsync default (a second "sensitive" within)
    recurring_after_pain_days: int = 42  # hamsync default (a "sensitive" within 6 weeks of pain)
    recurring_hold_days: int = 14  # hamsync default (the level held this long)
    # R11 -- spacing of every loading session. The guide: "too close to a trail session",
    # "A trail week becomes heavy quickly when strength work is stacked on top of vertical
    # metres".
    loading_min_gap_days: int = 2  # hamsync default (never on consecutive days)
    max_loading_in_7_days: int = 2  # the guide: "one or two short sessions per week"
    quad_clear_days_before_race: int = 3  # hamsync default
    # R12 -- within each exercise first. The guide: "make the exercise harder before making
    # the week harder"; slider curl "Start with both legs"; assisted Nordic "short ranges
    # and few reps".
    rung_min_days: int = 14  # hamsync default (two weeks at a rung at least)
    nordic_rung_min_days: int = 21  # hamsync default (three weeks per Nordic rung)
    reps_step: int = 2  # hamsync default (two more reps a week)
    # R14 -- graded return: the guide's FAQ; Presland 2018 (the Nordic's architectural gains
    # fade within weeks of stopping).
    break_days: int = 14  # Presland 2018 (two weeks)
    pain_no_nordic_days: int = 14  # hamsync default
    pain_level_cap: int = 3  # hamsync default (control work: bridge, walkout, single-leg RDL)
    return_normal_runs: int = 2  # hamsync default
    return_clean_sessions: int = 2  # hamsync default


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
    """Without a safe anchor for the feet, no Nordic variant is prescribed (R13)."""
    has_slider: bool = True
    run_words: tuple[str, ...] = DEFAULT_RUN_WORDS
    long_words: tuple[str, ...] = DEFAULT_LONG_WORDS
    hill_words: tuple[str, ...] = DEFAULT_HILL_WORDS
    race_words: tuple[str, ...] = DEFAULT_RACE_WORDS
    long_event_min_s: float = 90 * 60  # hamsync default, as R1's 90 min
    ultra_min_distance_m: float = 42_195.0  # hamsync default: longer than a marathon
    ultra_min_duration_s: float = 5 * 3600  # hamsync default
