"""The ``hamsync`` command: the Typer app with every command module registered on it."""

from __future__ import annotations

from sync.cli import (  # noqa: F401  (each registers its commands on the app)
    core,
    daemon,
    doctor,
    keyring_entry,
    login_garmin,
    login_google,
    login_strava,
    progress,
    serve,
    undo,
)
from sync.cli.app import app


def main() -> None:
    app(prog_name="hamsync")  # also under `python -m sync`
