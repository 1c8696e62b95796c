"""What the runner tells hamsync: a session done (R6, R8) and how the hamstrings feel (R7).

One place records both, for every way in: ``hamsync done`` / ``hamsync checkin`` and the
check-in page of ``hamsync serve`` (:mod:`sync.serve.page`). The callers hold the sync lock
and one transaction (:func:`locked_database`), so a running sync is waited for and can never
save over what is recorded here (:mod:`sync.engine.state_merge` is the second line).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date

from connectors.errors import EXIT_CONFIG, HamsyncError, StateError
from planner.models import CheckIn, Feeling, Session
from sync.config.model import Config
from sync.store.database import StateDatabase, ensure_private_dir
from sync.store.integrity import explain
from sync.store.lock import sync_lock

MAX_NOTE_CHARS = 500
"""A note is a few words for the runner (hamsync default); longer ones are refused whole."""


class CheckinRefused(HamsyncError):
    """What was asked cannot be recorded (a day ahead, no session that day, a long note).

    Nothing is stored; the message says what is wrong and on which day (exit 2 in the CLI).
    """

    exit_code = EXIT_CONFIG


@contextlib.contextmanager
def locked_database(
    config: Config, wait_s: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[StateDatabase]:
    """The state database under the sync lock (waiting up to ``wait_s`` seconds for a sync).

    Raises :class:`~sync.store.lock.LockHeld` when the wait runs out (nothing stored), and
    turns SQLite errors met inside into a :class:`~connectors.errors.StateError` naming the
    database.
    """
    assert config.state_dir is not None
    try:
        ensure_private_dir(config.state_dir)
        state = StateDatabase.open(config.state_dir)
    except OSError as exc:
        raise StateError(f"state directory {config.state_dir}: {exc.strerror}") from exc
    try:
        with sync_lock(config.state_dir, wait_s, on_wait=on_wait):
            yield state
    except sqlite3.Error as exc:
        raise explain(exc, state.path) from exc
    finally:
        state.close()


def session_on(state: StateDatabase, day: date) -> Session | None:
    """The stored plan's session on ``day``, or None."""
    return next((s for s in state.plan_sessions() if s.day == day), None)


def mark_done(state: StateDatabase, config: Config, day: date, today: date) -> Session:
    """Mark the planned session of ``day`` done; the next plan counts it (R6, R8).

    Call inside ``state.transaction()`` under the sync lock. Raises :class:`CheckinRefused`
    for a day after ``today`` or a day without a planned session.
    """
    if day > today:
        raise CheckinRefused(f"{day:%a %Y-%m-%d} is still ahead: mark a session done on its day")
    session = session_on(state, day)
    if session is None:
        raise CheckinRefused(f"no hamstring session was planned on {day:%a %Y-%m-%d}")
    current = state.planner_state(config.settings().starting_level)
    state.save_planner_state(
        replace(current, done_session_ids=current.done_session_ids | {session.id})
    )
    return session


def check_note(note: str) -> str:
    """``note`` stripped; :class:`CheckinRefused` when it is over :data:`MAX_NOTE_CHARS`."""
    text = note.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise CheckinRefused(
            f"the note has {len(text):,} characters; at most {MAX_NOTE_CHARS} are kept: "
            "shorten it"
        )
    return text


def record_feeling(
    state: StateDatabase, day: date, today: date, feeling: Feeling, note: str = ""
) -> CheckIn:
    """Store how the hamstrings feel on ``day`` (R7); a second check-in that day replaces it.

    Call inside ``state.transaction()`` under the sync lock. Raises :class:`CheckinRefused`
    for a day after ``today`` or a note over :data:`MAX_NOTE_CHARS` characters.
    """
    if day > today:
        raise CheckinRefused(f"{day:%a %Y-%m-%d} is still ahead; check in on the day you feel it")
    checkin = CheckIn(day, feeling, check_note(note))
    state.add_checkin(checkin)
    return checkin
