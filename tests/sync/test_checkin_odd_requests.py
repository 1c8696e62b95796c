"""What a tester sent the check-in page as a new user and as an attacker (issue #17, items 2,
3, 5, 6, 8, 10): each gets a clear answer, never a traceback or an unanswered connection, and
nothing is recorded that was not asked for.

Raw requests go over a plain socket to the real server on 127.0.0.1, so what is sent is
byte for byte what a hostile client sends.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import time_machine
from checkin_helpers import PAGE_TOKEN, TODAY, form_tokens, rows, serving, sync
from typer.testing import CliRunner

from sync.cli import app
from sync.engine.checkins import MAX_NOTE_CHARS
from sync.serve.page import SECURITY_HEADERS

WriteConfig = Callable[..., Path]


@pytest.fixture
def synced(write_config: WriteConfig) -> Path:
    config = write_config()
    sync(config)
    return config


def raw(url: str, request: bytes, timeout: float = 30.0) -> bytes:
    """Send ``request`` as is to the server of ``url``; everything it answers."""
    host, port = url.split("//")[1].split("/")[0].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer else 0


def note_post(url: str, note: str) -> requests.Response:
    token = form_tokens(requests.get(url, timeout=30).text)[-1]
    data = {"csrf": token, "feeling": "fine", "note": note}
    return requests.post(f"{url}checkin", data=data, allow_redirects=False, timeout=30)


# -- item 2: line breaks ----------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_a_note_with_line_breaks_the_textarea_allows_is_kept(synced: Path, newline: str) -> None:
    """500 characters with 62 line breaks as the browser sends them (CRLF) fit the textarea's
    maxlength: kept, stored with plain \\n, exactly as the CLI stores the same note."""
    note = newline.join(["x" * 7] * 62 + ["x" * 4])  # 62*7 + 4 + 62 breaks = 500
    assert len(note.replace(newline, "\n")) == MAX_NOTE_CHARS
    with serving(synced) as served:
        answer = note_post(served.url, note)
        assert answer.status_code == 303
        stored = rows(served.state_dir)["checkins"][0][3]
    assert stored == note.replace(newline, "\n")
    with time_machine.travel("2026-11-25 12:00 +01:00", tick=False):
        result = CliRunner().invoke(
            app, ["checkin", "fine", "--note", note, "--config", str(synced)],
            catch_exceptions=False,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert rows(synced.parent / "state")["checkins"][0][3] == stored


def test_a_note_over_the_limit_once_line_breaks_count_one_is_still_refused(synced: Path) -> None:
    note = "\r\n".join(["x" * 7] * 62 + ["x" * 5])  # 501 characters with \n
    with serving(synced) as served:
        before = rows(served.state_dir)
        answer = note_post(served.url, note)
        assert answer.status_code == 413 and "501 characters" in answer.text
        assert rows(served.state_dir) == before


# -- item 3: the page's token is not the feed's -------------------------------------------
def test_a_page_token_equal_to_the_feed_token_is_refused(
    synced: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = "the-same-long-token-for-feed-and-page"
    monkeypatch.setenv("HAMSYNC_FEED_TOKEN", shared)
    monkeypatch.setenv("HAMSYNC_PAGE_TOKEN", shared)
    result = CliRunner().invoke(app, ["serve", "--config", str(synced), "--urls"])
    assert result.exit_code == 2
    assert "HAMSYNC_PAGE_TOKEN" in result.output and "HAMSYNC_FEED_TOKEN" in result.output
    assert "page.token" in result.output and "feed.token" in result.output
    assert shared not in result.output


def test_a_page_token_in_the_keyring_equal_to_the_feeds_is_refused(
    synced: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same from the keyring (the test keyring of conftest) as from the environment."""
    import keyring

    from sync.config.keystore import SERVICE

    shared = "another-long-token-shared-by-both"
    monkeypatch.delenv("HAMSYNC_FEED_TOKEN", raising=False)
    monkeypatch.delenv("HAMSYNC_PAGE_TOKEN", raising=False)
    keyring.set_password(SERVICE, "feed.token", shared)
    keyring.set_password(SERVICE, "page.token", shared)
    try:
        result = CliRunner().invoke(app, ["serve", "--config", str(synced), "--urls"])
    finally:
        keyring.delete_password(SERVICE, "feed.token")
        keyring.delete_password(SERVICE, "page.token")
    assert result.exit_code == 2, result.output
    assert "feed.token" in result.output and "page.token" in result.output


# -- item 5: no request ends unanswered or in a traceback ---------------------------------
def test_requests_that_cannot_be_parsed_are_answered_400(
    synced: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with serving(synced) as served:
        path = f"/{PAGE_TOKEN}/"
        many = "&".join(f"f{i}=1" for i in range(9))
        request = f"GET {path}?{many} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        assert status(raw(served.url, request)) == 400
        bad_utf8 = b"GET " + path.encode() + b"?said=%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n"
        assert status(raw(served.url, bad_utf8)) == 400
        for length in ("\u00b2", "\u0661\u0662", "-1", "1e3", "0x10"):
            request = (
                f"POST {path}checkin HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {length}\r\n\r\n"
            ).encode()
            assert status(raw(served.url, request)) in (400, 411), length
        assert requests.get(served.url, timeout=30).status_code == 200  # still serving
    assert "Traceback" not in capfd.readouterr().err


def test_a_fault_while_answering_is_a_500_and_one_line(
    synced: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong inside (here: the page's renderer), the client gets a 500 without
    detail and stderr one line naming the kind of fault, no traceback, no token."""
    with serving(synced) as served:

        def broken(*_args: object, **_kw: object) -> str:
            raise RuntimeError("secret detail")

        monkeypatch.setattr(served.page, "get", broken)
        answer = requests.get(served.url, timeout=30)
        assert answer.status_code == 500
        assert "secret detail" not in answer.text
        assert answer.headers["X-Frame-Options"] == "DENY"
    err = capfd.readouterr().err
    assert "Traceback" not in err and PAGE_TOKEN not in err
    assert err.count("RuntimeError") == 1


# -- item 6: a header dripped in is cut off; too many connections are refused --------------
@pytest.mark.parametrize(
    "prefix",
    [b"", f"POST /{PAGE_TOKEN}/checkin HTTP/1.1\r\nHost: x\r\nX-Slow: ".encode()],
    ids=["request line", "headers of a post"],
)
def test_a_header_dripped_in_is_cut_off_at_the_deadline(
    write_config: WriteConfig, prefix: bytes
) -> None:
    """A byte every 0.3 s never trips the per-read timeout; the total deadline ends it, and
    what came in is not taken for a request."""
    from sync.config.model import load_config
    from sync.serve.page import CheckinPage
    from sync.serve.server import HamsyncServer

    config = load_config(write_config())
    page = CheckinPage(config, PAGE_TOKEN, today=lambda: TODAY)
    server = HamsyncServer(config, "feed-token-x", "127.0.0.1", 0, page, header_deadline_s=1.5)
    server.start()
    try:
        port = server.httpd.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(prefix)
            got = b""
            started = time.monotonic()
            closed_after = None
            for byte in b"GET /" + b"a" * 100:
                try:
                    conn.sendall(bytes([byte]))
                    time.sleep(0.3)
                except OSError:
                    closed_after = time.monotonic() - started
                    break
                conn.setblocking(False)
                try:
                    chunk = conn.recv(65536)
                    got += chunk
                    if chunk == b"":
                        closed_after = time.monotonic() - started
                        break
                except BlockingIOError:
                    pass
                except OSError:  # reset: cut off too
                    closed_after = time.monotonic() - started
                    break
                finally:
                    conn.setblocking(True)
            assert closed_after is not None, "the dripping client was never cut off"
            assert closed_after < 5
            assert b"HTTP/1" not in got  # nothing answered: not taken for a request
    finally:
        server.stop()


def test_connections_beyond_the_cap_are_refused_503(write_config: WriteConfig) -> None:
    from sync.config.model import load_config
    from sync.serve.server import HamsyncServer

    config = load_config(write_config())
    server = HamsyncServer(config, "feed-token-x", "127.0.0.1", 0, max_connections=2).start()
    port = server.httpd.server_address[1]
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    try:
        time.sleep(0.3)
        answer = raw(f"http://127.0.0.1:{port}/", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status(answer) == 503 and b"Retry-After" in answer
        for conn in idle:
            conn.close()
        time.sleep(0.5)
        answer = raw(f"http://127.0.0.1:{port}/", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status(answer) == 404  # a slot is free again
    finally:
        for conn in idle:
            conn.close()
        server.stop()


# -- item 8: duplicate fields, percent-encoded invalid UTF-8, a made-up flash ---------------
def test_a_field_given_twice_percent_encoded_invalid_utf8_are_refused(synced: Path) -> None:
    with serving(synced) as served:
        before = rows(served.state_dir)
        for extra in ("&note=&note=", "&note=%FF%FE", "&feeling=fine", "&x=1&x=2"):
            token = form_tokens(requests.get(served.url, timeout=30).text)[-1]
            body = f"csrf={token}&feeling=fine{extra}"
            answer = requests.post(
                f"{served.url}checkin", data=body, allow_redirects=False, timeout=30,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            assert answer.status_code == 400, extra
        assert rows(served.state_dir) == before


def test_the_message_on_top_comes_from_what_was_recorded(synced: Path) -> None:
    """A made-up ``said`` shows nothing; the real one after a post shows what was stored."""
    with serving(synced) as served:
        for said in ("felt-2030-01-01-pain", f"felt-{TODAY}-pain", f"done-{TODAY}"):
            html = requests.get(f"{served.url}?said={said}", timeout=30).text
            assert 'id="flash"' not in html, said
        answer = note_post(served.url, "")
        origin = served.url.split(f"/{PAGE_TOKEN}/")[0]
        html = requests.get(origin + answer.headers["Location"], timeout=30).text
        assert "Check-in recorded: fine" in html


# -- item 10: other methods ------------------------------------------------------------
@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_other_methods_answer_404_with_the_security_headers(synced: Path, method: str) -> None:
    with serving(synced) as served:
        answer = raw(
            served.url, f"{method} /{PAGE_TOKEN}/ HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert status(answer) == 404
    for name, value in SECURITY_HEADERS:
        assert f"{name}: {value}".encode() in head, name
    assert b"Python" not in answer and b"501" not in answer and len(body) < 100
