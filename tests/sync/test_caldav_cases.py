"""CalDAV as servers and runners really behave, through `hamsync sync` / `purge` (field cases).

Each test replays a case of ``../shared/cases`` against a real Radicale on 127.0.0.1:
``caldav-server-without-getetag`` (behind a proxy that drops ``getetag`` from listings, as
SmarterMail and Kerio do), ``caldav-calendar-change-ignored``, ``caldav-deleted-calendar-stuck``
and ``caldav-overwrites-foreign-event-at-own-href`` (A: purge left an edited event for the
runner; B: a second install on the same calendar).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dav_proxy import DavProxy
from radicale_server import Radicale
from typer.testing import CliRunner

from connectors.caldav_calendar import resource_name
from sync.cli import app

TODAY = "2026-11-25"
Events = dict[str, str]


@pytest.fixture
def radicale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Radicale]:
    """A Radicale without authentication (any password is taken)."""
    monkeypatch.setenv("HAMSYNC_CALDAV_PASSWORD", "unused")
    server = Radicale(tmp_path / "radicale")
    server.folder.mkdir()
    server.start()
    yield server
    server.stop()


def config(folder: Path, url: str, calendar: str = "Training") -> Path:
    """The samples in, CalDAV out (no ICS file), state in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = Path(__file__).resolve().parents[2] / "examples" / "activities"
    path = folder / "config.toml"
    path.write_text(
        f'timezone = "Europe/Zurich"\nstate_dir = "{folder / "state"}"\n'
        f'[athlete]\nlong_run_days = ["sat"]\nstarting_level = 3\n'
        f'[sources.files]\npath = "{samples}"\n'
        f'[sinks.caldav]\nurl = "{url}"\nusername = "runner"\ncalendar = "{calendar}"\n',
        encoding="utf-8",
    )
    return path


def hamsync(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


def sync_json(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out = hamsync("sync", "--config", str(path), "--today", TODAY, "--json", *extra)
    return code, json.loads(out)


def events(server: Radicale, calendar_url: str) -> Events:
    """Resource name -> text of every event in one calendar."""
    with server.client() as client:
        calendar = client.calendar(url=calendar_url)
        return {resource_name(str(e.url)): str(e.data) for e in calendar.events()}


def ours(found: Events) -> Events:
    return {name: text for name, text in found.items() if name.endswith("@hamsync.ics")}


def test_server_listing_no_etags_still_clears_after_pain_and_purges(
    radicale: Radicale, tmp_path: Path
) -> None:
    """caldav-server-without-getetag: no phantom "deleted by you"; pain clears; purge empties."""
    calendar_url = radicale.make_calendar("Training")
    with DavProxy(radicale.url, strip_listing_etags=True, weak_put_etags=True) as proxy:
        path = config(tmp_path / "a", proxy.url)
        code, first = sync_json(path)
        assert code == 0, first["errors"]
        written = first["writes"]["caldav"]["created"]
        assert written > 0 and len(ours(events(radicale, calendar_url))) == written
        code, second = sync_json(path)
        assert code == 0
        assert second["writes"]["caldav"] == {"created": 0, "updated": 0, "deleted": 0,
                                               "conflicts": 0, "messages": []}  # fmt: skip
        assert hamsync("checkin", "pain", "--date", TODAY, "--config", str(path))[0] == 0
        code, third = sync_json(path)
        assert code == 0, third["errors"]
        live = [s for s in first["sessions"] if s["date"] >= TODAY]
        writes = third["writes"]["caldav"]
        # Pain: every live session is rewritten to walking and mobility or removed (R7).
        assert writes["updated"] + writes["deleted"] == len(live)
        assert writes["conflicts"] == 0
        left = ours(events(radicale, calendar_url))
        assert len(left) == written - writes["deleted"] + writes["created"]
        code, out = hamsync("purge", "--yes", "--config", str(path))
        assert code == 0, out
        assert ours(events(radicale, calendar_url)) == {}


def test_a_changed_calendar_gets_the_writes_and_the_old_one_is_named(
    radicale: Radicale, tmp_path: Path
) -> None:
    """caldav-calendar-change-ignored: new writes go to the configured calendar; the old one
    is named with the way to purge it, and purge empties both."""
    old_url = radicale.make_calendar("TrainOld")
    new_url = radicale.make_calendar("TrainNew")
    path = config(tmp_path / "a", radicale.url, "TrainOld")
    code, first = sync_json(path)
    assert code == 0 and first["writes"]["caldav"]["created"] > 0
    in_old = ours(events(radicale, old_url))
    config(tmp_path / "a", radicale.url, "TrainNew")
    code, out = hamsync("sync", "--config", str(path), "--today", TODAY)
    assert code == 0, out
    assert "TrainOld".lower() in out.lower() or old_url in " ".join(out.split())
    assert "hamsync purge" in " ".join(out.split())
    assert len(ours(events(radicale, new_url))) == len(first["sessions"])
    assert ours(events(radicale, old_url)) == in_old  # left as they were, not deleted
    assert hamsync("purge", "--yes", "--config", str(path))[0] == 0
    assert ours(events(radicale, old_url)) == {} and ours(events(radicale, new_url)) == {}


def test_sync_json_names_the_old_calendar_in_the_sinks_messages(
    radicale: Radicale, tmp_path: Path
) -> None:
    """The notice of a changed calendar is in `sync --json` under writes.caldav.messages."""
    old_url = radicale.make_calendar("TrainOld")
    radicale.make_calendar("TrainNew")
    path = config(tmp_path / "a", radicale.url, "TrainOld")
    code, first = sync_json(path)
    assert code == 0 and first["writes"]["caldav"]["messages"] == []
    config(tmp_path / "a", radicale.url, "TrainNew")
    code, second = sync_json(path)
    assert code == 0, second["errors"]
    (message,) = second["writes"]["caldav"]["messages"]
    assert old_url in message and "hamsync purge" in message
    assert second["writes"]["caldav"]["created"] == len(second["sessions"])


def test_a_calendar_deleted_and_made_again_is_found_by_its_name(
    radicale: Radicale, tmp_path: Path
) -> None:
    """caldav-deleted-calendar-stuck: the next sync writes to the new "Training", exit 0."""
    first_url = radicale.make_calendar("Training")
    path = config(tmp_path / "a", radicale.url)
    code, first = sync_json(path)
    assert code == 0
    with radicale.client() as client:
        assert client.delete(first_url).status in (200, 204)
    again_url = radicale.make_calendar("Training")
    assert again_url != first_url
    code, second = sync_json(path)
    assert code == 0, second["errors"]
    assert len(ours(events(radicale, again_url))) == len(first["sessions"])


def edit(server: Radicale, calendar_url: str, name: str) -> str:
    """The runner changes one event's title in their calendar app; its new text."""
    with server.client() as client:
        calendar = client.calendar(url=calendar_url)
        event = next(e for e in calendar.events() if resource_name(str(e.url)) == name)
        event.data = str(event.data).replace("SUMMARY:", "SUMMARY:MY OWN EDIT keep this ")
        event.save()
    return events(server, calendar_url)[name]


def test_an_event_purge_left_for_the_runner_is_never_overwritten(
    radicale: Radicale, tmp_path: Path
) -> None:
    """caldav-overwrites-foreign-event-at-own-href A: edited, purged (left), synced: kept."""
    calendar_url = radicale.make_calendar("Training")
    path = config(tmp_path / "a", radicale.url)
    assert sync_json(path)[0] == 0
    name = sorted(ours(events(radicale, calendar_url)))[-1]
    edited = edit(radicale, calendar_url, name)
    assert hamsync("purge", "--yes", "--config", str(path))[0] == 0
    assert ours(events(radicale, calendar_url)) == {name: edited}
    _code, again = sync_json(path)
    assert again["writes"]["caldav"]["conflicts"] == 1
    assert events(radicale, calendar_url)[name] == edited
    _code, later = sync_json(path)  # reported once; later syncs leave it quietly
    assert later["writes"]["caldav"]["conflicts"] == 0
    assert events(radicale, calendar_url)[name] == edited
    assert sync_json(path, "--force")[0] == 0  # ours by install id: --force puts ours back
    assert "MY OWN EDIT" not in events(radicale, calendar_url)[name]


def test_two_installs_on_one_calendar_never_touch_each_others_events(
    radicale: Radicale, tmp_path: Path
) -> None:
    """caldav-overwrites-foreign-event-at-own-href B: a second install (a laptop, a reinstall)
    writes its own events beside the first one's, and purges only its own."""
    calendar_url = radicale.make_calendar("Training")
    laptop, desktop = config(tmp_path / "laptop", radicale.url), config(
        tmp_path / "desktop", radicale.url
    )
    assert sync_json(laptop)[0] == 0
    laptops = ours(events(radicale, calendar_url))
    code, second = sync_json(desktop)
    assert code == 0
    assert second["writes"]["caldav"]["created"] == len(second["sessions"])
    assert second["writes"]["caldav"]["conflicts"] == 0
    after = ours(events(radicale, calendar_url))
    assert len(after) == len(laptops) + len(second["sessions"])
    assert {name: after[name] for name in laptops} == laptops
    assert hamsync("purge", "--yes", "--config", str(desktop))[0] == 0
    assert ours(events(radicale, calendar_url)) == laptops
    install = (tmp_path / "laptop" / "state" / "install_id").read_text().strip()
    assert all(install in name for name in laptops)


def test_a_fresh_database_beside_the_same_install_id_takes_its_events_back(
    radicale: Radicale, tmp_path: Path
) -> None:
    """A reset (or a restore older than the last sync) keeps install_id: the events already in
    the calendar are recognised by content and id, not doubled, and purge still removes them;
    a hand-made event at one of hamsync's addresses is reported and left."""
    calendar_url = radicale.make_calendar("Training")
    path = config(tmp_path / "a", radicale.url)
    code, first = sync_json(path)
    assert code == 0
    written = ours(events(radicale, calendar_url))
    for name in ("hamsync.sqlite3", "hamsync.sqlite3-wal", "hamsync.sqlite3-shm"):
        (tmp_path / "a" / "state" / name).unlink(missing_ok=True)
    code, again = sync_json(path)
    assert code == 0, again["errors"]
    assert again["writes"]["caldav"]["conflicts"] == 0
    assert ours(events(radicale, calendar_url)) == written
    assert hamsync("purge", "--yes", "--config", str(path))[0] == 0
    assert ours(events(radicale, calendar_url)) == {}
    install = (tmp_path / "a" / "state" / "install_id").read_text().strip()
    session = first["sessions"][0]["id"]
    uid = f"{session}.{install}@hamsync"
    hand_made = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//runner//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261101T090000Z\r\nDTSTART:20261127T080000Z\r\n"
        "DTEND:20261127T090000Z\r\nSUMMARY:My own session\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with radicale.client() as client:
        assert client.put(f"{calendar_url}{uid}.ics", hand_made, {}).status == 201
    code, third = sync_json(path, "--force")
    assert third["writes"]["caldav"]["conflicts"] == 1
    assert "My own session" in events(radicale, calendar_url)[f"{uid}.ics"]
