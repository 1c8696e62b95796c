"""The factories of the built-in storage sinks, registered like any plugin (``pyproject.toml``,
group ``hamsync.sinks``). Each re-types its section with the model of
:mod:`sync.config.sections` (already checked when the config was loaded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.plugin import PluginContext
from sync.config.model import CalDavConfig, IcsSinkConfig
from sync.sinks.contract import Storage


def ics(section: Mapping[str, Any], context: PluginContext) -> Storage:
    from sync.sinks.ics_file import IcsFileSink

    config = IcsSinkConfig.model_validate(dict(section))
    return IcsFileSink(config.path, config.name, name=context.name)


def caldav(section: Mapping[str, Any], context: PluginContext) -> Storage:
    from sync.sinks.caldav import CalDavSink  # caldav costs ~0.2 s of start-up: only when used
    from sync.wiring.build import caldav_account

    config = CalDavConfig.model_validate(dict(section))
    account = caldav_account(config, context.get_secret("password"), context.name)
    return CalDavSink(account, name=context.name)
