"""The TOML configuration file, validated by pydantic, and its translation to planner settings.

The config holds references to secrets, never secrets: passwords and tokens come from the
keyring or the environment (:mod:`sync.secrets`). Relative paths are relative to the
config file, so the same file works from any working directory.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from planner.settings import (
    DEFAULT_HILL_WORDS,
    DEFAULT_LONG_WORDS,
    DEFAULT_RACE_WORDS,
    DEFAULT_RUN_WORDS,
    Rules,
    Settings,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ConfigError(Exception):
    """A config problem the runner can fix; the message names the file and the key or line."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AthleteConfig(_Section):
    long_run_days: list[Weekday] = Field(default_factory=lambda: list[Weekday](["sat"]))
    preferred_days: list[Weekday] = Field(default_factory=list)
    blocked_days: list[Weekday] = Field(default_factory=list)
    session_time: str = "18:00"
    """Local start time of each session in the calendar, or "all-day"."""
    session_minutes: Annotated[int, Field(ge=5, le=120)] = 20
    starting_level: Annotated[int, Field(ge=1, le=8)] = 1
    nordic_anchor: bool = True
    slider: bool = True

    @field_validator("session_time")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        if value != "all-day":
            try:
                time.fromisoformat(value)
            except ValueError:
                raise ValueError('expected "HH:MM" or "all-day"') from None
        return value


class FilesSourceConfig(_Section):
    enabled: bool = True
    path: Path
    relative_to_today: bool = False
    """Demo only: shift the sample runs by whole weeks so the newest is in the last 7 days."""


class StravaSourceConfig(_Section):
    """Your own Strava API application; its secret and the tokens live in the keyring."""

    enabled: bool = True
    client_id: Annotated[int, Field(gt=0)]
    sports: list[str] = Field(default_factory=lambda: ["Run", "TrailRun"])
    """Strava sport types to pull (Run, TrailRun; also e.g. VirtualRun, Hike, Walk)."""
    overlap_hours: Annotated[int, Field(ge=0, le=24 * 14)] = 48
    """Each sync looks this far back before the newest run seen (late uploads, edits)."""
    history_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """How far back the first sync reads; a long history completes over several syncs."""
    max_requests_per_sync: Annotated[int, Field(ge=1, le=1000)] = 90
    """A cap below Strava's 100 reads per 15 minutes, whatever the usage headers say."""
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 30
    checkins_from_exertion: bool = False
    """Opt-in: a perceived exertion of 9/10 or more counts as "sensitive" (never "pain")."""


class GarminSourceConfig(_Section):
    """Garmin Connect activities; the tokens come from `hamsync login garmin`, never a password."""

    enabled: bool = True
    overlap_days: Annotated[int, Field(ge=0, le=30)] = 3
    """Each sync reads again the activities of these last days (late uploads, edits)."""
    initial_days: Annotated[int, Field(ge=1, le=730)] = 56
    """The first sync reads this far back."""
    checkins_from_feel: bool = False
    """Opt-in: a weak post-run feel or an extreme perceived effort counts as "sensitive"."""
    min_interval_s: Annotated[float, Field(ge=1.0, le=60.0)] = 1.0
    """Pause between two calls to Garmin Connect (at least one second)."""


class SourcesConfig(_Section):
    files: FilesSourceConfig | None = None
    garmin: GarminSourceConfig | None = None
    strava: StravaSourceConfig | None = None


class CalDavConfig(_Section):
    """A CalDAV calendar; the password comes from the keyring or HAMSYNC_CALDAV_PASSWORD."""

    enabled: bool = True
    url: str
    """The server's CalDAV address (Nextcloud: https://host/remote.php/dav)."""
    username: str
    calendar: str
    """The calendar's display name, or its full URL."""
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 30


class UpcomingConfig(_Section):
    ics: str | None = None
    """A path (relative to the config file) or an https URL of the runner's own calendar."""
    garmin: bool = False
    """Planned runs and races on the Garmin Connect calendar (needs `hamsync login garmin`)."""
    caldav: CalDavConfig | None = None
    """Its password: HAMSYNC_CALDAV_UPCOMING_PASSWORD, else the [sinks.caldav] one."""
    run_words: list[str] | None = None
    """Whole words that make an event a planned run (replace the defaults, any language)."""
    long_words: list[str] | None = None
    hill_words: list[str] | None = None
    race_words: list[str] | None = None

    def words(self, words: list[str] | None, default: tuple[str, ...]) -> tuple[str, ...]:
        """A list the runner set (lower-cased), or the planner's default when unset."""
        return tuple(w.lower() for w in words) if words else default


class IcsSinkConfig(_Section):
    enabled: bool = True
    path: Path
    name: str = "hamsync hamstring sessions"


class StravaNotesConfig(_Section):
    """A marked block in the Strava description of long trails and heavy descents."""

    enabled: bool = False
    """Off by default: descriptions can be public."""


class GarminSinkConfig(_Section):
    """Strength workouts on the Garmin Connect calendar (and so on the watch)."""

    enabled: bool = True
    name_prefix: Annotated[str, Field(min_length=3, max_length=20)] = "hamsync:"
    """Starts every workout name; only workouts with it (and a recorded id) are touched."""


class GarminNotesConfig(_Section):
    """hamsync's marked block in Garmin activity descriptions (they can be public)."""

    enabled: bool = False


class SinksConfig(_Section):
    ics: IcsSinkConfig | None = None
    garmin: GarminSinkConfig | None = None
    garmin_notes: GarminNotesConfig | None = None
    caldav: CalDavConfig | None = None
    strava_notes: StravaNotesConfig | None = None


class FeedConfig(_Section):
    """The ICS feed of ``hamsync serve`` (and of the daemon when enabled)."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8765


class DaemonConfig(_Section):
    """``hamsync daemon``: how often it syncs, when it re-plans, how failing parts back off."""

    interval_minutes: Annotated[int, Field(ge=1, le=1440)] = 30
    replan_at: str = "05:00"
    """Local time (in ``timezone``) of the daily re-plan."""
    backoff_max_minutes: Annotated[int, Field(ge=1, le=10080)] = 360
    """A failing source or sink is retried after 1, 2, 4... intervals, at most this long."""
    log_file: Path | None = None
    """JSON log lines, rotated; default ``hamsync.log`` in the state directory."""

    @field_validator("replan_at")
    @classmethod
    def _valid_replan(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise ValueError('expected a local time as "HH:MM"') from None
        return value[:5]


class RaceConfig(_Section):
    """A race from the config (``[[races]]``): taper before it, recovery after it."""

    date: dt.date
    name: str = "Race"
    distance_km: Annotated[float, Field(gt=0)] | None = None
    ultra: bool | None = None
    """Default: an ultra when longer than a marathon (42.2 km)."""


class RulesConfig(_Section):
    """Overrides of the planning rules; names are those of :class:`planner.settings.Rules`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    long_trail_min_moving_s: float | None = None
    trail_vert_m_per_km: float | None = None
    heavy_descent_m: float | None = None
    very_heavy_descent_m: float | None = None
    unfamiliar_ratio: float | None = None
    heavy_clear_before_h: int | None = None
    heavy_clear_before_adapted_h: int | None = None
    heavy_after_descent_h: int | None = None
    heavy_after_very_heavy_descent_h: int | None = None
    quad_eccentric_after_descent_h: int | None = None
    race_recovery_days: int | None = None
    ultra_no_heavy_days: int | None = None
    race_no_progression_days: int | None = None
    race_no_heavy_days: int | None = None
    hill_vert_m_per_km: float | None = None
    max_loading_sessions_per_week: Annotated[int, Field(ge=1, le=3)] | None = None
    heavy_spacing_h: int | None = None
    max_days_without_eccentric: int | None = None


class Config(_Section):
    timezone: str = "UTC"
    state_dir: Path | None = None
    horizon_days: Annotated[int, Field(ge=7, le=28)] = 14
    athlete: AthleteConfig = Field(default_factory=AthleteConfig)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    upcoming: UpcomingConfig = Field(default_factory=UpcomingConfig)
    sinks: SinksConfig = Field(default_factory=SinksConfig)
    feed: FeedConfig = Field(default_factory=FeedConfig)
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    races: list[RaceConfig] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'unknown time zone {value!r} (use an IANA name such as "Europe/Zurich")'
            ) from None
        return value

    @model_validator(mode="after")
    def _notes_need_strava(self) -> Config:
        notes = self.sinks.strava_notes
        if notes is not None and notes.enabled and self.sources.strava is None:
            raise ValueError("[sinks.strava_notes] needs [sources.strava] (its client_id)")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def settings(self) -> Settings:
        """The planner's view of this config: rules with overrides, athlete preferences."""
        overrides = {k: v for k, v in self.rules.model_dump().items() if v is not None}
        return Settings(
            rules=Rules(**overrides),
            horizon_days=self.horizon_days,
            long_run_days=tuple(WEEKDAYS.index(d) for d in self.athlete.long_run_days),
            preferred_days=tuple(WEEKDAYS.index(d) for d in self.athlete.preferred_days),
            blocked_days=tuple(WEEKDAYS.index(d) for d in self.athlete.blocked_days),
            starting_level=self.athlete.starting_level,
            has_nordic_anchor=self.athlete.nordic_anchor,
            has_slider=self.athlete.slider,
            run_words=self.upcoming.words(self.upcoming.run_words, DEFAULT_RUN_WORDS),
            long_words=self.upcoming.words(self.upcoming.long_words, DEFAULT_LONG_WORDS),
            hill_words=self.upcoming.words(self.upcoming.hill_words, DEFAULT_HILL_WORDS),
            race_words=self.upcoming.words(self.upcoming.race_words, DEFAULT_RACE_WORDS),
        )


def default_config_path() -> Path:
    """The platform's config location (XDG on Linux)."""
    return Path(platformdirs.user_config_dir("hamsync")) / "config.toml"


def default_state_dir() -> Path:
    return Path(platformdirs.user_data_dir("hamsync"))


def load_config(path: Path) -> Config:
    """Read and validate ``path``; every problem becomes a :class:`ConfigError` naming it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file (copy config.example.toml there, or pass --config PATH)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {_toml_position(exc, raw)}") from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None
    return _resolve_paths(config, path.parent.resolve())


def _toml_position(exc: tomllib.TOMLDecodeError, raw: bytes) -> str:
    """tomllib says "at end of document" for an unclosed bracket: name the last line instead."""
    message = str(exc)
    if "(at end of document)" in message:
        last_line = raw.decode("utf-8").rstrip("\n").count("\n") + 1
        message = message.replace("(at end of document)", f"(at line {last_line}, end of file)")
    return message


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: invalid configuration:"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (check its spelling and section)"
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def _resolve_paths(config: Config, base: Path) -> Config:
    def resolve(p: Path) -> Path:
        p = p.expanduser()
        return p if p.is_absolute() else base / p

    update: dict[str, Any] = {
        "state_dir": resolve(config.state_dir) if config.state_dir else default_state_dir(),
    }
    sources = config.sources
    if sources.files is not None:
        sources = sources.model_copy(
            update={"files": sources.files.model_copy(update={"path": resolve(sources.files.path)})}
        )
    sinks = config.sinks
    if sinks.ics is not None:
        sinks = sinks.model_copy(
            update={"ics": sinks.ics.model_copy(update={"path": resolve(sinks.ics.path)})}
        )
    upcoming = config.upcoming
    if upcoming.ics and not upcoming.ics.startswith(("https://", "http://")):
        upcoming = upcoming.model_copy(update={"ics": str(resolve(Path(upcoming.ics)))})
    daemon = config.daemon
    if daemon.log_file is not None:
        daemon = daemon.model_copy(update={"log_file": resolve(daemon.log_file)})
    update.update(sources=sources, sinks=sinks, upcoming=upcoming, daemon=daemon)
    return config.model_copy(update=update)
