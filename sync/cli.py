"""The ``hamsync`` command: the Typer app with every command module registered on it."""

from __future__ import annotations

from . import (
    commands_core,  # noqa: F401  (registers its commands on the app)
    commands_daemon,  # noqa: F401
    commands_feed,  # noqa: F401
    commands_garmin,  # noqa: F401
    commands_progress,  # noqa: F401
    commands_strava,  # noqa: F401
    commands_undo,  # noqa: F401
)
from .cli_app import app


def main() -> None:
    app()
