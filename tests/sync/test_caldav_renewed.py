"""A CalDAV calendar deleted and made again at the same URL (a new, empty calendar, same
href), on real Radicale and Xandikos: the next sync writes the plan to it again. A runner
who deletes hamsync's events from a calendar that still holds their own is still obeyed:
those sessions are not written again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from radicale_server import Radicale
from typer.testing import CliRunner
from xandikos_server import Xandikos

from sync.cli import app

TODAY = "2026-11-25"
SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "activities"
OWN_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//runner//by hand//EN\r\nBEGIN:VEVENT\r\n"
    "UID:dentist-1@example.org\r\nDTSTAMP:20261120T000000Z\r\n"
    "DTSTART:20261127T080000Z\r\nDTEND:20261127T090000Z\r\nSUMMARY:Dentist\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture(params=[Radicale, Xandikos], ids=["radicale", "xandikos"])
def server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Radicale | Xandikos]:
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", "unused")
    made: Radicale | Xandikos = request.param(tmp_path / "dav")
    made.folder.mkdir()
    made.start()
    yield made
    made.stop()


def config(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(
        f'timezone = "Europe/Zurich"\nstate_dir = "{folder / "state"}"\n'
        f'[athlete]\nlong_run_days = ["sat"]\nstarting_level = 3\n'
        f'[sources.files]\npath = "{SAMPLES}"\n'
        f'[sinks.caldav]\nurl = "{url}"\nusername = "runner"\ncalendar = "Training"\n',
        encoding="utf-8",
    )
    return path


def sync_json(path: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        app, ["sync", "--config", str(path), "--today", TODAY, "--json"]
    )
    return result.exit_code, json.loads(result.stdout)


def event_texts(server: Radicale | Xandikos, url: str) -> list[str]:
    with server.client() as client:
        return [str(e.data) for e in client.calendar(url=url).events()]


def ours(texts: list[str]) -> list[str]:
    return [t for t in texts if "@hamsync" in t]


def test_a_calendar_made_again_at_the_same_url_gets_the_plan_again(
    server: Radicale | Xandikos, tmp_path: Path
) -> None:
    url = server.make_calendar("Training")
    path = config(tmp_path / "a", server.url)
    code, first = sync_json(path)
    assert code == 0, first["errors"]
    written = first["writes"]["caldav"]["created"]
    assert written > 0 and len(ours(event_texts(server, url))) == written
    with server.client() as client:
        assert client.delete(url).status in (200, 204)
        again = client.principal().make_calendar(name="Training", cal_id=url.rstrip("/")
                                                 .rsplit("/", 1)[1])  # fmt: skip
    assert str(again.url) == url and event_texts(server, url) == []  # new, empty, same href
    code, second = sync_json(path)
    assert code == 0, second["errors"]
    writes = second["writes"]["caldav"]
    assert writes["created"] == written and writes["conflicts"] == 0
    (message,) = writes["messages"]
    assert url in message and "made anew" in message
    assert len(ours(event_texts(server, url))) == written
    code, third = sync_json(path)
    assert code == 0 and third["writes"]["caldav"]["created"] == 0


def test_events_the_runner_deleted_beside_their_own_stay_deleted(
    server: Radicale | Xandikos, tmp_path: Path
) -> None:
    """Every hamsync event deleted by hand, the runner's dentist kept: the calendar is not new,
    so a plan change (a pain check-in) writes none of the deleted sessions again (only
    sessions the new plan adds are created)."""
    url = server.make_calendar("Training")
    path = config(tmp_path / "a", server.url)
    code, first = sync_json(path)
    assert code == 0, first["errors"]
    with server.client() as client:
        calendar = client.calendar(url=url)
        calendar.save_event(OWN_EVENT)
        for event in calendar.events():
            if "@hamsync" in str(event.data):
                event.delete()
    result = CliRunner().invoke(app, ["checkin", "pain", "--date", TODAY, "--config", str(path)])
    assert result.exit_code == 0, result.output
    code, second = sync_json(path)
    assert code == 0, second["errors"]
    writes = second["writes"]["caldav"]
    assert all("made anew" not in m for m in writes["messages"])
    deleted = {s["id"] for s in first["sessions"]}
    texts = event_texts(server, url)
    back = [t for t in ours(texts) if any(f"UID:{i}." in t for i in deleted)]
    assert back == [] and any("Dentist" in t for t in texts)
    assert len(ours(texts)) == writes["created"]  # only sessions new to the plan
