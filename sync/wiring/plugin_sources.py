"""The activity sources of a sync, found through the ``hamsync.connectors`` entry points.

Every enabled ``[sources.<name>]`` (built-in or plugin) is built by the factory registered
as ``<name>`` (:mod:`connectors.plugin`). An entry point is loaded only when its section is
configured, so start-up never imports a connector it does not use. A connector that fails to
load or to start becomes an :class:`Unavailable` source: the sync reports it for that source
alone (exit code 3) and pulls the others.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any

from connectors.base import ActivitySource, PullResult, SourceError
from connectors.plugin import ConnectorLoadError, PluginContext, load_factory
from sync.config.keystore import SecretStoreUnavailable, get_secret, set_secret
from sync.config.model import Config, SourcesConfig

log = logging.getLogger("hamsync")

BUILTIN = ("files", "strava", "garmin", "intervals")
"""The built-in sources, in the order they are pulled (before any plugin)."""


class Unavailable:
    """A configured source whose connector could not be built: each pull reports why."""

    def __init__(self, name: str, error: SourceError) -> None:
        self.name = name
        self.error = error

    def pull(self, cursor: str | None, today: date) -> PullResult:
        raise self.error


def enabled_sections(sources: SourcesConfig) -> list[tuple[str, dict[str, Any]]]:
    """``(name, section)`` of each enabled source, built-ins first; without ``enabled``."""
    found: list[tuple[str, dict[str, Any]]] = []
    for name in sorted(SourcesConfig.model_fields, key=_builtin_rank):
        typed = getattr(sources, name)
        if typed is not None and typed.enabled:
            found.append((name, typed.model_dump(exclude={"enabled"})))
    for name, table in (sources.model_extra or {}).items():
        if table.get("enabled", True):
            found.append((name, {k: v for k, v in table.items() if k != "enabled"}))
    return found


def _builtin_rank(name: str) -> int:
    return BUILTIN.index(name) if name in BUILTIN else len(BUILTIN)


def plugin_context(name: str, config: Config) -> PluginContext:
    assert config.state_dir is not None  # set by load_config
    return PluginContext(
        name=name,
        tz=config.tz,
        state_dir=config.state_dir,
        get_secret=partial(get_secret, name),
        settings=config.settings(),
        set_secret=partial(store_secret, name),
    )


def store_secret(section: str, key: str, value: str) -> None:
    """:func:`~sync.config.keystore.set_secret`, its failure in the connectors' own terms."""
    try:
        set_secret(section, key, value)
    except SecretStoreUnavailable as error:
        raise SourceError(str(error)) from None


def build_sources(config: Config) -> list[ActivitySource]:
    return [connect(name, section, config) for name, section in enabled_sections(config.sources)]


def connect(name: str, section: dict[str, Any], config: Config) -> ActivitySource:
    """The source of ``[sources.<name>]``, or an :class:`Unavailable` one saying what failed."""
    fix = (
        "reinstall hamsync (`pipx reinstall hamsync`, or `pip install -e .` in a checkout)"
        if name in BUILTIN
        else f"reinstall the package that provides it, or turn [sources.{name}] off "
        "(enabled = false)"
    )
    try:
        factory = load_factory(name)
        source = factory(dict(section), plugin_context(name, config))
    except ConnectorLoadError as exc:
        return Unavailable(name, SourceError(str(exc), fix=fix))
    except SourceError as exc:  # the factory's own word on its section (a missing key)
        return Unavailable(name, exc)
    except Exception as exc:  # a plugin's bug: logged in full, reported for this source only
        log.error("%s: the connector failed to start", name, exc_info=exc)
        message = f'the connector "{name}" failed to start: {type(exc).__name__}: {exc}'
        return Unavailable(name, SourceError(message, fix=fix))
    if not isinstance(getattr(source, "name", None), str) or not hasattr(source, "pull"):
        message = f'the connector "{name}" gave {type(source).__name__}, not an activity source'
        return Unavailable(name, SourceError(message, fix=fix))
    return source
