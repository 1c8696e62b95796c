"""What "done" marks is exactly the session the runner was shown (issue #17, item 1), on the
page and on the command line, and a page with nothing planned yet offers no "done" and
creates nothing (item 4).

A check-in re-plans at once and stores the re-plan (the plan part of a sync, no sink
written); the done form carries the shown session's id and fingerprint, and a form for a
session that is no longer the stored one is refused with "the plan changed since".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import icalendar
import pytest
import requests
import time_machine
from checkin_helpers import TODAY, form_tokens, serving, sync
from typer.testing import CliRunner

from planner.models import Session
from sync.cli import app
from sync.store.database import StateDatabase

WriteConfig = Callable[..., Path]


@pytest.fixture
def synced(write_config: WriteConfig) -> Path:
    config = write_config()
    sync(config)
    return config


def stored(state_dir: Path, day: date) -> tuple[Session, bool]:
    """The stored session of ``day`` and whether it is marked done."""
    state = StateDatabase.open(state_dir)
    try:
        session = next(s for s in state.plan_sessions() if s.day == day)
        done = session.id in state.planner_state(3).done_session_ids
    finally:
        state.close()
    return session, done


def today_card(html: str) -> str:
    return html.split(f'id="day-{TODAY.isoformat()}"')[1].split("</section>")[0]


def shown_kind(html: str) -> str:
    found = re.search(r'class="kind k-(\w+)"', today_card(html))
    assert found is not None
    return found.group(1)


def done_form(html: str) -> dict[str, str]:
    """The fields of today's "done" form, as the browser would send them."""
    card = today_card(html)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', card))
    assert set(fields) == {"csrf", "day", "session"}, fields
    return fields


def post(url: str, data: dict[str, str]) -> requests.Response:
    return requests.post(url, data=data, allow_redirects=False, timeout=60)


def cli(config: Path, *args: str) -> str:
    """A command run on ``TODAY`` (the runner's clock at noon in Zurich)."""
    with time_machine.travel("2026-11-25 12:00 +01:00", tick=False):
        result = CliRunner().invoke(
            app, [*args, "--config", str(config)], catch_exceptions=False
        )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("feeling", ["sensitive", "pain"])
def test_done_after_a_check_in_marks_the_re_planned_session_the_page_shows(
    synced: Path, feeling: str
) -> None:
    """Serve alone, no sync between: after sensitive/pain the page shows today re-planned;
    "done" marks that session, and the next sync keeps it (no focused session counted)."""
    state_dir = synced.parent / "state"
    before, _ = stored(state_dir, TODAY)
    assert before.kind.value == "focused"
    ics = synced.parent / "out" / "hamsync.ics"
    written = ics.read_bytes()
    assert "focused session" in summary_on(written, TODAY)
    with serving(synced) as served:
        page = requests.get(served.url, timeout=30).text
        assert post(f"{served.url}checkin", {"csrf": form_tokens(page)[-1], "feeling": feeling})
        page = requests.get(served.url, timeout=30).text
        shown = shown_kind(page)
        assert shown != "focused"
        answer = post(f"{served.url}done", done_form(page))
        assert answer.status_code == 303
    session, done = stored(state_dir, TODAY)
    assert done and session.kind.value == shown
    assert ics.read_bytes() == written  # the re-plan is stored; the calendar waits for a sync
    sync(synced)
    session, done = stored(state_dir, TODAY)
    assert done and session.kind.value == shown
    after = summary_on(ics.read_bytes(), TODAY)
    assert "focused session" not in after and shown in after.lower()  # the sync wrote it


def summary_on(ics: bytes, day: date) -> str:
    """The titles of the calendar's events on ``day`` (none: ``""``)."""
    calendar = icalendar.Calendar.from_ical(ics)
    return " | ".join(
        str(event["SUMMARY"])
        for event in calendar.walk("VEVENT")
        if _date_of(event.decoded("DTSTART")) == day
    )


def _date_of(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_done_after_fine_marks_the_session_shown_again(synced: Path) -> None:
    """The other direction: a synced "sensitive", then "fine" on the page; the page shows the
    session "fine" brings back, and "done" marks that one, not the stored recovery."""
    cli(synced, "checkin", "sensitive")
    sync(synced)
    state_dir = synced.parent / "state"
    assert stored(state_dir, TODAY)[0].kind.value != "focused"
    with serving(synced) as served:
        page = requests.get(served.url, timeout=30).text
        assert post(f"{served.url}checkin", {"csrf": form_tokens(page)[-1], "feeling": "fine"})
        page = requests.get(served.url, timeout=30).text
        shown = shown_kind(page)
        assert post(f"{served.url}done", done_form(page)).status_code == 303
    session, done = stored(state_dir, TODAY)
    assert done and session.kind.value == shown


def test_a_done_form_for_a_session_re_planned_since_is_refused(synced: Path) -> None:
    """A page loaded before a check-in elsewhere (the CLI) shows the old session: its "done"
    is refused with what is planned now, and nothing is marked; the reloaded page works."""
    state_dir = synced.parent / "state"
    with serving(synced) as served:
        stale = done_form(requests.get(served.url, timeout=30).text)
        cli(synced, "checkin", "sensitive")
        answer = post(f"{served.url}done", stale)
        assert answer.status_code == 409
        assert "The plan changed since" in answer.text and "Nothing was marked done" in answer.text
        assert not stored(state_dir, TODAY)[1]
        fresh = done_form(requests.get(served.url, timeout=30).text)
        assert fresh["session"] != stale["session"]
        assert post(f"{served.url}done", fresh).status_code == 303
    assert stored(state_dir, TODAY)[1]


def test_a_done_form_with_a_made_up_session_changes_nothing(synced: Path) -> None:
    state_dir = synced.parent / "state"
    with serving(synced) as served:
        form = done_form(requests.get(served.url, timeout=30).text)
        session_id = form["session"].split(":")[0]
        for forged in (f"{session_id}:0000000000000000", "", "x"):
            answer = post(f"{served.url}done", {**form, "session": forged})
            assert answer.status_code == 409, forged
    assert not stored(state_dir, TODAY)[1]


def test_the_cli_marks_the_session_re_planned_by_a_check_in(synced: Path) -> None:
    """`hamsync checkin sensitive` then `hamsync done` without a sync: what is marked is the
    re-planned session `hamsync plan` shows, and the next sync keeps it."""
    cli(synced, "checkin", "sensitive", "--date", TODAY.isoformat())
    session, _ = stored(synced.parent / "state", TODAY)
    assert session.kind.value != "focused"
    out = cli(synced, "done", "--date", TODAY.isoformat())
    assert f"({session.kind.value})" in out
    sync(synced)
    after, done = stored(synced.parent / "state", TODAY)
    assert done and after.kind == session.kind


def test_a_fresh_state_offers_no_done_and_nothing_is_created(write_config: WriteConfig) -> None:
    """Before the first sync: the page says the first sync makes the plan, has no "done"
    button; a posted "done" is refused and creates neither state/ nor the database."""
    config = write_config()
    state_dir = config.parent / "state"
    with serving(config) as served:
        page = requests.get(served.url, timeout=30)
        assert page.status_code == 200
        assert "the first sync" in page.text and "hamsync sync" in page.text
        assert "/done" not in page.text
        token = form_tokens(page.text)[0]
        answer = post(
            f"{served.url}done",
            {"csrf": token, "day": TODAY.isoformat(), "session": "2026-W48-3:0"},
        )
        assert answer.status_code == 400
        assert "first sync" in answer.text
        refused = post(
            f"{served.url}checkin", {"csrf": token, "feeling": "fine", "note": "x" * 501}
        )
        assert refused.status_code == 413
        assert requests.get(f"{served.url}?said=done-{TODAY}", timeout=30).status_code == 200
    assert not state_dir.exists()


def test_sensitive_then_done_from_one_page_load_marks_nothing_stale(synced: Path) -> None:
    """Both forms of one page load, sent one after the other (no reload): the check-in
    re-plans today, so the "done" of the session shown before is refused, not counted."""
    state_dir = synced.parent / "state"
    with serving(synced) as served:
        page = requests.get(served.url, timeout=30).text
        done = done_form(page)
        feeling = {"csrf": form_tokens(page)[-1], "feeling": "sensitive"}
        assert post(f"{served.url}checkin", feeling).status_code == 303
        answer = post(f"{served.url}done", done)
        assert answer.status_code == 409
    session, marked = stored(state_dir, TODAY)
    assert session.kind.value != "focused" and not marked
