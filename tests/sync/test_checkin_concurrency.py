"""A check-in posted on the page while a sync runs is never lost.

A real ``hamsync sync`` is held at a checkpoint (``HAMSYNC_HOLD_AT``) while the page's form is
posted: the post waits for the sync's lock, then records; both the sync and the check-in are in
the state afterwards. Under the daemon, a check-in starts a sync at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from checkin_helpers import TODAY, done_fields, form_tokens, rows, serving, sync

from sync.config.model import load_config
from sync.engine.daemon import Daemon
from sync.engine.faults import HOLD_ENV, HOLD_FILE_ENV
from sync.serve.server import start_for_daemon
from sync.store.database import DB_NAME

WriteConfig = Callable[..., Path]
HAMSYNC = str(Path(sys.executable).with_name("hamsync"))


@contextmanager
def held_sync(config: Path, tmp_path: Path, point: str) -> Iterator[subprocess.Popen[str]]:
    """A real sync held at ``point`` until ``tmp_path/release`` exists (made on exit too)."""
    release = tmp_path / "release"
    env = {**os.environ, HOLD_ENV: point, HOLD_FILE_ENV: str(release)}
    proc = subprocess.Popen(
        [HAMSYNC, "sync", "--config", str(config), "--today", TODAY.isoformat()],
        env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{release}.held").exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sync never reached the checkpoint"
            time.sleep(0.05)
        yield proc
    finally:
        release.touch()
        proc.communicate(timeout=120)


def sync_log(state_dir: Path) -> str:
    """When the last sync finished (``sync_log``, part ``sync``)."""
    conn = sqlite3.connect(state_dir / DB_NAME)
    try:
        return str(conn.execute("SELECT finished_at FROM sync_log WHERE part='sync'").fetchone())
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("action", "point"), [("checkin", "planned"), ("done", "plan-transaction")]
)
def test_a_form_posted_during_a_sync_waits_for_it_and_is_kept(
    write_config: WriteConfig, tmp_path: Path, action: str, point: str
) -> None:
    config = write_config()
    sync(config)
    synced_before = sync_log(tmp_path / "state")
    with serving(config) as served:
        html = requests.get(served.url, timeout=30).text
        data = (
            {"csrf": form_tokens(html)[-1], "feeling": "sensitive", "note": "during a sync"}
            if action == "checkin"
            else done_fields(html, TODAY)
        )
        answers: list[requests.Response] = []
        with held_sync(config, tmp_path, point) as proc:
            poster = threading.Thread(
                target=lambda: answers.append(
                    requests.post(
                        f"{served.url}{action}", data=data, allow_redirects=False, timeout=120
                    )
                )
            )
            poster.start()
            time.sleep(1.0)
            assert answers == [] and poster.is_alive(), "the post must wait for the sync"
            (tmp_path / "release").touch()
            poster.join(timeout=120)
            proc.wait(timeout=120)
            assert proc.returncode == 0
    assert answers[0].status_code == 303
    recorded = rows(tmp_path / "state")
    if action == "checkin":
        assert recorded["checkins"] == [("2026-11-25", "cli", "sensitive", "during a sync")]
    else:
        done = json.loads(dict(recorded["planner_state"])["done_session_ids"])  # type: ignore[arg-type]
        assert done == ["2026-W48-1"]
    assert sync_log(tmp_path / "state") > synced_before  # the held sync finished too


def test_a_sync_holding_the_lock_too_long_gets_503_and_the_form_still_works(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    """Past the page's wait the post is refused (503, nothing recorded), and the same form
    can be sent again once the sync has finished."""
    config = write_config()
    sync(config)
    with serving(config, lock_wait_s=0.3) as served:
        token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
        data = {"csrf": token, "feeling": "fine"}
        before = rows(tmp_path / "state")
        with held_sync(config, tmp_path, "planned"):
            busy = requests.post(
                f"{served.url}checkin", data=data, allow_redirects=False, timeout=30
            )
            assert busy.status_code == 503 and busy.headers["Retry-After"] == "60"
            assert rows(tmp_path / "state") == before
        again = requests.post(f"{served.url}checkin", data=data, allow_redirects=False, timeout=30)
        assert again.status_code == 303
    assert rows(tmp_path / "state")["checkins"] == [("2026-11-25", "cli", "fine", "")]


def test_the_daemon_syncs_at_once_after_a_check_in_on_its_page(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With ``[feed] enabled`` the daemon serves the page; a check-in there re-plans at once
    (the next scheduled sync is half an hour away)."""
    monkeypatch.setenv("HAMSYNC_FEED_TOKEN", "feed-token-for-the-daemon-test")
    monkeypatch.setenv("HAMSYNC_PAGE_TOKEN", "page-token-for-the-daemon-test")
    config = load_config(
        write_config(extra="[feed]\nenabled = true\nport = 0\n", relative_to_today=True)
    )
    daemon = Daemon(config, max_idle_s=0.5, serve=start_for_daemon, checkin_spacing_s=1.0)
    loop = threading.Thread(target=daemon.run, kwargs={"max_ticks": 400})
    loop.start()
    try:
        deadline = time.monotonic() + 60
        while daemon.syncs < 1 or daemon.feed is None:
            assert time.monotonic() < deadline and loop.is_alive(), "the daemon never synced"
            time.sleep(0.1)
        url = daemon.feed.page_url
        assert url is not None and "page-token-for-the-daemon-test" in url
        page = requests.get(url, timeout=30)
        assert "re-plans at once" in page.text
        answer = requests.post(
            f"{url}checkin", data={"csrf": form_tokens(page.text)[-1], "feeling": "sensitive"},
            allow_redirects=False, timeout=60,
        )  # fmt: skip
        assert answer.status_code == 303
        while daemon.syncs < 2:
            assert time.monotonic() < deadline, "no sync followed the check-in"
            time.sleep(0.1)
    finally:
        daemon.stop_requested = True
        daemon.request_sync()
        loop.join(timeout=60)
    assert not loop.is_alive()
    assert rows(tmp_path / "state")["checkins"][0][2] == "sensitive"
