"""Strava: sign in once, pull runs with their descent, write note blocks back.

Small modules, one job each: :mod:`.tokens` (the token store contract and refresh before
expiry), :mod:`.auth` (authorization URL, callback, code exchange, scope check),
:mod:`.api` (the stravalib client with timeouts, usage headers and error translation),
:mod:`.mapping` (pure payload -> :class:`planner.models.Run`), :mod:`.source` (incremental
pull) and :mod:`.notes` (read and write an activity description).
"""

from __future__ import annotations

from .api import StravaApi
from .mapping import DEFAULT_SPORTS, to_run
from .source import StravaSource
from .tokens import Tokens, TokenStore

__all__ = ["DEFAULT_SPORTS", "StravaApi", "StravaSource", "TokenStore", "Tokens", "to_run"]
