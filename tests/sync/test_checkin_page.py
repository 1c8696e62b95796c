"""The check-in page over real HTTP on 127.0.0.1: what it shows, what it records (exactly what
``hamsync done`` / ``hamsync checkin`` record), and every refusal leaving the state unchanged."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import time_machine
from checkin_helpers import (
    FEED_TOKEN,
    PAGE_TOKEN,
    TODAY,
    done_fields,
    form_tokens,
    rows,
    serving,
    sync,
)
from typer.testing import CliRunner

from planner.reasons import MEDICAL_NOTE
from sync.cli import app
from sync.engine.checkins import MAX_NOTE_CHARS
from sync.serve.csrf import TOKEN_TTL_S, CsrfGuard
from sync.serve.server import MAX_BODY_BYTES

WriteConfig = Callable[..., Path]


@pytest.fixture
def synced(write_config: WriteConfig) -> Path:
    config = write_config()
    sync(config)
    return config


def post(url: str, data: dict[str, str], **headers: str) -> requests.Response:
    return requests.post(url, data=data, headers=headers, allow_redirects=False, timeout=30)


def feel(url: str, feeling: str, note: str = "", token: str | None = None) -> requests.Response:
    if token is None:
        token = form_tokens(requests.get(url, timeout=30).text)[-1]
    return post(f"{url}checkin", {"csrf": token, "feeling": feeling, "note": note})


def test_the_page_shows_todays_session_in_the_reports_words(synced: Path) -> None:
    """Today's session with its exercises, doses, cues and reasons; security headers set."""
    with serving(synced) as served:
        answer = requests.get(served.url, timeout=30)
    assert answer.status_code == 200
    html = answer.text
    assert "Wednesday 25 November 2026" in html
    today = html.split('id="day-2026-11-25"')[1].split("</section>")[0]
    assert "Focused session" in today
    assert "Glute bridge with heel pressure</strong> 3x10" in today
    assert "dig the heels down" in today  # the cue
    assert "why this day" in today and "Rules: R5" in today
    assert "Mark today's session done" in today
    assert "Next sessions" in html and 'id="day-2026-11-28"' in html
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script" not in policy and "unsafe-inline" not in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "<script" not in html and "http" not in html.split("<body>")[1]


def test_only_the_two_secret_paths_answer(synced: Path) -> None:
    """The feed at its token, the page at its own; any mix, method or other path is 404."""
    with serving(synced) as served:
        origin = served.url.split(f"/{PAGE_TOKEN}/")[0]
        assert requests.get(f"{origin}/{FEED_TOKEN}.ics", timeout=30).status_code == 200
        for path in (
            f"/{FEED_TOKEN}/", f"/{PAGE_TOKEN}.ics", f"/{PAGE_TOKEN}", f"/{PAGE_TOKEN}/x",
            f"/{PAGE_TOKEN[:-1]}/", "/", "/favicon.ico",
        ):  # fmt: skip
            assert requests.get(f"{origin}{path}", timeout=30).status_code == 404, path
        for path in (f"/{PAGE_TOKEN}/", f"/{FEED_TOKEN}/checkin", f"/{PAGE_TOKEN}/purge"):
            assert post(f"{origin}{path}", {"feeling": "fine"}).status_code == 404, path
        assert requests.put(f"{served.url}checkin", timeout=30).status_code == 404
        assert requests.delete(served.url, timeout=30).status_code == 404


def test_done_and_checkin_record_exactly_what_the_commands_record(
    synced: Path, tmp_path: Path
) -> None:
    """The page's done mark and check-in leave the very rows `hamsync done` and `checkin` do."""
    twin = tmp_path / "twin"
    shutil.copytree(tmp_path / "state", twin / "state")
    twin_config = twin / "config.toml"
    twin_config.write_text(
        synced.read_text().replace(str(tmp_path / "state"), str(twin / "state")), "utf-8"
    )
    with serving(synced) as served:
        html = requests.get(served.url, timeout=30).text
        done = post(f"{served.url}done", done_fields(html))
        assert done.status_code == 303
        assert done.headers["Location"] == f"/{PAGE_TOKEN}/?said=done-2026-11-25"
        assert feel(served.url, "sensitive", "  tight after the descent ").status_code == 303
    runner = CliRunner()
    with time_machine.travel("2026-11-25 12:00 +01:00", tick=False):  # the page's "today"
        for args in (["done"], ["checkin", "sensitive", "--note", "  tight after the descent "]):
            result = runner.invoke(app, [*args, "--config", str(twin_config)])
            assert result.exit_code == 0, result.output
    recorded = rows(tmp_path / "state")
    assert recorded == rows(twin / "state")
    assert recorded["checkins"] == [("2026-11-25", "cli", "sensitive", "tight after the descent")]


def test_after_a_check_in_the_page_shows_what_was_recorded_and_the_new_plan(
    synced: Path,
) -> None:
    """Redirected back, the page says what was recorded; `sensitive` turns sessions to recovery."""
    with serving(synced) as served:
        answer = feel(served.url, "sensitive")
        assert answer.status_code == 303
        page = requests.get(f"{served.url}?said=felt-2026-11-25-sensitive", timeout=30).text
    assert "Check-in recorded: sensitive on Wed 25 Nov." in page
    assert "Last check-in: sensitive on Wed 25 Nov." in page
    ahead = page.split("Next sessions")[1]
    assert "k-recovery" in ahead and "k-focused" not in ahead


def test_after_pain_the_page_shows_the_medical_advice_note(synced: Path) -> None:
    """R7: a pain check-in pauses loading, and the page says it deserves medical advice."""
    with serving(synced) as served:
        assert feel(served.url, "pain").status_code == 303
        page = requests.get(f"{served.url}?said=felt-2026-11-25-pain", timeout=30).text
    assert page.count("deserves personal medical advice") == 1
    assert MEDICAL_NOTE.replace("'", "&#39;") in page
    assert 'class="note alert"' in page
    assert rows(served.state_dir)["checkins"][0][2] == "pain"


def test_a_form_without_a_token_or_with_a_wrong_one_changes_nothing(synced: Path) -> None:
    with serving(synced) as served:
        before = rows(served.state_dir)
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        other = CsrfGuard(PAGE_TOKEN).issue()  # made with another server's key
        for data in (
            {"feeling": "pain"},
            {"feeling": "pain", "csrf": ""},
            {"feeling": "pain", "csrf": tampered},
            {"feeling": "pain", "csrf": other},
            {"feeling": "pain", "csrf": "1.2.3"},
        ):
            answer = post(f"{served.url}checkin", data)
            assert answer.status_code == 403, data
            assert "expired or is not from this page" in answer.text
        assert rows(served.state_dir) == before


def test_a_replayed_post_is_refused_and_changes_nothing(synced: Path) -> None:
    """The same form sent twice (a resend, a copy) is taken once."""
    with serving(synced) as served:
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        assert feel(served.url, "fine", token=token).status_code == 303
        after_first = rows(served.state_dir)
        again = feel(served.url, "pain", token=token)
        assert again.status_code == 403
        assert "This form was already sent" in again.text
        assert "Nothing more was recorded." in again.text
        assert rows(served.state_dir) == after_first
        assert after_first["checkins"][0][2] == "fine"


def test_an_expired_form_is_refused() -> None:
    """A token older than its window is refused, however well signed."""
    now = [1_800_000_000.0]
    guard = CsrfGuard(PAGE_TOKEN, clock=lambda: now[0])
    old, fresh = guard.issue(), guard.issue()
    now[0] += TOKEN_TTL_S + 1
    assert not guard.claim(old)
    fresher = guard.issue()
    assert guard.claim(fresher) and not guard.claim(fresher)
    del fresh


def test_a_huge_note_or_body_is_refused_with_413_and_changes_nothing(synced: Path) -> None:
    with serving(synced) as served:
        before = rows(served.state_dir)
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        long_note = feel(served.url, "fine", "x" * (MAX_NOTE_CHARS + 1), token=token)
        assert long_note.status_code == 413
        assert f"at most {MAX_NOTE_CHARS}" in long_note.text
        huge = feel(served.url, "fine", "ü" * 200_000)
        assert huge.status_code == 413
        assert f"{MAX_BODY_BYTES:,} bytes" in huge.text
        assert rows(served.state_dir) == before
        # Nothing was recorded, so the refused form's token is still good for a shorter note.
        assert feel(served.url, "fine", "short", token=token).status_code == 303
        assert rows(served.state_dir)["checkins"] == [("2026-11-25", "cli", "fine", "short")]


def test_a_post_from_another_site_is_refused(synced: Path) -> None:
    """A form posted from a page elsewhere (its Origin, or Sec-Fetch-Site) is refused."""
    with serving(synced) as served:
        before = rows(served.state_dir)
        for headers in (
            {"Origin": "https://evil.example"},
            {"Origin": "http://127.0.0.1:1"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
        ):
            token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
            data = {"csrf": token, "feeling": "pain"}
            assert post(f"{served.url}checkin", data, **headers).status_code == 403, headers
        assert rows(served.state_dir) == before
        origin = served.url.split(f"/{PAGE_TOKEN}/")[0]
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        same = post(f"{served.url}checkin", {"csrf": token, "feeling": "fine"}, Origin=origin)
        assert same.status_code == 303


def test_done_only_for_today_or_yesterday_and_only_for_a_planned_session(synced: Path) -> None:
    with serving(synced) as served:
        before = rows(served.state_dir)
        for day in (TODAY + timedelta(1), TODAY - timedelta(2), "yesterday"):
            token = form_tokens(requests.get(served.url, timeout=30).text)[0]
            answer = post(f"{served.url}done", {"csrf": token, "day": str(day)})
            assert answer.status_code == 400, day
        token = form_tokens(requests.get(served.url, timeout=30).text)[0]
        yesterday = (TODAY - timedelta(1)).isoformat()  # no session was planned on Tuesday
        answer = post(f"{served.url}done", {"csrf": token, "day": yesterday})
        assert answer.status_code == 400
        assert "no hamstring session was planned on Tue 2026-11-24" in answer.text
        assert rows(served.state_dir) == before


def test_a_wrong_feeling_or_a_field_given_twice_is_refused(synced: Path) -> None:
    with serving(synced) as served:
        before = rows(served.state_dir)
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        assert feel(served.url, "great", token=token).status_code == 400
        body = f"csrf={token}&feeling=fine&feeling=pain"
        twice = requests.post(
            f"{served.url}checkin", data=body, allow_redirects=False, timeout=30,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert twice.status_code == 400
        json_body = requests.post(f"{served.url}checkin", json={"csrf": token}, timeout=30)
        assert json_body.status_code == 415
        assert rows(served.state_dir) == before


def test_the_page_before_the_first_sync_creates_nothing(write_config: WriteConfig) -> None:
    """Looking at the page before any sync shows the plan and writes no state."""
    config = write_config()
    with serving(config) as served:
        answer = requests.get(served.url, timeout=30)
        assert answer.status_code == 200 and "Hamstring check-in" in answer.text
        assert not served.state_dir.exists()


def test_page_and_feed_tokens_are_separate_secrets(
    file_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's token is made on first use, kept, and never the feed's."""
    from sync.serve.feed import feed_token
    from sync.serve.page import page_token

    monkeypatch.delenv("HAMSYNC_FEED_TOKEN", raising=False)
    monkeypatch.delenv("HAMSYNC_PAGE_TOKEN", raising=False)
    page, new = page_token()
    assert new and len(page) >= 32
    assert page_token() == (page, False)
    assert feed_token()[0] != page
    monkeypatch.setenv("HAMSYNC_PAGE_TOKEN", "from-the-environment-1234")
    assert page_token() == ("from-the-environment-1234", False)


def test_the_command_refuses_the_note_the_page_refuses(synced: Path, tmp_path: Path) -> None:
    """`hamsync checkin --note` keeps the page's limit: exit 2, the length named, nothing kept."""
    before = rows(tmp_path / "state")
    result = CliRunner().invoke(
        app, ["checkin", "fine", "--config", str(synced), "--note", "n" * (MAX_NOTE_CHARS + 1)]
    )
    assert result.exit_code == 2
    assert f"at most {MAX_NOTE_CHARS} are kept" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert rows(tmp_path / "state") == before


def test_yesterdays_session_can_be_marked_done_the_next_day(synced: Path) -> None:
    """On Thursday the page offers Wednesday's session; the mark is the one `done` makes."""
    with serving(synced, today=TODAY + timedelta(1)) as served:
        html = requests.get(served.url, timeout=30).text
        assert "Yesterday: " in html and "Mark yesterday&#39;s session done" not in html
        assert "Mark yesterday's session done" in html
        answer = post(f"{served.url}done", done_fields(html, TODAY))
        assert answer.status_code == 303
        state = dict(rows(served.state_dir)["planner_state"])
        assert state["done_session_ids"] == '["2026-W48-1"]'
        html = requests.get(served.url, timeout=30).text
        assert "Mark yesterday's session done" not in html


def test_a_damaged_state_is_said_on_the_page_not_a_traceback(synced: Path) -> None:
    from sync.store.database import DB_NAME

    with serving(synced) as served:
        (served.state_dir / DB_NAME).write_bytes(b"not a database at all" * 100)
        answer = requests.get(served.url, timeout=30)
    assert answer.status_code == 500
    assert "The state cannot be read" in answer.text and "Traceback" not in answer.text
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_a_body_that_drips_in_is_cut_off_and_changes_nothing(
    synced: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client sending its form slower than the body deadline gets 408; nothing recorded."""
    import socket
    import time

    from sync.serve import server

    monkeypatch.setattr(server, "BODY_DEADLINE_S", 0.5)
    with serving(synced) as served:
        before = rows(served.state_dir)
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        body = f"csrf={token}&feeling=pain".encode()
        host, port = served.url.split("//")[1].split("/")[0].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(
                f"POST /{PAGE_TOKEN}/checkin HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10]
            )
            started = time.monotonic()
            answer = raw.recv(4096).decode(errors="replace")
            assert time.monotonic() - started < 5
        assert answer.startswith("HTTP/1.0 408")
        assert rows(served.state_dir) == before


def test_a_double_tap_records_once(synced: Path) -> None:
    """The same form posted twice at once: one goes through, the other is refused."""
    from concurrent.futures import ThreadPoolExecutor

    with serving(synced) as served:
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda f: feel(served.url, f, token=token), ["fine", "pain"]))
        assert sorted(a.status_code for a in answers) == [303, 403]
        kept = next(a for a in answers if a.status_code == 303)
        felt = kept.headers["Location"].rsplit("-", 1)[1]
        assert rows(served.state_dir)["checkins"] == [("2026-11-25", "cli", felt, "")]
