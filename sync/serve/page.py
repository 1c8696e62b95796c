"""The check-in page: what ``GET /<token>/`` shows and what its two forms record.

``POST /<token>/done`` marks today's or yesterday's session done, ``POST /<token>/checkin``
records fine / sensitive / pain with an optional note: through the very functions of
``hamsync done`` and ``hamsync checkin`` (:mod:`sync.engine.checkins`), under the sync lock
and in one transaction, so a running sync is waited for and never saves over them. Each
form carries a one-time CSRF token (:mod:`sync.serve.csrf`); a good post answers 303 to the
page (POST/redirect/GET), so a reload never sends it again. Every refusal changes nothing.

The HTTP framing (paths, sizes, headers) is :mod:`sync.serve.server`'s; this module turns a
parsed request into an :class:`Answer`.
"""

from __future__ import annotations

import hmac
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from connectors.errors import HamsyncError
from planner.models import CheckIn, Feeling
from sync.config.model import Config
from sync.engine.checkins import (
    MAX_NOTE_CHARS,
    CheckinRefused,
    PlanChanged,
    locked_database,
    mark_done,
    normalise_note,
    planned_once,
    record_feeling,
    session_key,
)
from sync.engine.lookahead import cached_look_ahead
from sync.serve.csrf import CsrfGuard
from sync.store.database import DB_NAME, StateDatabase
from sync.store.integrity import explain
from sync.store.lock import LockHeld
from sync.views.checkin_page import (
    STYLE_HASH,
    PageText,
    render_checkin_page,
    render_message_page,
)
from sync.views.plan_days import DayRow, session_title
from sync.views.snapshot import snapshot

PAGE_LOCK_WAIT_S = 60.0
"""How long a form waits for a running sync before it answers 503 and records nothing."""

AFTER_SERVE = (
    "The sessions on this page are re-planned with what you record at once; your calendars "
    "follow at the next sync (hamsync sync, your cron job or the daemon)."
)
"""What happens next under ``hamsync serve`` alone: it serves, it does not sync."""
AFTER_DAEMON = (
    "hamsync re-plans at once: your calendars follow within a minute or two."
)
"""What happens next under the daemon: it syncs as soon as something is recorded."""

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        f"default-src 'none'; style-src '{STYLE_HASH}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
"""Every page answer: nothing loads from elsewhere, no framing, no referrer, no caching."""

MIN_TOKEN_CHARS = 16
"""A page token set by hand is at least this long (96 bits in URL-safe base64)."""
_GOOD_TOKEN = re.compile(rf"[A-Za-z0-9._~-]{{{MIN_TOKEN_CHARS},}}")
_SAID = re.compile(r"(done|felt)-(\d{4}-\d{2}-\d{2})(?:-(fine|sensitive|pain))?")


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: status, body (HTML unless a redirect) and extra headers."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


def page_token(create: bool = True) -> tuple[str, bool]:
    """The page's own secret token (``HAMSYNC_PAGE_TOKEN`` or keyring ``page.token``), never
    the feed's: a feed is handed to other services, and the page can change the plan.

    Raises :class:`~connectors.errors.HamsyncError` (exit 2) for a token set by hand that is
    too short to be secret or cannot stand in an address as it is, or that is the feed's.
    """
    from connectors.errors import EXIT_CONFIG
    from sync.serve.capability import secret_token

    token, new = secret_token("page", create)
    if not _GOOD_TOKEN.fullmatch(token):
        raise HamsyncError(
            f"the check-in page's token (HAMSYNC_PAGE_TOKEN or keyring page.token) must be "
            f"at least {MIN_TOKEN_CHARS} characters of letters, digits, '-', '_', '.' or '~' "
            "(it is the page's secret address)",
            "set a long random one, e.g. `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(24))'`",
            exit_code=EXIT_CONFIG,
        )
    from sync.config.keystore import get_secret

    feed = get_secret("feed", "token")
    if feed and hmac.compare_digest(feed.encode(), token.encode()):
        raise HamsyncError(
            "the check-in page's token (HAMSYNC_PAGE_TOKEN or keyring page.token) is the "
            "feed's token (HAMSYNC_FEED_TOKEN or keyring feed.token): whoever has the feed's "
            "address could change the plan",
            "give the page a token of its own, e.g. `python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(24))'`",
            exit_code=EXIT_CONFIG,
        )
    return token, new


class CheckinPage:
    """The page at ``/<token>/`` for one config.

    ``today``: the runner's date (default: now in the config's time zone). ``on_change``:
    called after something was recorded (the daemon syncs at once). ``next_step``: what the
    page says happens next.
    """

    def __init__(
        self,
        config: Config,
        token: str,
        *,
        today: Callable[[], date] | None = None,
        on_change: Callable[[], None] | None = None,
        next_step: str = AFTER_SERVE,
        lock_wait_s: float = PAGE_LOCK_WAIT_S,
    ) -> None:
        self.config = config
        self.base = f"/{token}/"
        self.csrf = CsrfGuard(token)
        self.today = today or (lambda: datetime.now(config.tz).date())
        self.on_change = on_change
        self.next_step = next_step
        self.lock_wait_s = lock_wait_s

    # -- GET ----------------------------------------------------------------------------
    def get(self, said: str = "") -> Answer:
        """The page; ``said`` (from the redirect after a form) picks the message on top,
        shown only when the state holds what it says (a made-up one shows nothing)."""
        today = self.today()
        assert self.config.state_dir is not None
        try:
            if (self.config.state_dir / DB_NAME).is_file():
                state = StateDatabase.open(self.config.state_dir)
            else:  # before the first sync: look without creating anything
                state = StateDatabase.empty(self.config.state_dir)
        except HamsyncError as exc:  # damaged, from a newer hamsync: what `status` says
            return self._refuse(500, "The state cannot be read", exc.shown())
        try:
            with state.snapshot():  # one moment, even while a sync writes
                upcoming = cached_look_ahead(self.config, state, today)
                snap = snapshot(self.config, state, today, upcoming)
                checkins = state.checkins()
                planned = planned_once(state)
        except sqlite3.Error as exc:  # damage found while reading: said, never a traceback
            problem = explain(exc, state.path)
            return self._refuse(500, "The state cannot be read", problem.shown())
        finally:
            state.close()
        text = self._text(said, today, snap.rows, checkins)
        if checkins:
            last = checkins[-1]
            text = PageText(
                text.flash, text.pain, text.next_step,
                f"Last check-in: {last.feeling.value} on {last.day:%a %d %b}.",
            )  # fmt: skip
        keys = {
            r.day: session_key(r.session)
            for r in snap.rows
            if planned and r.session is not None and today - timedelta(1) <= r.day <= today
        }
        html = render_checkin_page(
            today=today,
            rows=snap.rows,
            notes=snap.notes,
            settings=self.config.settings(),
            base=self.base,
            csrf=self.csrf.issue,
            text=text,
            keys=keys,
            planned=planned,
        )
        return self._html(200, html)

    def _text(
        self, said: str, today: date, rows: Sequence[DayRow], checkins: Sequence[CheckIn]
    ) -> PageText:
        """The message after a form, from what the state holds: ``done-<day>`` when that
        day's session is marked done, ``felt-<day>-<feeling>`` when that day's check-in is
        that feeling; anything else shows no message."""
        found = _SAID.fullmatch(said)
        if found is None:
            return PageText(next_step=self.next_step)
        what, day_text, feeling = found.groups()
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            return PageText(next_step=self.next_step)
        if what == "done":
            if not any(r.day == day and r.status == "done" for r in rows):
                return PageText(next_step=self.next_step)
            flash = (
                f"The session of {day:%a %d %b} is marked done; the plan counts it for "
                "progression (R6)."
            )
            return PageText(flash, next_step=self.next_step)
        on_day = [c for c in checkins if c.day == day]
        if feeling is None or not on_day or on_day[-1].feeling.value != feeling:
            return PageText(next_step=self.next_step)
        flash = f"Check-in recorded: {feeling} on {day:%a %d %b}."
        return PageText(flash, feeling == Feeling.PAIN.value, self.next_step)

    # -- POST ---------------------------------------------------------------------------
    def post(self, action: str, form: Mapping[str, Sequence[str]]) -> Answer:
        """Record a form (``done`` or ``checkin``); 303 to the page, or a refusal.

        A field given twice (which a form of this page never sends) refuses the whole form.
        """
        if any(len(values) != 1 for values in form.values()):
            return self._refuse(400, "Not a form", "Send the form from the page.")
        token = _one(form, "csrf") or ""
        if self.csrf.was_used(token):  # a double tap, a resend: refused, and said kindly
            return self._refuse(
                403,
                "This form was already sent",
                "A form counts once: the first time it was sent is what is recorded (if it "
                "went through). The page shows where things stand.",
                outcome="Nothing more was recorded.",
            )
        if not self.csrf.claim(token):
            return self._refuse(
                403,
                "This form has expired or is not from this page",
                "Each form works once and for two hours: reload the page and tap again.",
            )
        try:
            answer = self._record(action, form)
        except BaseException:
            self.csrf.release(token)
            raise
        if answer.status != 303:
            self.csrf.release(token)  # nothing changed: the same form may be sent again
        return answer

    def _record(self, action: str, form: Mapping[str, Sequence[str]]) -> Answer:
        today = self.today()
        if action == "done":
            day_text = _one(form, "day") or ""
            if day_text not in (today.isoformat(), (today - timedelta(1)).isoformat()):
                return self._refuse(
                    400, "Not a day this page marks", "Only today's or yesterday's session."
                )
            day = date.fromisoformat(day_text)
            shown = _one(form, "session") or ""

            def act(state: StateDatabase) -> None:
                mark_done(state, self.config, day, today, expected=shown)

            create = False  # a "done" needs a plan: it never creates the state
            said = f"done-{day.isoformat()}"
        elif action == "checkin":
            feeling_text = _one(form, "feeling")
            if feeling_text not in {f.value for f in Feeling}:
                return self._refuse(400, "Not a check-in", "Tap fine, sensitive or pain.")
            note = normalise_note(_one(form, "note") or "")
            if len(note) > MAX_NOTE_CHARS:
                return self._refuse(
                    413, "The note is too long",
                    f"The note has {len(note):,} characters; at most {MAX_NOTE_CHARS} are "
                    "kept. Shorten it and send it again.",
                )  # fmt: skip
            feeling = Feeling(feeling_text)

            def act(state: StateDatabase) -> None:
                record_feeling(state, self.config, today, today, feeling, note)

            create, day = True, today
            said = f"felt-{today.isoformat()}-{feeling.value}"
        else:
            return Answer(404)
        try:
            with (
                locked_database(self.config, self.lock_wait_s, create=create) as state,
                state.transaction(),
            ):
                act(state)
        except LockHeld:
            return self._refuse(
                503, "A sync is running",
                "hamsync is syncing and did not finish in time: send the form again in a "
                "minute.",
                extra=(("Retry-After", "60"),),
            )  # fmt: skip
        except PlanChanged as exc:
            now = "no session" if exc.session is None else session_title(exc.session)
            return self._refuse(
                409, "The plan changed since",
                f"The plan changed since the page was loaded: the session of {day:%a %d %b} "
                f"is now {now}. Reload the page to see it, then mark it done.",
                outcome="Nothing was marked done.",
            )  # fmt: skip
        except CheckinRefused as exc:
            return self._refuse(400, "Not recorded", exc.message)
        except HamsyncError as exc:
            return self._refuse(500, "The state cannot be written", exc.shown())
        if self.on_change is not None:
            self.on_change()
        return Answer(303, headers=(("Location", f"{self.base}?said={said}"),))

    # -- answers ------------------------------------------------------------------------
    def _html(self, status: int, html: str, extra: tuple[tuple[str, str], ...] = ()) -> Answer:
        headers = (("Content-Type", "text/html; charset=utf-8"), *SECURITY_HEADERS, *extra)
        return Answer(status, html.encode(), headers)

    def _refuse(
        self,
        status: int,
        title: str,
        message: str,
        extra: tuple[tuple[str, str], ...] = (),
        outcome: str = "Nothing was recorded.",
    ) -> Answer:
        page = render_message_page(title, message, self.base, outcome)
        return self._html(status, page, extra)

    def refusal(self, status: int, title: str, message: str) -> Answer:
        """A refusal page for the HTTP layer (a body too large, a foreign origin)."""
        return self._refuse(status, title, message)


def _one(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The single value of ``name``, or None when it is missing or given twice."""
    values = form.get(name, ())
    return values[0] if len(values) == 1 else None

