"""``hamsync doctor``: check the state database and its backups, and the two ways out.

Without options it only looks (nothing is changed) and exits 0 when the state is whole, 2
when it is not. ``--restore`` puts the newest usable backup in place; ``--fresh`` starts over,
and only when the runner asks for it. Either way the database found in place is moved aside
and kept (``<state_dir>/damaged/``), and the install id beside it is left alone, so events
hamsync wrote after the backup are still known as its own. Both hold the sync lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from connectors.errors import EXIT_CONFIG, UsageError
from sync.cli.app import ConfigOption, app, load, out

if TYPE_CHECKING:  # imported where used: `hamsync --help` stays quick
    from sync.config.model import Config

INSTALL_ID = "install_id"
"""The install id's file beside the database (sync.store.install_id): never moved."""


def _look(config: Config) -> bool:
    """Print what the state directory holds; True when the database is usable as it is."""
    from rich.text import Text

    from sync.store.backup import backup_dir, backups, check_file
    from sync.store.database import DB_NAME
    from sync.store.integrity import WAY_OUT, pending

    assert config.state_dir is not None
    state_dir = config.state_dir
    path = state_dir / DB_NAME
    out.print(f"State directory: {state_dir}", highlight=False, soft_wrap=True)
    healthy = True
    damage = pending(state_dir)
    if damage is not None:
        healthy = False
        out.print(Text("Database: ", style="red") + Text(str(damage)), soft_wrap=True)
    elif not path.exists():
        out.print("Database: none yet (the next `hamsync sync` creates it)")
    else:
        problem = check_file(path)
        if problem is None:
            out.print(Text("Database: ", style="green") + Text(f"{path} is whole"))
        else:
            healthy = False
            out.print(Text("Database: ", style="red") + Text(f"{path}: {problem}"))
    found = backups(state_dir)
    if not found:
        out.print(f"Backups: none yet in {backup_dir(state_dir)} (one is made after each sync)")
    for backup in found:
        verdict = "usable" if backup.problem is None else f"not usable: {backup.problem}"
        out.print(f"Backup {backup.taken_at:%Y-%m-%d %H:%M:%S} UTC: {verdict}", highlight=False)
    install_id = state_dir / INSTALL_ID
    if install_id.exists():
        out.print(f"Install id: {install_id} (kept by --restore and --fresh)", highlight=False)
    if not healthy:
        out.print(Text(f"Way out: {WAY_OUT}"))
    return healthy


@app.command()
def doctor(
    config_path: ConfigOption = None,
    restore: Annotated[
        bool, typer.Option("--restore", help="Go back to the newest usable backup.")
    ] = False,
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="Start over with a new state (check-ins and level lost)."),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Check the state database and its backups; restore the last good one, or start over."""
    from sync.store.backup import restore_newest, start_fresh
    from sync.store.database import ensure_private_dir
    from sync.store.lock import sync_lock

    config = load(config_path)
    assert config.state_dir is not None
    if restore and fresh:
        raise UsageError("--restore and --fresh: choose one")
    ensure_private_dir(config.state_dir)
    if not (restore or fresh):
        raise typer.Exit(0 if _look(config) else EXIT_CONFIG)
    if fresh and not yes:
        question = (
            "Start over with a new state? Check-ins, done marks and the level are lost "
            "(the old database is kept aside)"
        )
        if not typer.confirm(question, default=False):
            out.print("Nothing was changed.")
            raise typer.Exit(0)
    with sync_lock(config.state_dir):
        if restore:
            chosen = restore_newest(config.state_dir)
            out.print(
                f"Restored the backup of {chosen.taken_at:%Y-%m-%d %H:%M:%S} UTC "
                f"({chosen.path.name}). What was recorded after it (check-ins, done marks) "
                "must be entered again; run `hamsync sync` next.",
                highlight=False,
            )
        else:
            folder = start_fresh(config.state_dir)
            out.print("The next `hamsync sync` starts a new state.")
            if folder is not None:
                out.print(f"The old database is kept in {folder}.", highlight=False)
    _kept_aside(config.state_dir / "damaged")


def _kept_aside(folder: Path) -> None:
    if folder.is_dir():
        kept = sorted(p.name for p in folder.iterdir())
        if kept:
            out.print(f"Kept aside in {folder}: {', '.join(kept)}", highlight=False)
