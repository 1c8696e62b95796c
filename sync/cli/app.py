"""The ``hamsync`` Typer app and what every command shares: options, config, state, errors.

Commands live in small modules of ``sync.cli`` that register on :data:`app`; ``sync.cli``
imports them all. Exit codes (:mod:`connectors.errors`): 0 success (skipped files are
warnings), 2 usage, config or state error, 3 some sources or sinks failed while others
worked, 4 all failed, 5 another sync holds the lock, 6 a safety valve refused a write
(rerun with ``--force``). Errors are printed once, by :mod:`sync.cli.errors`.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from connectors.errors import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_PARTIAL,
    EXIT_SAFETY,
    HamsyncError,
    StateError,
)
from sync.cli.errors import HandledGroup
from sync.config.model import Config, default_config_path, load_config
from sync.store.database import DB_NAME, State, ensure_private_dir
from sync.store.integrity import explain
from sync.store.lock import sync_lock

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_LOCKED",
    "EXIT_PARTIAL",
    "EXIT_SAFETY",
    "app",
    "fail",
    "load",
    "locked_state",
    "open_state",
]

COMMAND_WAIT_S = 300.0
"""How long ``done``, ``checkin``, ``pause`` and ``resume`` wait for a running sync (which
holds the lock for a few seconds, or longer on a slow network) before they give up (exit 5)."""

app = typer.Typer(
    cls=HandledGroup,
    help="Plan hamstring sessions around the trail runs you actually ran.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
login_app = typer.Typer(help="Sign in to a platform once; sync and the daemon then use its tokens.")
app.add_typer(login_app, name="login")
"""``hamsync login <platform>``: each connector's command module adds its platform here."""
out = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default: the platform's config dir)."),
]
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Plan as if today were YYYY-MM-DD.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def fail(message: str, code: int, fix: str = "") -> NoReturn:
    """Stop the command with an error; :mod:`sync.cli.errors` prints it once and exits."""
    raise HamsyncError(message, fix, exit_code=code)


def load(path: Path | None) -> Config:
    """The config; a :class:`~sync.config.model.ConfigError` goes to the one error handler."""
    return load_config(path or default_config_path())


def today_for(value: str | None, config: Config) -> date:
    """``--today`` if given, else today's date in the runner's time zone."""
    if value is None:
        return datetime.now(config.tz).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today {value!r}: expected a date as YYYY-MM-DD", EXIT_CONFIG)


@contextmanager
def open_state(config: Config) -> Iterator[State]:
    """The state, checked (:mod:`sync.store.integrity`); SQLite and OS errors met while it is
    used become a :class:`~connectors.errors.StateError` that names the database."""
    assert config.state_dir is not None
    path = config.state_dir / DB_NAME
    try:
        ensure_private_dir(config.state_dir)
        state = State.open(config.state_dir)
    except OSError as exc:
        raise StateError(f"state directory {config.state_dir}: {exc.strerror}") from exc
    try:
        yield state
    except sqlite3.Error as exc:
        raise explain(exc, path) from exc
    finally:
        state.close()


def _waiting(holder: str) -> None:
    err.print(f"waiting for the running hamsync sync (pid {holder}) to finish...")


@contextmanager
def locked_state(config: Config, wait_s: float | None = None) -> Iterator[State]:
    """The state under the sync lock: how every command that changes it writes.

    A check-in, a done mark or a pause made while a sync runs waits for it (saying so), so the
    sync can never save over it; after ``wait_s`` it gives up with exit 5 and stores nothing.
    """
    assert config.state_dir is not None
    wait = COMMAND_WAIT_S if wait_s is None else wait_s
    with open_state(config) as state, sync_lock(config.state_dir, wait, on_wait=_waiting):
        yield state


def print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
