"""The factories of the built-in sources (``files``, ``strava``, ``garmin``, ``intervals``),
registered under ``hamsync.connectors`` like any plugin (``pyproject.toml``).

Each gets its section as a plain mapping, already checked by hamsync's config (so every key
is there, with its default) and a :class:`~connectors.plugin.PluginContext`; it reads secrets
only through the context. The platform modules are imported inside the factories: loading
the ``files`` entry point must not pay for Strava or Garmin. Imports nothing of ``sync``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.base import ActivitySource, SourceError
from connectors.plugin import PluginContext

STRAVA_SECRET_FIX = (
    "set HAMSYNC_STRAVA_CLIENT_SECRET, or store it with `hamsync login strava` (it asks for it)"  # noqa: S105
)


def _key(section: Mapping[str, Any], key: str, name: str) -> Any:
    if key not in section:
        raise SourceError(f"[sources.{name}] has no `{key}`")
    return section[key]


def files(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from connectors.files import FilesSource

    return FilesSource(
        Path(_key(section, "path", context.name)), context.tz,
        relative_to_today=bool(section.get("relative_to_today", False)), name=context.name,
        sports=dict(section.get("sports") or {}),
    )  # fmt: skip


def strava(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from connectors.strava import StravaApi, StravaSource
    from connectors.strava.context_store import SecretTokenStore

    api = StravaApi(
        int(_key(section, "client_id", context.name)),
        context.get_secret("client_secret"),
        SecretTokenStore(context.get_secret, context.set_secret),
        timeout_s=float(section.get("timeout_s", 30)),
        max_requests=int(section.get("max_requests_per_sync", 90)),
        secret_fix=STRAVA_SECRET_FIX,
    )
    return StravaSource(
        api,
        sports=list(section.get("sports", ["Run", "TrailRun", "VirtualRun"])),
        overlap=timedelta(hours=int(section.get("overlap_hours", 48))),
        history_days=int(section.get("history_days", 90)),
        checkins=bool(section.get("checkins_from_exertion", False)),
    )


def garmin(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from connectors.garmin.activities import GarminActivities
    from connectors.garmin.session import shared_session, token_dir_for

    token_dir = token_dir_for(context.state_dir, context.get_secret("tokenstore"))
    session = shared_session(token_dir, float(section.get("min_interval_s", 1.0)))
    return GarminActivities(
        session, context.tz, overlap=timedelta(days=int(section.get("overlap_days", 3))),
        initial_days=int(section.get("initial_days", 56)),
        checkins=bool(section.get("checkins_from_feel", False)),
    )  # fmt: skip


def intervals(section: Mapping[str, Any], context: PluginContext) -> ActivitySource:
    from connectors.intervals.activities import IntervalsActivities
    from connectors.intervals.client import BASE_URL, shared_client

    client = shared_client(
        str(_key(section, "athlete_id", context.name)), context.get_secret("api_key"),
        str(section.get("base_url", BASE_URL)), float(section.get("timeout_s", 30)),
    )  # fmt: skip
    return IntervalsActivities(
        client, context.tz, overlap=timedelta(days=int(section.get("overlap_days", 3))),
        initial_days=int(section.get("initial_days", 56)),
    )  # fmt: skip
