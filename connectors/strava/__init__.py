"""Strava: sign in once, pull runs with their descent, write note blocks back.

Small modules, one job each: :mod:`.oauth` (the token store contract and refresh before
expiry), :mod:`.auth` (authorization URL, callback, code exchange, scope check),
:mod:`.api` (the stravalib client with timeouts; also reads and writes an activity's
description for :mod:`sync.sinks.strava_notes`), :mod:`.usage` (rate-limit headers),
:mod:`.errors` (failures a runner can act on), :mod:`.mapping` (pure payload ->
:class:`planner.models.Run`) and :mod:`.source` (incremental pull).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .oauth import Tokens, TokenStore

if TYPE_CHECKING:
    from .api import StravaApi
    from .mapping import DEFAULT_SPORTS, to_run
    from .source import StravaSource

__all__ = ["DEFAULT_SPORTS", "StravaApi", "StravaSource", "TokenStore", "Tokens", "to_run"]

# stravalib (with pint) costs ~0.4 s of start-up: load it only when Strava is used.
_LAZY = {
    "StravaApi": ".api",
    "StravaSource": ".source",
    "DEFAULT_SPORTS": ".mapping",
    "to_run": ".mapping",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
