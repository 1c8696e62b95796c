"""The TOML configuration file, validated by pydantic, and its translation to planner settings.

The config holds references to secrets, never secrets: passwords and tokens come from the
keyring or the environment (:mod:`sync.secrets`). Relative paths are relative to the
config file, so the same file works from any working directory.
"""

from __future__ import annotations

import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.settings import Rules, Settings

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


class SourcesConfig(_Section):
    files: FilesSourceConfig | None = None


class UpcomingConfig(_Section):
    ics: str | None = None
    """A path (relative to the config file) or an https URL of the runner's own calendar."""


class IcsSinkConfig(_Section):
    enabled: bool = True
    path: Path
    name: str = "hamsync hamstring sessions"


class SinksConfig(_Section):
    ics: IcsSinkConfig | None = None


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
    rules: RulesConfig = Field(default_factory=RulesConfig)

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
    update.update(sources=sources, sinks=sinks, upcoming=upcoming)
    return config.model_copy(update=update)
