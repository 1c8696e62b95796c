"""The ``hamsync`` Typer app and what every command shares: options, config, state, errors.

Commands live in small ``commands_*`` modules that register on :data:`app`; ``sync.cli``
imports them all. Exit codes: 0 success (skipped files are warnings), 2 usage or config
error, 3 some sources or sinks failed while others worked, 4 all failed, 5 another sync
holds the lock, 6 a safety valve refused a write (rerun with ``--force``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from sync.config.model import Config, ConfigError, default_config_path, load_config
from sync.store.database import State, ensure_private_dir

EXIT_CONFIG = 2
EXIT_PARTIAL = 3
EXIT_FAILED = 4
EXIT_LOCKED = 5
EXIT_SAFETY = 6

app = typer.Typer(
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


def fail(message: str, code: int) -> NoReturn:
    """Print a one-line error (no traceback) and exit with ``code``."""
    err.print(Text("hamsync: ", style="red") + Text(message), highlight=False)
    raise typer.Exit(code)


def load(path: Path | None) -> Config:
    try:
        return load_config(path or default_config_path())
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)


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
    assert config.state_dir is not None
    try:
        ensure_private_dir(config.state_dir)
        state = State.open(config.state_dir)
    except OSError as exc:
        fail(f"state directory {config.state_dir}: {exc.strerror}", EXIT_CONFIG)
    try:
        yield state
    finally:
        state.close()


def print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
