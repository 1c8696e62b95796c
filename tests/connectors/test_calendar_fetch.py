"""Fetching calendar links against a real HTTP server on 127.0.0.1: redirects that try to reach
the machine itself (ics-url-redirect-ssrf-echo), a trickling server
(slow-calendar-server-no-overall-deadline), size, and links as people paste them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from connectors.base import SourceError
from connectors.calendar_fetch import FetchLimits, fetch, hop_refusal, internal_address
from connectors.calendar_url import fingerprint, normalised, shown_location
from connectors.ics_calendar import IcsUpcoming
from planner.settings import Settings

SECRET_BODY = b"ROLE-NAME-SECRET-AKIAEXAMPLE\n"
PLANNED = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//runner//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:race-1@phone\r\nDTSTAMP:20261101T000000Z\r\n"
    b"DTSTART;VALUE=DATE:20261128\r\nDTEND;VALUE=DATE:20261129\r\nSUMMARY:Long trail run\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)
PUBLIC_NAME = "calendar.example.com"
"""A public-looking name the test resolver maps to 127.0.0.1 (as a hostile DNS answer could)."""
METADATA_NAME = "metadata.example.net"


@dataclass
class Server:
    port: int = 0
    paths: list[str] = field(default_factory=list)

    def redirects(self) -> dict[str, str]:
        here = f"http://127.0.0.1:{self.port}"
        return {
            "/private-abc/redir-internal.ics": f"{here}/latest/meta-data/iam/security-credentials/",
            "/redir-named-internal.ics": f"http://{METADATA_NAME}:{self.port}/latest/meta-data/",
            "/redir-same-host.ics": "/planned.ics",
            "/redir-file.ics": "file:///etc/passwd",
            "/loop.ics": "/loop.ics",
        }


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            state.paths.append(self.path)
            target = state.redirects().get(self.path)
            if target:
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path == "/trickle.ics":
                self.send_response(200)
                self.send_header("Content-Length", str(len(PLANNED)))
                self.end_headers()
                for start in range(0, len(PLANNED), 8):
                    try:
                        self.wfile.write(PLANNED[start : start + 8])
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.25)
                return
            body = {
                "/planned.ics": PLANNED,
                "/latest/meta-data/iam/security-credentials/": SECRET_BODY,
                "/latest/meta-data/": SECRET_BODY,
                "/big.ics": PLANNED + b" " * 4096,
            }.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            if self.path != "/big.ics":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def resolver(host: str, port: int) -> list[str]:
    """Test DNS: the public-looking names answer 127.0.0.1; everything else as literal IPs."""
    if host in (PUBLIC_NAME, METADATA_NAME, "127.0.0.1"):
        return ["127.0.0.1"]
    raise OSError("no such host in this test")


LIMITS = FetchLimits(deadline_s=5, resolver=resolver)


def get(url: str, limits: FetchLimits = LIMITS) -> bytes:
    return fetch(url, shown_location(url), limits)


def test_a_redirect_from_a_public_name_to_the_machine_itself_is_refused(server: Server) -> None:
    """The case: a public link answering 302 to 127.0.0.1 is not followed, and nothing echoed."""
    url = f"http://{PUBLIC_NAME}:{server.port}/private-abc/redir-internal.ics"
    with pytest.raises(SourceError) as excinfo:
        get(url)
    message = str(excinfo.value)
    assert "refused a redirect to an address on a private network" in message
    assert PUBLIC_NAME in message and "private-abc" not in message
    assert "/latest/meta-data/iam/security-credentials/" not in server.paths


def test_a_redirect_to_a_name_that_resolves_to_the_machine_is_refused(server: Server) -> None:
    """The address a name resolves to is checked, not the name (a DNS answer of 127.0.0.1)."""
    before = len(server.paths)
    with pytest.raises(SourceError, match="private network"):
        get(f"http://{PUBLIC_NAME}:{server.port}/redir-named-internal.ics")
    assert server.paths[before:] == ["/redir-named-internal.ics"]


def test_a_redirect_on_the_same_host_is_followed(server: Server) -> None:
    """A relative redirect on the configured host is an ordinary move of the file."""
    assert get(f"http://{PUBLIC_NAME}:{server.port}/redir-same-host.ics") == PLANNED


def test_a_calendar_on_the_home_network_may_redirect_within_it(server: Server) -> None:
    """A link that itself names this machine may redirect to it (the runner's own server)."""
    body = SECRET_BODY
    assert get(f"http://127.0.0.1:{server.port}/private-abc/redir-internal.ics") == body


@pytest.mark.parametrize(
    ("path", "why"),
    [("/redir-file.ics", "scheme other than https"), ("/loop.ics", "more than 5 redirects")],
)
def test_odd_redirects_end_with_a_clear_error(server: Server, path: str, why: str) -> None:
    """Another scheme is refused; a loop stops after a few hops."""
    with pytest.raises(SourceError, match=why):
        get(f"http://{PUBLIC_NAME}:{server.port}{path}")


def test_a_body_that_is_not_a_calendar_is_never_quoted(server: Server) -> None:
    """What a server answers never reaches the message (it was echoed into status and the DB)."""
    url = f"http://127.0.0.1:{server.port}/private-abc/redir-internal.ics"
    source = IcsUpcoming(url, ZoneInfo("Europe/Zurich"), Settings(), limits=LIMITS)
    with pytest.raises(SourceError) as excinfo:
        source.planned(date(2026, 11, 20), date(2026, 12, 10))
    assert "not an iCalendar file" in str(excinfo.value)
    assert "ROLE-NAME" not in str(excinfo.value) and "AKIA" not in str(excinfo.value)


@pytest.mark.parametrize(
    ("configured", "target", "addresses", "refused"),
    [
        ("https://cal.example.com/a.ics", "http://cal.example.com/a.ics", ["93.184.216.34"], True),
        ("https://cal.example.com/a.ics", "https://cdn.example.net/a", ["93.184.216.34"], False),
        ("http://cal.example.com/a.ics", "https://cdn.example.net/a", ["93.184.216.34"], False),
        ("https://cal.example.com/a.ics", "https://x.example/a", ["169.254.169.254"], True),
        ("https://cal.example.com/a.ics", "https://x.example/a", ["10.0.0.7"], True),
        ("https://cal.example.com/a.ics", "https://x.example/a", ["::1"], True),
        ("https://cal.example.com/a.ics", "https://x.example/a", ["fe80::1%eth0"], True),
        ("https://cal.example.com/a.ics", "https://x.example/a", ["::ffff:127.0.0.1"], True),
        ("https://cal.example.com/a.ics", "https://x.example/a", ["100.64.0.1"], True),
        ("https://cal.example.com/a.ics", "ftp://x.example/a", ["93.184.216.34"], True),
        ("https://nas.local/a.ics", "https://192.168.1.5/a", ["192.168.1.5"], False),
        ("https://192.168.1.5/a.ics", "https://nas/b", ["192.168.1.6"], False),
    ],
)
def test_the_redirect_rules(
    configured: str, target: str, addresses: list[str], refused: bool
) -> None:
    """https stays https; no hop to a non-public address unless the link itself is local."""
    assert (hop_refusal(configured, target, addresses) is not None) is refused


def test_public_addresses_are_not_internal() -> None:
    assert not internal_address("93.184.216.34") and not internal_address("2606:4700::1111")


def test_a_trickling_server_is_given_up_at_the_deadline(server: Server) -> None:
    """A 262-byte calendar sent 8 bytes every 0.25 s (8 s) is given up at the 1 s deadline."""
    limits = FetchLimits(deadline_s=1.0, resolver=resolver)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"did not answer within 1 s"):
        get(f"http://127.0.0.1:{server.port}/trickle.ics", limits)
    assert time.monotonic() - started < 3.0  # the deadline, not the 8 s of the download


def test_a_link_over_the_size_limit_is_refused_while_it_streams(server: Server) -> None:
    """No Content-Length: the download stops once past the limit, with the file's message."""
    limits = FetchLimits(deadline_s=5, max_bytes=1024, resolver=resolver)
    with pytest.raises(SourceError, match=r"larger than 0\.0009\d* MB, not read"):
        get(f"http://127.0.0.1:{server.port}/big.ics", limits)


def test_webcal_links_are_https_links() -> None:
    """webcal:// and webcals:// (iCloud, Outlook "Subscribe") are fetched over https."""
    token = "MTIzNDU2Nzg5MDEyMzQ1Nj_SECRET_TOKEN_abcdefghijklmnop"
    link = f"webcal://p52-caldav.icloud.com/published/2/{token}"
    assert normalised(link) == f"https://p52-caldav.icloud.com/published/2/{token}"
    assert normalised("WEBCALS://h/x") == "https://h/x"
    assert normalised("https://h/x") == "https://h/x"
    shown = shown_location(link)
    assert shown == f"https://p52-caldav.icloud.com (link {fingerprint(link)})"
    assert token not in shown and "published" not in shown


def test_two_links_on_one_host_are_told_apart_by_their_fingerprint() -> None:
    one = shown_location("https://cloud.example.org/remote.php/dav/public-calendars/AAA?export")
    two = shown_location("https://cloud.example.org/remote.php/dav/public-calendars/BBB?export")
    assert one != two and one.startswith("https://cloud.example.org (link ")
