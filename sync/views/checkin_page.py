"""The check-in page of ``hamsync serve``: today's session, the next ones, and the forms.

The page speaks the HTML report's words (:mod:`sync.views.report_html`,
:mod:`sync.views.plan_days`): the session's title, each exercise with its dose and cue, and
"why this day" from the typed reasons. It is rendered by Jinja2 with autoescaping from
``templates/checkin.html``: no script, no font, image or link outside the page, a style
sheet the Content-Security-Policy names by its hash (:data:`STYLE_HASH`), plain forms that
work without JavaScript, readable at 360 px. Pure: the page is a function of its arguments.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import jinja2

from planner.exercises import cue_for
from planner.models import Reason, Session
from planner.reasons import MEDICAL_NOTE
from planner.settings import Settings
from sync.sinks.event_text import DISCLAIMER, details_line, exercise_name
from sync.views.plan_days import DayRow, session_title, short_dose
from sync.views.report_html import KIND_COLOURS

NEXT_DAYS = 7
"""The page lists the sessions of the next week after today (the report shows 14 days)."""

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
background:#f4f1ea;color:#222;font-size:17px;line-height:1.4}
main{max-width:560px;margin:0 auto;padding:12px}
h1{font-size:1.35rem;margin:4px 0}h2{font-size:1.05rem;margin:0 0 6px}
.sub{color:#555;margin:0 0 10px}
.flash{background:#d3f9d8;border-radius:6px;padding:8px 10px;margin:8px 0}
.note{background:#fff;border-left:5px solid #f08c00;padding:8px 10px;margin:8px 0;
border-radius:4px}.note.alert{border-color:#e03131;font-weight:600}
.card{background:#fff;border-radius:8px;padding:10px;margin:10px 0;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
.kind{display:inline-block;color:#fff;border-radius:6px;padding:2px 8px;font-weight:600}
.badge{display:inline-block;background:#e9ecef;border-radius:8px;padding:0 6px;
margin-left:6px;font-size:.8rem}
ul{margin:6px 0;padding-left:20px}li{margin:4px 0}small{color:#555}
details{font-size:.9rem;margin-top:4px}summary{cursor:pointer;color:#495057}
form{margin:8px 0 0}
button{font:inherit;font-size:1.05rem;border:0;border-radius:8px;padding:12px 14px;
min-height:48px;cursor:pointer;background:#1c7ed6;color:#fff}
.feel{display:flex;gap:8px;flex-wrap:wrap}.feel button{flex:1 1 90px}
button.fine{background:#2f9e44}button.sensitive{background:#f08c00}
button.pain{background:#e03131}
label{display:block;margin:6px 0 2px;color:#444}
textarea{box-sizing:border-box;width:100%;font:inherit;padding:6px;border:1px solid #adb5bd;
border-radius:6px}
.next-step{color:#444}footer{color:#666;font-size:.85rem;margin:18px 0}
""" + "".join(f".k-{kind.value}{{background:{colour}}}" for kind, colour in KIND_COLOURS.items())

STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
"""The ``style-src`` source of the page's Content-Security-Policy: only this style runs."""

BADGES = {"done": "done", "missed": "not done", "today": "today"}
"""The report's badges (:func:`sync.views.report_html._session_html`)."""


@dataclass(frozen=True, slots=True)
class ExerciseItem:
    name: str
    dose: str
    cue: str


@dataclass(frozen=True, slots=True)
class SessionCard:
    """One day's session as the page shows it; ``key``: the session's
    :func:`~sync.engine.checkins.session_key` when a "done" button goes with it, else ``""``."""

    day: date
    label: str
    title: str
    kind: str
    """The session kind (``focused``...): its colour in the style sheet, as in the report."""
    badge: str
    exercises: tuple[ExerciseItem, ...]
    why: tuple[str, ...]
    key: str


def _card(row: DayRow, label: str, settings: Settings, key: str) -> SessionCard:
    session: Session | None = row.session
    assert session is not None
    items = tuple(
        ExerciseItem(
            exercise_name(d.key),
            short_dose(d.key, d.sets, d.reps, d.hold_s, d.per_side),
            cue_for(d.key, settings),
        )
        for d in session.exercises
    )
    why = [r.text for r in session.reasons]
    if (details := details_line(session.reasons)) is not None:
        why.append(details)
    return SessionCard(
        row.day, label, session_title(session), session.kind.value,
        BADGES.get(row.status, ""), items, tuple(why), key if row.status != "done" else "",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageText:
    """What the page says beyond the plan: the message after a form, what happens next."""

    flash: str = ""
    pain: bool = False
    """The last form recorded ``pain``: the medical-advice note is shown (R7)."""
    next_step: str = ""
    last_checkin: str = ""


@cache
def _template(name: str = "checkin.html") -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sync.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name)


def render_checkin_page(
    *,
    today: date,
    rows: Sequence[DayRow],
    notes: Sequence[Reason],
    settings: Settings,
    base: str,
    csrf: Callable[[], str],
    text: PageText,
    keys: Mapping[date, str],
    planned: bool = True,
) -> str:
    """The whole page as a string.

    ``rows``: the days of :class:`sync.views.snapshot.Snapshot`; today's and yesterday's
    sessions get a "done" button (until marked) when ``keys`` holds their session key, which
    the form sends back so that exactly the session shown is marked; the sessions of the next
    :data:`NEXT_DAYS` days follow. ``base``: the page's path (``/<token>/``), which the
    forms post under. ``csrf``: makes one fresh token per form. ``planned``: a sync has
    made a plan (before the first, the page says so and offers no "done").
    """
    by_day = {r.day: r for r in rows}
    yesterday = today - timedelta(1)
    marked: list[SessionCard] = []
    for day, label in ((today, "Today"), (yesterday, "Yesterday")):
        row = by_day.get(day)
        if row is not None and row.session is not None:
            marked.append(_card(row, label, settings, keys.get(day, "")))
    ahead = [
        _card(r, f"{r.day:%a %d %b}", settings, "")
        for r in rows
        if today < r.day <= today + timedelta(NEXT_DAYS) and r.session is not None
    ]
    shown = [(n.text, "medical advice" in n.text) for n in notes]
    if text.pain and all(note != MEDICAL_NOTE for note, _ in shown):
        shown.insert(0, (MEDICAL_NOTE, True))
    return _template().render(
        css=CSS,
        today_label=f"{today:%A %d %B %Y}",
        today_has_session=bool(marked) and marked[0].day == today,
        marked=marked,
        ahead=ahead,
        notes=shown,
        base=base,
        csrf=csrf,
        text=text,
        planned=planned,
        disclaimer=DISCLAIMER,
    )


def render_message_page(
    title: str, message: str, base: str, outcome: str = "Nothing was recorded."
) -> str:
    """A refusal: what was wrong, what was recorded (``outcome``), a link back to ``base``."""
    return _template("message.html").render(
        css=CSS, title=title, message=message, base=base, outcome=outcome
    )
