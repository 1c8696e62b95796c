"""The ``hamsync`` Typer app and what every command shares: options, config, state, errors.

Commands live in small modules of ``sync.cli`` that register on :data:`app`; ``sync.cli``
imports them all. Exit codes (:mod:`connectors.errors`): 0 success (skipped files are
warnings), 2 usage, config or state error, 3 some sources or sinks failed while others
worked, 4 all failed, 5 another sync holds the lock, 6 a safety valve refused a write
(rerun with ``--force``). Errors are printed once, by :mod:`sync.cli.errors`.

The command modules import only Typer and this module; each command imports the engine,
the store, the config model and the views when it runs, so that ``hamsync --help`` stays
quick (benchmarks/startup.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from connectors.errors import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_PARTIAL,
    EXIT_SAFETY,
    HamsyncError,
    StateError,
)
from sync.cli.console import lazy_console
from sync.cli.errors import HandledGroup

if TYPE_CHECKING:  # imported where used: `hamsync --help` loads no config or state code
    from sync.config.model import Config
    from sync.store.database import StateDatabase

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

COMMAND_ORDER = (
    "sync", "plan", "runs", "done", "checkin", "report", "status", "pause", "resume",
    "login", "secret", "serve", "daemon", "doctor", "purge",
)  # fmt: skip
"""``hamsync --help`` lists the commands in the order a runner meets them; others follow."""


class RunnerOrder(HandledGroup):
    """The command group (one error handler), its commands listed in :data:`COMMAND_ORDER`."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda name: rank.get(name, len(rank)))


CONTEXT = {"help_option_names": ["-h", "--help"]}
# Plain help (rich_markup_mode=None): flags shown as flags, no box drawing in a pipe or a
# mail, and no Markdown renderer to load.
app = typer.Typer(
    cls=RunnerOrder,
    help="Plan hamstring sessions around the trail runs you actually ran.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)
login_app = typer.Typer(
    help="Sign in to a platform once; sync and the daemon then use its tokens.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)
app.add_typer(login_app, name="login")
"""``hamsync login <platform>``: each connector's command module adds its platform here."""


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("hamsync")
        except PackageNotFoundError:
            found = "unknown (not installed)"
        typer.echo(f"hamsync {found}")
        raise typer.Exit(0)


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print hamsync's version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Plan hamstring sessions around the trail runs you actually ran."""


out = lazy_console()
err = lazy_console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default: the platform's config dir)."),
]
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Plan as if today were YYYY-MM-DD.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
# The options every `hamsync login <platform>` with a browser sign-in takes.
PasteOption = Annotated[
    bool, typer.Option("--paste", help="Headless server: paste the address the browser ends on.")
]
CallbackPortOption = Annotated[
    int, typer.Option("--port", help="Port of the one-shot callback on 127.0.0.1.")
]
WaitOption = Annotated[int, typer.Option("--wait", help="Seconds to wait for the approval.")]


def fail(message: str, code: int, fix: str = "") -> NoReturn:
    """Stop the command with an error; :mod:`sync.cli.errors` prints it once and exits."""
    raise HamsyncError(message, fix, exit_code=code)


def load(path: Path | None) -> Config:
    """The config; a :class:`~sync.config.model.ConfigError` goes to the one error handler."""
    from sync.config.model import default_config_path, load_config

    return load_config(path or default_config_path())


def today_for(value: str | None, config: Config, option: str = "--today") -> date:
    """``value`` (the date given to ``option``) if given, else today's date in the runner's
    time zone; a malformed date is a usage error naming ``option`` (exit 2)."""
    if value is None:
        return datetime.now(config.tz).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r}: expected a date as YYYY-MM-DD", EXIT_CONFIG)


@contextmanager
def open_state(config: Config, *, look_only: bool = False) -> Iterator[StateDatabase]:
    """The state, checked (:mod:`sync.store.integrity`); SQLite and OS errors met while it is
    used become a :class:`~connectors.errors.StateError` that names the database.

    ``look_only`` (``plan``, ``status``, ``runs``, ``report``, ``sync --dry-run``): before
    the first sync, an empty state in memory, so that looking creates no state folder and no
    database.
    """
    import sqlite3

    from sync.store.database import DB_NAME, StateDatabase, ensure_private_dir
    from sync.store.integrity import explain

    assert config.state_dir is not None
    path = config.state_dir / DB_NAME
    try:
        if look_only and not path.is_file():
            state = StateDatabase.empty(config.state_dir)
        else:
            ensure_private_dir(config.state_dir)
            state = StateDatabase.open(config.state_dir)
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
def locked_state(config: Config, wait_s: float | None = None) -> Iterator[StateDatabase]:
    """The state under the sync lock: how every command that changes it writes.

    A check-in, a done mark or a pause made while a sync runs waits for it (saying so), so the
    sync can never save over it; after ``wait_s`` it gives up with exit 5 and stores nothing.
    """
    from sync.store.lock import sync_lock

    assert config.state_dir is not None
    wait = COMMAND_WAIT_S if wait_s is None else wait_s
    with open_state(config) as state, sync_lock(config.state_dir, wait, on_wait=_waiting):
        yield state


def print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
