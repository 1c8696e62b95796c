"""The ``hamsync`` command: the Typer app with every command module registered on it."""

from __future__ import annotations

from . import commands_core  # noqa: F401  (registers its commands on the app)
from .cli_app import app


def main() -> None:
    app()
