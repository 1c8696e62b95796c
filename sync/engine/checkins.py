"""What the runner tells hamsync: a session done (R6, R8) and how the hamstrings feel (R7).

One place records both, for every way in: ``hamsync done`` / ``hamsync checkin`` and the
check-in page of ``hamsync serve`` (:mod:`sync.serve.page`). The callers hold the sync lock
and one transaction (:func:`locked_database`), so a running sync is waited for and can never
save over what is recorded here (:mod:`sync.engine.state_merge` is the second line).

What is recorded re-plans at once, in the same transaction (:func:`replan`: the plan part
of a sync, from the stored facts and the last good read of the calendars, writing to no
sink; the next sync writes the calendars). So the stored plan is always the plan the page
and ``hamsync plan`` show, and a "done" marks exactly the session shown: the page's form
carries that session's :func:`session_key` and is refused (:class:`PlanChanged`) when the
stored session of that day is another one.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date

from connectors.errors import EXIT_CONFIG, HamsyncError, StateError
from planner.models import CheckIn, Feeling, Session
from sync.config.model import Config
from sync.store.database import DB_NAME, StateDatabase, ensure_private_dir
from sync.store.integrity import explain
from sync.store.lock import sync_lock
from sync.store.serialize import session_body

MAX_NOTE_CHARS = 500
"""A note is a few words for the runner (hamsync default); longer ones are refused whole.
Counted after line breaks are made ``\n`` (:func:`normalise_note`): a browser sends each
line break of a textarea as CRLF, but counts it as one character against ``maxlength``."""
NOTHING_PLANNED = "nothing is planned yet: the first sync (`hamsync sync`) makes the plan"


class CheckinRefused(HamsyncError):
    """What was asked cannot be recorded (a day ahead, no session that day, a long note).

    Nothing is stored; the message says what is wrong and on which day (exit 2 in the CLI).
    """

    exit_code = EXIT_CONFIG


class PlanChanged(CheckinRefused):
    """The session a "done" was meant for is no longer the stored one of that day (a sync or
    a check-in re-planned it since the page was loaded). ``session``: the one now planned."""

    def __init__(self, message: str, session: Session | None) -> None:
        super().__init__(message)
        self.session = session


@contextlib.contextmanager
def locked_database(
    config: Config,
    wait_s: float,
    on_wait: Callable[[str], None] | None = None,
    create: bool = True,
) -> Iterator[StateDatabase]:
    """The state database under the sync lock (waiting up to ``wait_s`` seconds for a sync).

    Raises :class:`~sync.store.lock.LockHeld` when the wait runs out (nothing stored), and
    turns SQLite errors met inside into a :class:`~connectors.errors.StateError` naming the
    database. ``create=False``: a state that does not exist yet is left uncreated and
    :class:`CheckinRefused` says that the first sync makes the plan (a "done" needs one).
    """
    assert config.state_dir is not None
    if not create and not (config.state_dir / DB_NAME).is_file():
        raise CheckinRefused(NOTHING_PLANNED)
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


def planned_once(state: StateDatabase) -> bool:
    """Whether a sync has made a plan (a stored session, or a sync recorded)."""
    return bool(state.plan_sessions()) or "sync" in state.part_logs()


def session_key(session: Session) -> str:
    """``<id>:<fingerprint>``: the session and its content (16 hex digits of SHA-256 over the
    stored body), so a re-planned session under the same id is told apart."""
    digest = hashlib.sha256(session_body(session).encode()).hexdigest()[:16]
    return f"{session.id}:{digest}"


def replan(state: StateDatabase, config: Config, today: date) -> None:
    """Store the plan a sync would make now, without writing to any sink.

    The plan part of a sync (:func:`sync.engine.run.save_plan`), from the stored facts and
    the last good read of each calendar (:func:`~sync.engine.lookahead.cached_look_ahead`):
    what ``hamsync plan`` and the page show. The next sync plans the same and writes the
    calendars (their records, not the stored plan, say what they hold). Call inside
    ``state.transaction()`` under the sync lock. Before the first sync (no plan stored)
    nothing is planned here: the first sync makes the plan.
    """
    from sync.engine.lookahead import cached_look_ahead
    from sync.engine.run import compute_plan, save_plan

    if not planned_once(state):
        return
    level = config.settings().starting_level
    upcoming = cached_look_ahead(config, state, today)
    before = state.planner_state(level)
    result, _ = compute_plan(config, state, today, upcoming)
    save_plan(state, today, result, before, level)


def mark_done(
    state: StateDatabase, config: Config, day: date, today: date, expected: str | None = None
) -> Session:
    """Mark the planned session of ``day`` done; the next plan counts it (R6, R8).

    The plan is brought up to date first (:func:`replan`), so what is marked is the session
    ``hamsync plan`` and the page show for ``day``. ``expected``: the :func:`session_key` of
    the session the runner saw (the page's form); another one stored raises
    :class:`PlanChanged`. Call inside ``state.transaction()`` under the sync lock. Raises
    :class:`CheckinRefused` for a day after ``today`` or a day without a planned session.
    """
    if day > today:
        raise CheckinRefused(f"{day:%a %Y-%m-%d} is still ahead: mark a session done on its day")
    if not planned_once(state):
        raise CheckinRefused(NOTHING_PLANNED)
    replan(state, config, today)
    session = session_on(state, day)
    if session is None:
        raise CheckinRefused(f"no hamstring session was planned on {day:%a %Y-%m-%d}")
    if expected is not None and session_key(session) != expected:
        raise PlanChanged(
            f"the plan of {day:%a %Y-%m-%d} changed since the page was loaded; nothing was "
            "marked done",
            session,
        )
    current = state.planner_state(config.settings().starting_level)
    state.save_planner_state(
        replace(current, done_session_ids=current.done_session_ids | {session.id})
    )
    return session


def normalise_note(note: str) -> str:
    """``note`` with every line break (CRLF, CR) made ``\n`` and outer blanks stripped: a
    note counts and is stored the same from the page (CRLF, per the HTML form encoding) as
    from the command line."""
    return note.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_note(note: str) -> str:
    """``note`` normalised (:func:`normalise_note`); :class:`CheckinRefused` when it is over
    :data:`MAX_NOTE_CHARS` characters."""
    text = normalise_note(note)
    if len(text) > MAX_NOTE_CHARS:
        raise CheckinRefused(
            f"the note has {len(text):,} characters; at most {MAX_NOTE_CHARS} are kept: "
            "shorten it"
        )
    return text


def record_feeling(
    state: StateDatabase,
    config: Config,
    day: date,
    today: date,
    feeling: Feeling,
    note: str = "",
) -> CheckIn:
    """Store how the hamstrings feel on ``day`` (R7) and re-plan (:func:`replan`); a second
    check-in that day replaces it.

    Call inside ``state.transaction()`` under the sync lock. Raises :class:`CheckinRefused`
    for a day after ``today`` or a note over :data:`MAX_NOTE_CHARS` characters.
    """
    if day > today:
        raise CheckinRefused(f"{day:%a %Y-%m-%d} is still ahead; check in on the day you feel it")
    checkin = CheckIn(day, feeling, check_note(note))
    state.add_checkin(checkin)
    replan(state, config, today)
    return checkin
