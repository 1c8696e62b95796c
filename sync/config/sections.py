"""The sections of the TOML configuration: athlete, sources, upcoming calendars, sinks,
feed, daemon, races and rule overrides, each a strict pydantic model.

Split from :mod:`sync.config.model`, which assembles them into
:class:`~sync.config.model.Config` and reads the file; import them from there. Every
section forbids unknown keys, so a misspelt key is an error naming it rather than a setting
silently ignored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from planner.settings import Rules

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Section(BaseModel):
    """Strict and frozen: an unknown key is an error, and a loaded config cannot drift."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AthleteConfig(Section):
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


class FilesSourceConfig(Section):
    enabled: bool = True
    path: Path
    relative_to_today: bool = False
    """Demo only: shift the sample runs by whole weeks so the newest is in the last 7 days."""
    sports: dict[str, Literal["run", "trail_run", "hike", "other", "skip"]] = Field(
        default_factory=dict
    )
    """A file's own sport label (GPX ``type``, TCX ``Sport``, Strava CSV type) -> what it is,
    for labels hamsync does not know (they are skipped and reported); case and accents aside."""


class StravaSourceConfig(Section):
    """Your own Strava API application; its secret and the tokens live in the keyring."""

    enabled: bool = True
    client_id: Annotated[int, Field(gt=0)]
    sports: list[str] = Field(default_factory=lambda: ["Run", "TrailRun", "VirtualRun"])
    """Strava sport types to pull (Run, TrailRun, VirtualRun; also e.g. Hike, Walk). A virtual
    or trainer run counts for the weekly dose, without descent."""
    overlap_hours: Annotated[int, Field(ge=0, le=24 * 14)] = 48
    """Each sync looks this far back before the newest run seen (late uploads, edits)."""
    history_days: Annotated[int, Field(ge=1, le=3650)] = 90
    """How far back the first sync reads; a long history completes over several syncs."""
    max_requests_per_sync: Annotated[int, Field(ge=1, le=1000)] = 90
    """A cap below Strava's 100 reads per 15 minutes, whatever the usage headers say."""
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 30
    checkins_from_exertion: bool = False
    """Opt-in: a perceived exertion of 9/10 or more counts as "sensitive" (never "pain")."""


class GarminSourceConfig(Section):
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


class IntervalsConfig(Section):
    """An intervals.icu athlete; the API key comes from the keyring entry ``intervals.api_key``
    or HAMSYNC_INTERVALS_API_KEY (intervals.icu: Settings -> Developer settings)."""

    enabled: bool = True
    athlete_id: Annotated[str, Field(pattern=r"^(i?[0-9]+)$")]
    """The id in your intervals.icu profile address, ``i12345`` (``0``: the key's owner)."""
    base_url: str = "https://intervals.icu"
    """Only for a proxy or a test server; must be https (http only on this machine)."""
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 30

    @field_validator("base_url")
    @classmethod
    def _https(cls, value: str) -> str:
        from connectors.intervals.client import check_base_url

        return check_base_url(value)


class IntervalsSourceConfig(IntervalsConfig):
    """Runs, trail runs and hikes from intervals.icu (and its WeightTraining days)."""

    overlap_days: Annotated[int, Field(ge=0, le=30)] = 3
    """Each sync reads again the activities of these last days (late uploads, edits)."""
    initial_days: Annotated[int, Field(ge=1, le=730)] = 56
    """The first sync reads this far back."""


class SourcesConfig(Section):
    """The built-in sources, typed. Any other ``[sources.<name>]`` is the section of a
    connector plugin (:mod:`connectors.plugin`), kept as a plain table for its factory; a name
    no installed package registers is an error when the config loads."""

    model_config = ConfigDict(extra="allow", frozen=True)
    files: FilesSourceConfig | None = None
    garmin: GarminSourceConfig | None = None
    strava: StravaSourceConfig | None = None
    intervals: IntervalsSourceConfig | None = None

    @model_validator(mode="after")
    def _installed_plugins(self) -> SourcesConfig:
        plugins = self.model_extra or {}
        if not plugins:  # only a plugin section pays for reading the installed metadata
            return self
        from connectors.plugin import installed_names

        installed = installed_names()
        for name, section in plugins.items():
            if name not in installed:
                raise ValueError(
                    f'[sources.{name}]: no connector named "{name}" is installed (built in: '
                    "files, garmin, intervals, strava; install the package that provides it into "
                    "hamsync's environment, or check the spelling)"
                )
            if not isinstance(section, dict):
                raise ValueError(f"sources.{name}: expected a table ([sources.{name}])")
            if not isinstance(section.get("enabled", True), bool):
                raise ValueError(f"sources.{name}.enabled: expected true or false")
        return self


class CalDavConfig(Section):
    """A CalDAV calendar; the password comes from the keyring or HAMSYNC_CALDAV_PASSWORD."""

    enabled: bool = True
    url: str
    """The server's CalDAV address (Nextcloud: https://host/remote.php/dav)."""
    username: str
    calendar: str
    """The calendar's display name, or its full URL."""
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 30

    @field_validator("url")
    @classmethod
    def _with_scheme(cls, value: str) -> str:
        """A URL without ``https://`` would be taken as a path on no server at all."""
        if not value.strip().lower().startswith(("https://", "http://")):
            raise ValueError(
                f"{value!r} has no scheme: add https:// (e.g. https://{value.strip()})"
            )
        return value.strip()


class GoogleConfig(Section):
    """Your own OAuth client (type "Desktop app") in your own Google Cloud project; its secret
    and the refresh token come from `hamsync login google` (keyring) or the environment
    (HAMSYNC_GOOGLE_CLIENT_SECRET, HAMSYNC_GOOGLE_REFRESH_TOKEN)."""

    client_id: Annotated[str, Field(min_length=5)]
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 30
    api_endpoint: str = "https://www.googleapis.com/calendar/v3/"
    """Google's Calendar API; only a test or a proxy changes it."""
    auth_uri: str = "https://accounts.google.com/o/oauth2/auth"
    token_uri: str = "https://oauth2.googleapis.com/token"  # noqa: S105


class GoogleCalendarConfig(Section):
    """A Google calendar by its name (as in your calendar list) or its id."""

    enabled: bool = True
    calendar: Annotated[str, Field(min_length=1)]


class GoogleSinkConfig(GoogleCalendarConfig):
    create: bool = False
    """Create the calendar when no calendar has that name (scope calendar.app.created)."""


class UpcomingConfig(Section):
    ics: str | None = None
    """A path (relative to the config file) or an https URL of the runner's own calendar."""
    garmin: bool = False
    """Planned runs and races on the Garmin Connect calendar (needs `hamsync login garmin`)."""
    caldav: CalDavConfig | None = None
    """Its password: HAMSYNC_CALDAV_UPCOMING_PASSWORD, else the [sinks.caldav] one."""
    google: GoogleCalendarConfig | None = None
    """Planned runs from a Google calendar (needs [google] and `hamsync login google`)."""
    intervals: IntervalsConfig | None = None
    """Planned runs and races on the intervals.icu calendar (key: intervals.api_key)."""
    run_words: list[str] | None = None
    """Whole words that make an event a planned run (replace the defaults, any language)."""
    long_words: list[str] | None = None
    hill_words: list[str] | None = None
    race_words: list[str] | None = None

    def words(self, words: list[str] | None, default: tuple[str, ...]) -> tuple[str, ...]:
        """A list the runner set (lower-cased), or the planner's default when unset."""
        return tuple(w.lower() for w in words) if words else default


class IcsSinkConfig(Section):
    enabled: bool = True
    path: Path
    name: str = "hamsync hamstring sessions"


class StravaNotesConfig(Section):
    """A marked block in the Strava description of long trails and heavy descents."""

    enabled: bool = False
    """Off by default: descriptions can be public."""


class GarminSinkConfig(Section):
    """Strength workouts on the Garmin Connect calendar (and so on the watch)."""

    enabled: bool = True
    name_prefix: Annotated[str, Field(min_length=3, max_length=20)] = "hamsync:"
    """Starts every workout name; only workouts with it (and a recorded id) are touched."""


class GarminNotesConfig(Section):
    """hamsync's marked block in Garmin activity descriptions (they can be public)."""

    enabled: bool = False


class SinksConfig(Section):
    """The built-in sinks, typed. Any other ``[sinks.<name>]`` is the section of a sink plugin
    (group ``hamsync.sinks``, :mod:`sync.sinks.registry`); a name no installed package
    registers is an error when the config loads."""

    model_config = ConfigDict(extra="allow", frozen=True)

    ics: IcsSinkConfig | None = None
    intervals: IntervalsConfig | None = None
    garmin: GarminSinkConfig | None = None
    garmin_notes: GarminNotesConfig | None = None
    caldav: CalDavConfig | None = None
    strava_notes: StravaNotesConfig | None = None
    google: GoogleSinkConfig | None = None

    @model_validator(mode="after")
    def _installed_plugins(self) -> SinksConfig:
        plugins = self.model_extra or {}
        if not plugins:  # only a plugin section pays for reading the installed metadata
            return self
        from connectors.plugin import installed_names

        installed = installed_names("hamsync.sinks")
        for name, section in plugins.items():
            if name not in installed:
                raise ValueError(
                    f'[sinks.{name}]: no sink named "{name}" is installed (built in: caldav, '
                    "garmin, garmin_notes, google, ics, intervals, strava_notes; install the "
                    "package that provides it into hamsync's environment, or check the spelling)"
                )
            if not isinstance(section, dict):
                raise ValueError(f"sinks.{name}: expected a table ([sinks.{name}])")
            if not isinstance(section.get("enabled", True), bool):
                raise ValueError(f"sinks.{name}.enabled: expected true or false")
        return self


class FeedConfig(Section):
    """The ICS feed of ``hamsync serve`` (and of the daemon when enabled)."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8765
    page: bool = True
    """Serve the check-in page (``/<page token>/``) beside the feed; its token is its own."""


class DaemonConfig(Section):
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


class RaceConfig(Section):
    """A race from the config (``[[races]]``): taper before it, recovery after it."""

    date: dt.date
    name: str = "Race"
    distance_km: Annotated[float, Field(gt=0)] | None = None
    ultra: bool | None = None
    """Default: an ultra when longer than a marathon (42.2 km)."""


RENAMED_RULES = {
    "heavy_clear_before_h": "heavy_clear_days_before",
    "heavy_clear_before_adapted_h": "heavy_clear_days_before",
    "heavy_after_descent_h": "heavy_after_descent_days",
    "heavy_after_very_heavy_descent_h": "heavy_after_very_heavy_descent_days",
    "quad_eccentric_after_descent_h": "quad_eccentric_after_descent_days",
    "heavy_spacing_h": "heavy_spacing_days",
    "hill_vert_m_per_km": "hill_climb_m_per_km",
}
"""``[rules]`` names of earlier versions, in hours, and their day-based successors."""


class _RulesBase(Section):
    """Overrides of the planning rules (``[rules]``): every field of
    :class:`planner.settings.Rules`, by its name (the unit is in the name), optional, never
    negative. The fields are derived from the dataclass, so every planning number is
    configurable and a misspelt one is an error naming its dotted key."""

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for old, new in RENAMED_RULES.items():
                if old in data:
                    raise ValueError(f"{old} is now {new}, in whole days (see planner/settings.py)")
        return data

    def overrides(self) -> dict[str, Any]:
        """The rules the config sets, by :class:`planner.settings.Rules` field name."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


def _rule_field(f: dataclasses.Field[Any]) -> tuple[Any, Any]:
    kind: Any = float if f.type == "float" else int
    if f.name == "max_loading_sessions_per_week":
        return (kind | None, Field(default=None, ge=1, le=3))
    return (kind | None, Field(default=None, ge=0))


if TYPE_CHECKING:

    class RulesConfig(_RulesBase):
        """See :class:`_RulesBase`; built from :class:`planner.settings.Rules` at import."""

else:
    RulesConfig = create_model(
        "RulesConfig",
        __base__=_RulesBase,
        __doc__=_RulesBase.__doc__,
        **{f.name: _rule_field(f) for f in dataclasses.fields(Rules)},
    )
