"""``hamsync daemon`` (the long-running loop) and ``hamsync status`` (how it is going)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from connectors.errors import StateError
from sync.cli.app import (
    ConfigOption,
    JsonOption,
    TodayOption,
    app,
    load,
    open_state,
    out,
    print_json,
)
from sync.cli.app import today_for as _today_for

if TYPE_CHECKING:  # imported where used: `hamsync --help` stays quick
    from planner.models import Session
    from sync.config.model import Config
    from sync.store.backup import Backup
    from sync.store.database import PartLog

RETRY_HINT = "run `hamsync sync` to retry now"
NEXT_SESSIONS = 5


def log_path(config: Config) -> Path:
    from sync.engine.logs import LOG_NAME

    assert config.state_dir is not None
    return config.daemon.log_file or config.state_dir / LOG_NAME


@app.command()
def daemon(config_path: ConfigOption = None) -> None:
    """Sync every few minutes and re-plan daily until stopped (SIGTERM or Ctrl-C)."""
    from sync.engine.daemon import Daemon
    from sync.engine.logs import setup, teardown
    from sync.serve.server import start_for_daemon
    from sync.store.database import ensure_private_dir

    config = load(config_path)
    assert config.state_dir is not None
    os.umask(0o077)  # the state, its log and rotated logs are private to the runner
    ensure_private_dir(config.state_dir)
    handlers = setup(log_path(config), tz=config.tz)
    try:
        Daemon(config, serve=start_for_daemon).run()
    finally:
        teardown(handlers)


def _part_json(entry: PartLog) -> dict[str, Any]:
    kind, _, name = entry.part.partition(":")
    return {
        "part": entry.part,
        "kind": kind,
        "name": name or kind,
        "ok": entry.ok,
        "finished_at": entry.finished_at,
        "message": entry.message,
        "fix": entry.fix or ("" if entry.ok else RETRY_HINT),
        "failures": entry.failures,
        "retry_at": entry.retry_at if not entry.ok else "",
    }


def _part_order(entry: PartLog) -> tuple[int, str]:
    kind = entry.part.partition(":")[0]
    return ({"source": 0, "upcoming": 1, "sink": 2, "feed": 3}.get(kind, 4), entry.part)


def status_json(config: Config, today: date) -> dict[str, Any]:
    """Everything ``status`` shows, from the state alone (no network).

    A state that cannot be used (damaged, from a newer hamsync) is reported in
    ``database_error`` (``{"message", "fix", "exit_code"}``), with no parts and no sessions.
    Before the first sync nothing is created on disk (``look_only``).
    """
    from sync.store.backup import backups
    from sync.store.database import DB_NAME
    from sync.store.serialize import session_to_json

    assert config.state_dir is not None
    problem: StateError | None = None
    parts: dict[str, PartLog] = {}
    sessions: list[Session] = []
    try:
        with open_state(config, look_only=True) as state:
            parts = state.part_logs()
            sessions = [s for s in state.plan_sessions() if s.day >= today][:NEXT_SESSIONS]
    except StateError as exc:
        problem = exc
    last = parts.pop("sync", None)
    return {
        "state_dir": str(config.state_dir),
        "database": str(config.state_dir / DB_NAME),
        "log_file": str(log_path(config)),
        "last_sync": None if last is None else {"finished_at": last.finished_at, "ok": last.ok},
        "parts": [_part_json(p) for p in sorted(parts.values(), key=_part_order)],
        "next_sessions": [session_to_json(s) for s in sessions],
        "database_error": None if problem is None else problem.as_json()["error"],
        "backups": [_backup_json(b) for b in backups(config.state_dir)],
    }


def _backup_json(backup: Backup) -> dict[str, Any]:
    return {
        "path": str(backup.path),
        "taken_at": backup.taken_at.isoformat(),
        "usable": backup.problem is None,
        "problem": backup.problem or "",
    }


def _local(stamp: str, config: Config) -> str:
    if not stamp:
        return "-"
    return f"{datetime.fromisoformat(stamp).astimezone(config.tz):%a %Y-%m-%d %H:%M %Z}"


@app.command()
def status(
    config_path: ConfigOption = None, today: TodayOption = None, as_json: JsonOption = False
) -> None:
    """Last sync of each source and sink, what failed and how to fix it, what comes next."""
    from rich.markup import escape
    from rich.text import Text

    from planner.models import SessionKind
    from sync.sinks.event_text import KIND_TITLES, exercise_name

    config = load(config_path)
    data = status_json(config, _today_for(today, config))
    problem = data["database_error"]
    if as_json:
        print_json(data)
        if problem is not None:
            raise typer.Exit(problem["exit_code"])
        return
    if problem is not None:
        out.print(Text("State database: ", style="red") + Text(problem["message"]), soft_wrap=True)
        if problem["fix"]:
            out.print(Text(f"  fix: {problem['fix']}"), soft_wrap=True)
        out.print(f"Backups: {len(data['backups'])} in {data['state_dir']}/backups", soft_wrap=True)
        raise typer.Exit(problem["exit_code"])
    last = data["last_sync"]
    if last is None:
        out.print("No sync yet: run `hamsync sync` (or start `hamsync daemon`).")
    else:
        verdict = "ok" if last["ok"] else "with errors"
        out.print(f"Last sync: {_local(last['finished_at'], config)} ({verdict})")
    for part in data["parts"]:
        label = part["kind"] if part["name"] == part["kind"] else f"{part['kind']} {part['name']}"
        when = _local(part["finished_at"], config)
        message = escape(part["message"])  # "[feed] port" is the runner's text, not markup
        if part["ok"]:
            out.print(f"  [green]ok[/]      {label}: {when}, {message}", highlight=False)
            continue
        out.print(f"  [red]failed[/]  {label}: {when}, {message}", highlight=False)
        out.print(f"          fix: {escape(part['fix'])}", highlight=False)
        if part["retry_at"]:
            out.print(
                f"          {part['failures']} failure(s) in a row; the daemon retries after "
                f"{_local(part['retry_at'], config)}",
                highlight=False,
            )
    if data["next_sessions"]:
        out.print("Next sessions:")
        for session in data["next_sessions"]:
            day = date.fromisoformat(session["date"])
            kind = KIND_TITLES[SessionKind(session["kind"])]
            names = ", ".join(exercise_name(e["key"]) for e in session["exercises"])
            out.print(f"  {day:%a %Y-%m-%d}  {kind}: {names}", highlight=False)
    out.print(f"State: {data['database']}", highlight=False, soft_wrap=True)
    if Path(data["log_file"]).is_file():
        out.print(f"Log:   {data['log_file']}", highlight=False, soft_wrap=True)
    else:
        out.print(
            f"Log:   none yet (`hamsync daemon` writes {data['log_file']})",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
