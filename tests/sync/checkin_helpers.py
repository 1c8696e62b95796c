"""Shared by the check-in page tests: a synced config, the page served on 127.0.0.1, and the
rows of the state database a user's check-in changes."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sync.cli import app
from sync.config.model import Config, load_config
from sync.serve.page import CheckinPage
from sync.serve.server import HamsyncServer
from sync.store.database import DB_NAME

TODAY = date(2026, 11, 25)
"""A Wednesday with a focused session planned from the sample runs."""
FEED_TOKEN = "feed-token-for-the-page-tests"
PAGE_TOKEN = "page-token-for-the-page-tests"


def sync(config: Path, today: date = TODAY) -> None:
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--today", today.isoformat()],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@dataclass
class Served:
    server: HamsyncServer
    page: CheckinPage
    config: Config
    state_dir: Path

    @property
    def url(self) -> str:
        assert self.server.page_url is not None
        return self.server.page_url


@contextmanager
def serving(config_path: Path, today: date = TODAY, **page_options: Any) -> Iterator[Served]:
    """The feed and the page of ``config_path`` on 127.0.0.1 (a free port) for ``today``."""
    config = load_config(config_path)
    page = CheckinPage(config, PAGE_TOKEN, today=lambda: today, **page_options)
    server = HamsyncServer(config, FEED_TOKEN, "127.0.0.1", 0, page).start()
    try:
        assert config.state_dir is not None
        yield Served(server, page, config, config.state_dir)
    finally:
        server.stop()


def rows(state_dir: Path) -> dict[str, list[tuple[object, ...]]]:
    """What a check-in or a done mark changes: the check-ins and the planner state."""
    conn = sqlite3.connect(state_dir / DB_NAME)
    try:
        return {
            "checkins": conn.execute(
                "SELECT day, source, feeling, note FROM checkins ORDER BY day, source"
            ).fetchall(),
            "planner_state": conn.execute(
                "SELECT key, value FROM planner_state ORDER BY key"
            ).fetchall(),
        }
    finally:
        conn.close()


def form_tokens(html: str) -> list[str]:
    """The CSRF tokens of the page's forms, in page order (the done forms, then the feelings)."""
    return re.findall(r'name="csrf" value="([^"]+)"', html)


def done_fields(html: str, day: date = TODAY) -> dict[str, str]:
    """The fields of the "done" form of ``day``'s card, as a browser sends them (the CSRF
    token, the day, and the key of the session shown)."""
    card = html.split(f'id="day-{day.isoformat()}"')[1].split("</section>")[0]
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', card))
