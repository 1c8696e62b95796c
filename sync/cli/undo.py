"""Undo commands: ``purge`` (remove all hamsync wrote), ``pause --until`` and ``resume``.

``purge`` asks every configured sink to remove what hamsync recorded there, and only that:
ICS file emptied, CalDAV events deleted with ``If-Match``, Garmin workouts unscheduled then
deleted, note blocks taken out of activity descriptions with the runner's text kept. A sink
that fails is reported and the others still purge; its records stay, so running ``purge``
again finishes the job. It holds the sync lock, so a daemon never writes in the middle.

``pause`` sets ``PlannerState.paused_until``: the planner then places no session on that day
or before, and the next sync deletes the sessions already written for those days.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Protocol, runtime_checkable

import typer

from sync.cli.app import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_PARTIAL,
    ConfigOption,
    TodayOption,
    app,
    err,
    fail,
    load,
    locked_state,
    open_state,
    out,
    today_for,
)

if TYPE_CHECKING:  # imported where used: `hamsync --help` stays quick
    from sync.config.model import Config
    from sync.sinks.outcome import SinkResult
    from sync.sinks.renderer import Writer
    from sync.store.database import StateDatabase


@runtime_checkable
class PurgeableSink(Protocol):
    """A sink that can remove everything hamsync recorded writing to it."""

    name: str

    def purge(self, state: StateDatabase, dry_run: bool) -> SinkResult: ...


type Purgeable = PurgeableSink | Writer[Any]

WHAT = {"events": "events", "workouts": "workouts", "notes": "note blocks"}
"""What the items of a sink of each role are, in the runner's words."""


def _role(sink: Purgeable) -> str:
    from sync.sinks.renderer import Writer

    return sink.sink.role if isinstance(sink, Writer) else "events"


def _sinks(config: Config) -> list[Purgeable]:
    from rich.text import Text

    from sync.sinks.renderer import Writer
    from sync.wiring.build import build_sinks

    found: list[Purgeable] = []
    for sink in build_sinks(config):
        if isinstance(sink, Writer | PurgeableSink):
            found.append(sink)
        else:  # a third-party sink without undo
            err.print(Text(f"warning: {sink.name}: cannot be purged; left as it is"))
    return found


def purge_one(sink: Purgeable, state: StateDatabase, dry_run: bool) -> SinkResult:
    """What purging ``sink`` removed (or, dry, would remove); a dry run changes nothing."""
    from sync.engine import writeback
    from sync.sinks.renderer import Writer

    if isinstance(sink, Writer):
        return writeback.purge(sink, state.scratch_copy() if dry_run else state, dry_run)
    return sink.purge(state, dry_run)


def purge_all(sinks: list[Purgeable], state: StateDatabase) -> tuple[int, int]:
    """Purge each sink, printing what it removed; ``(sinks that worked, sinks that failed)``."""
    from rich.text import Text

    from sync.config.keystore import redact
    from sync.sinks.base import SinkError

    worked = failed = 0
    for sink in sinks:
        try:
            result = purge_one(sink, state, dry_run=False)
        except SinkError as exc:
            failed += 1
            message = redact(str(exc))
            out.print(Text("error: ", style="red") + Text(f"{sink.name}: {message}"))
            out.print(Text(f"  {sink.name}: kept its records; `hamsync purge` again finishes it"))
            continue
        except Exception as exc:  # one sink's bug never stops the others
            failed += 1
            out.print(Text("error: ", style="red") + Text(f"{sink.name}: {redact(repr(exc))}"))
            continue
        worked += 1
        out.print(f"{sink.name}: removed {result.deleted} {WHAT[_role(sink)]}")
        for message in [*result.messages, *result.failures]:
            out.print(Text(f"  {message}"))
    return worked, failed


@app.command()
def purge(
    config_path: ConfigOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be removed; remove nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove every event, workout and note block hamsync wrote, and nothing else."""
    from sync.store.lock import LockHeld, sync_lock

    config = load(config_path)
    assert config.state_dir is not None
    sinks = _sinks(config)
    with open_state(config) as state:
        try:
            with sync_lock(config.state_dir):
                planned = {s.name: purge_one(s, state, dry_run=True).deleted for s in sinks}
                roles = {s.name: _role(s) for s in sinks}
                if not any(planned.values()):
                    out.print("hamsync has nothing of its own to remove.")
                    raise typer.Exit(0)
                out.print("hamsync wrote these, and would remove them:")
                for name, count in planned.items():
                    out.print(f"  {name}: {count} {WHAT[roles[name]]}", highlight=False)
                    for line in _listing(state, name, roles[name]):
                        out.print(f"    {line}", highlight=False)
                if dry_run:
                    out.print("dry run: nothing was removed.")
                    raise typer.Exit(0)
                if not yes and not _confirmed():
                    out.print("Nothing was removed.")
                    raise typer.Exit(0)
                worked, failed = purge_all(sinks, state)
        except LockHeld as exc:
            fail(str(exc), EXIT_LOCKED)
    out.print(
        "The plan is still stored: the next `hamsync sync` (or the daemon) writes it again. "
        "Disable the sinks in the config, or `hamsync pause`, to keep them empty."
    )
    if failed:
        raise typer.Exit(EXIT_PARTIAL if worked else EXIT_FAILED)


def _listing(state: StateDatabase, sink: str, role: str) -> list[str]:
    """One line per item a sink holds: its day and what it is (a session, or a run's note)."""
    from sync.store.serialize import session_from_body
    from sync.views.plan_days import session_title

    lines = []
    for item in sorted(state.sink_items(sink).values(), key=lambda i: (i.day, i.session_id)):
        if role == "notes":
            what = f"note on the activity {item.remote_id}"
        else:
            try:
                what = f"{session_title(session_from_body(item.body))} ({item.session_id})"
            except (ValueError, KeyError, TypeError):  # a record without the session's body
                what = f"session {item.session_id}"
        lines.append(f"{item.day:%a %Y-%m-%d}  {what}")
    return lines


def _confirmed() -> bool:
    """The runner's answer; without a terminal to ask on, a usage error naming ``--yes``."""
    try:
        return typer.confirm("Remove them?", default=False)
    except typer.Abort:
        fail(
            "purge asks before it removes anything, and there is no terminal to ask on: "
            "run it again with --yes to remove them (or --dry-run to only list them)",
            EXIT_CONFIG,
        )


def _set_pause(config: Config, until: date | None) -> None:
    """Store the pause under the sync lock, so a running sync cannot overwrite it."""
    with locked_state(config) as state, state.transaction():
        current = state.planner_state(config.settings().starting_level)
        state.save_planner_state(replace(current, paused_until=until))


@app.command()
def pause(
    until: Annotated[str, typer.Option("--until", help="Last day without sessions (YYYY-MM-DD).")],
    config_path: ConfigOption = None,
    today: TodayOption = None,
) -> None:
    """Place no hamstring session up to and including a date (holidays, illness)."""
    config = load(config_path)
    try:
        last = date.fromisoformat(until)
    except ValueError:
        fail(f"--until {until!r}: expected a date as YYYY-MM-DD", EXIT_CONFIG)
    if last < today_for(today, config):
        fail(f"--until {last}: that day has passed; nothing to pause", EXIT_CONFIG)
    _set_pause(config, last)
    out.print(
        f"Paused: no hamstring session up to {last:%a %Y-%m-%d}. The next `hamsync sync` "
        "removes the sessions already written for those days."
    )


@app.command()
def resume(config_path: ConfigOption = None) -> None:
    """End a pause now: the next sync places sessions again."""
    config = load(config_path)
    with open_state(config, look_only=True) as state:
        paused_until = state.planner_state(config.settings().starting_level).paused_until
    today = today_for(None, config)
    if paused_until is None or paused_until < today:
        ended = "" if paused_until is None else f" (the last one ended {paused_until:%a %Y-%m-%d})"
        out.print(f"Nothing to resume: no pause is set{ended}.")
        return
    _set_pause(config, None)
    out.print("Resumed: the next `hamsync sync` places hamstring sessions again.")
