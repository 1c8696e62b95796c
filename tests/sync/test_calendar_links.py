"""Calendar links end to end: whatever a link holds or a server answers, no output, log or
state row shows more than the host and a short fingerprint (issue 14 kind 5:
webcal-url-unclear-error-and-token-leak; issue 15 kind 5: ics-url-redirect-ssrf-echo), and a
cancelled run is not planned (cancelled-run-read-as-run)."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from daemon_helpers import CalendarServer, calendar_server, planned_calendar
from typer.testing import CliRunner

import connectors.ics_calendar
from sync.cli import app
from sync.config.model import load_config
from sync.engine.daemon import Daemon
from sync.engine.logs import setup, teardown

WriteConfig = Callable[..., Path]
TODAY = date(2026, 11, 25)
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Nj_SECRET_TOKEN_abcdefghijklmnop"
CASES = Path(__file__).resolve().parents[2].parent / "shared" / "cases"
runner = CliRunner()


def run(*args: str) -> str:
    return runner.invoke(app, list(args), catch_exceptions=False).output


def every_output(config: Path, tmp_path: Path) -> list[str]:
    """What a runner can see: sync (text and JSON), status (text and JSON), the daemon's log."""
    today = TODAY.isoformat()
    texts = [
        run("sync", "--config", str(config), "--today", today),
        run("sync", "--config", str(config), "--today", today, "--json"),
        run("plan", "--config", str(config), "--today", today),
        run("status", "--config", str(config)),
        run("status", "--config", str(config), "--json"),
    ]
    log_file = tmp_path / "state" / "hamsync.log"
    console = tmp_path / "console.log"
    logger = logging.getLogger("hamsync")
    level, propagate = logger.level, logger.propagate
    with console.open("w") as stream:
        handlers = setup(log_file, stream=stream)
        try:
            later = datetime.now(UTC) + timedelta(hours=3)  # past any backoff: it asks again
            Daemon(load_config(config), now=lambda: later).job("test")
        finally:
            teardown(handlers)
            logger.setLevel(level)  # as the other tests of this process expect it
            logger.propagate = propagate
    texts += [log_file.read_text(), console.read_text()]
    return texts


def database_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (tmp_path / "state").glob("hamsync.sqlite3*"))


@pytest.fixture(scope="module")
def server() -> Iterator[CalendarServer]:
    with calendar_server(planned_calendar(TODAY)) as running:
        yield running


def test_a_webcal_link_is_fetched_as_https_and_its_token_shown_nowhere(
    server: CalendarServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    """The case's iCloud link shape: read as https (here the plain-HTTP test server cannot speak
    TLS, so the fetch fails), never as a missing file, and the token is in no output or row."""
    link = f"webcal://127.0.0.1:{server.port}/published/2/{TOKEN}"
    config = write_config(extra=f'[upcoming]\nics = "{link}"\n')
    texts = every_output(config, tmp_path)
    joined = "\n".join(texts)
    assert "https://127.0.0.1" in joined and "(link " in joined
    assert "No such file" not in joined and "webcal:" not in joined
    for text in texts:
        assert TOKEN not in text and "published/2" not in text
    assert TOKEN.encode() not in database_bytes(tmp_path)


def test_a_token_in_the_last_path_segment_is_shown_nowhere(
    server: CalendarServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    """Nextcloud's public-calendars link: read fine, then failing; the token never shows."""
    link = f"http://127.0.0.1:{server.port}/remote.php/dav/public-calendars/{TOKEN}?export"
    config = write_config(extra=f'[upcoming]\nics = "{link}"\n')
    server.mode = "ok"
    first = run("sync", "--config", str(config), "--today", TODAY.isoformat(), "--json")
    assert json.loads(first)["errors"] == []
    server.mode = "401"
    try:
        texts = every_output(config, tmp_path)
    finally:
        server.mode = "ok"
    assert any("401" in text for text in texts)
    for text in texts:
        assert TOKEN not in text and "public-calendars" not in text
    assert TOKEN.encode() not in database_bytes(tmp_path)
    assert server.paths[-1].endswith(f"{TOKEN}?export")  # the real request carried it


SECRET_LINE = b"ROLE-NAME-SECRET-AKIAEXAMPLE"


@pytest.fixture
def redirecting() -> Iterator[int]:
    """The case's server: a calendar link answering 302 to a metadata-like path on 127.0.0.1."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            if self.path.endswith("redir-internal.ics"):
                self.send_response(302)
                self.send_header("Location", "/latest/meta-data/iam/security-credentials/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(SECRET_LINE)))
            self.end_headers()
            self.wfile.write(SECRET_LINE)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_what_a_server_answers_is_never_echoed(
    redirecting: int, write_config: WriteConfig, tmp_path: Path
) -> None:
    """ics-url-redirect-ssrf-echo: the body's first line reached the error, status and the DB."""
    link = f"http://127.0.0.1:{redirecting}/private-abc/redir-internal.ics"
    config = write_config(extra=f'[upcoming]\nics = "{link}"\n')
    texts = every_output(config, tmp_path)
    assert any("not an iCalendar file" in text for text in texts)
    for text in texts:
        assert SECRET_LINE.decode() not in text and "private-abc" not in text
    assert SECRET_LINE not in database_bytes(tmp_path)


def test_the_cancelled_run_and_race_of_the_case_are_not_planned(tmp_path: Path) -> None:
    """cancelled-run-read-as-run through `hamsync plan`: Sat 7 Mar and Wed 11 Mar hold nothing,
    Sat 14 Mar holds the long trail, and the weeks count 0 and 1 planned runs."""
    case = CASES / "cancelled-run-read-as-run"
    if not case.is_dir():
        pytest.skip("no shared cases")
    for name in ("planned.ics", "config.toml"):
        shutil.copyfile(case / name, tmp_path / name)
    (tmp_path / "runs").mkdir()
    output = run("plan", "--config", str(tmp_path / "config.toml"), "--today", "2026-03-02")
    lines = output.splitlines()
    row = {line.split()[1]: line for line in lines if line.startswith(" ") and "Mar " in line}
    assert "Long trail run (planned)" in row["14"]
    assert "planned" not in row["07"] and "Zermatt" not in output
    assert "week of Mon 2026-03-02: 0 runs" in output
    assert "week of Mon 2026-03-09: 1 run (done and still planned)" in output


def test_the_secondly_series_of_the_case_costs_neither_time_nor_state(tmp_path: Path) -> None:
    """rrule-secondly-dos through `hamsync sync`: the sync planned 604,801 runs and grew the
    state by 440 MB; now the series is named in a warning, the long run is read, and the
    state stays small."""
    case = CASES / "rrule-secondly-dos"
    if not case.is_dir():
        pytest.skip("no shared cases")
    shutil.copyfile(case / "planned-secondly.ics", tmp_path / "planned.ics")
    (tmp_path / "config.toml").write_text(
        'timezone = "Europe/Zurich"\nstate_dir = "state"\n[upcoming]\nics = "planned.ics"\n'
        '[sinks.ics]\npath = "out.ics"\n',
        encoding="utf-8",
    )
    config = str(tmp_path / "config.toml")
    data = json.loads(run("sync", "--config", config, "--today", "2026-11-30", "--json"))
    assert data["errors"] == []
    assert any('"trail run"' in w and "secondly" in w for w in data["warnings"])
    reasons = " ".join(r["text"] for s in data["sessions"] for r in s["reasons"])
    assert "week of Mon 2026-11-30: 1 run" in reasons
    assert len(database_bytes(tmp_path)) < 2 * 2**20


@pytest.fixture
def trickling() -> Iterator[int]:
    """The case's server: a 262-byte-like calendar sent 8 bytes at a time, slowly."""
    body = planned_calendar(TODAY)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for start in range(0, len(body), 8):
                try:
                    self.wfile.write(body[start : start + 8])
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1.0)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_a_trickling_calendar_server_is_given_up_at_the_deadline(
    trickling: int, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """slow-calendar-server-no-overall-deadline: the sync took 2 min 46 s; with a 1 s deadline
    it reports "did not answer within 1 s" (exit 3) instead of waiting for the whole body."""
    monkeypatch.setattr(connectors.ics_calendar, "FETCH_TIMEOUT_S", 1.0)
    config = write_config(extra=f'[upcoming]\nics = "http://127.0.0.1:{trickling}/cal.ics"\n')
    started = time.monotonic()
    result = runner.invoke(
        app, ["sync", "--config", str(config), "--today", TODAY.isoformat(), "--json"]
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 3
    messages = [e["message"] for e in json.loads(result.stdout)["errors"]]
    assert any("did not answer within 1 s" in m for m in messages)
    assert elapsed < 60  # the body alone takes over a minute to trickle in
