"""The TOML configuration file, validated by pydantic, and its translation to planner settings.

The config holds references to secrets, never secrets: passwords and tokens come from the
keyring or the environment (:mod:`sync.config.keystore`). Relative paths are relative to the
config file, so the same file works from any working directory.
The sections themselves (athlete, sources, sinks, feed, daemon, races, rules) are in
:mod:`sync.config.sections`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, ValidationError, field_validator, model_validator

from connectors.calendar_url import is_url
from connectors.errors import EXIT_CONFIG, HamsyncError
from planner.settings import (
    DEFAULT_HILL_WORDS,
    DEFAULT_LONG_WORDS,
    DEFAULT_RACE_WORDS,
    DEFAULT_RUN_WORDS,
    Rules,
    Settings,
)
from sync.config.sections import (
    WEEKDAYS,
    AthleteConfig,
    CalDavConfig,
    DaemonConfig,
    FeedConfig,
    FilesSourceConfig,
    GarminNotesConfig,
    GarminSinkConfig,
    GarminSourceConfig,
    GoogleCalendarConfig,
    GoogleConfig,
    GoogleSinkConfig,
    IcsSinkConfig,
    IntervalsConfig,
    IntervalsSourceConfig,
    RaceConfig,
    RulesConfig,
    Section,
    SinksConfig,
    SourcesConfig,
    StravaNotesConfig,
    StravaSourceConfig,
    UpcomingConfig,
    Weekday,
)

# The sections live in :mod:`sync.config.sections`; other modules import them from here.
__all__ = [
    "WEEKDAYS",
    "AthleteConfig",
    "CalDavConfig",
    "Config",
    "ConfigError",
    "DaemonConfig",
    "FeedConfig",
    "FilesSourceConfig",
    "GarminNotesConfig",
    "GarminSinkConfig",
    "GarminSourceConfig",
    "GoogleCalendarConfig",
    "GoogleConfig",
    "GoogleSinkConfig",
    "IcsSinkConfig",
    "IntervalsConfig",
    "IntervalsSourceConfig",
    "RaceConfig",
    "RulesConfig",
    "Section",
    "SinksConfig",
    "SourcesConfig",
    "StravaNotesConfig",
    "StravaSourceConfig",
    "UpcomingConfig",
    "Weekday",
    "default_config_path",
    "default_state_dir",
    "load_config",
]


class ConfigError(HamsyncError):
    """A config problem the runner can fix; the message names the file and the key or line."""

    exit_code = EXIT_CONFIG


class Config(Section):
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
    google: GoogleConfig | None = None

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

    @model_validator(mode="after")
    def _google_needs_client(self) -> Config:
        if (self.sinks.google or self.upcoming.google) and self.google is None:
            raise ValueError(
                "[sinks.google] and [upcoming.google] need [google] with the client_id of "
                "your own OAuth client (see docs/calendars.md)"
            )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def settings(self) -> Settings:
        """The planner's view of this config: rules with overrides, athlete preferences."""
        overrides = self.rules.overrides()
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
    if upcoming.ics and not is_url(upcoming.ics):  # webcal:// links are https links
        upcoming = upcoming.model_copy(update={"ics": str(resolve(Path(upcoming.ics)))})
    daemon = config.daemon
    if daemon.log_file is not None:
        daemon = daemon.model_copy(update={"log_file": resolve(daemon.log_file)})
    update.update(sources=sources, sinks=sinks, upcoming=upcoming, daemon=daemon)
    return config.model_copy(update=update)
