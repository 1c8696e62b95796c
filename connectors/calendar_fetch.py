"""Fetching a calendar link: one overall deadline, one size limit, and careful redirects.

``requests`` bounds each socket read, not a download: a server that trickles a few bytes
every few seconds held a sync for minutes (``slow-calendar-server-no-overall-deadline``).
Here the whole fetch, redirects and all, runs against one deadline; the caller gets its
answer (or "did not answer within N s") when the deadline passes, whatever the server does.

Redirects (``ics-url-redirect-ssrf-echo``): at most :data:`MAX_REDIRECTS` hops; once the
link is https every hop must be https; a hop to a loopback, link-local, private or otherwise
non-public address is refused unless the configured link itself names such a host (a
calendar on the home server) or the hop stays on the configured host. Each hop connects to
the very address that was checked (no second DNS lookup that could answer differently).
Nothing a server sends back is ever quoted in a message: only status codes and our words.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from .base import SourceError
from .http_retry import retry_after_s

Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> IP addresses`` (as text); tests map a public-looking name to 127.0.0.1."""

FETCH_DEADLINE_S = 20.0
"""The whole fetch of one calendar, redirects included (hamsync default)."""
MAX_CALENDAR_BYTES = 20 * 1024 * 1024
"""The size limit of one calendar, file or link (hamsync default: years of a busy calendar
with long descriptions stay well under it)."""
MAX_REDIRECTS = 5
"""Published calendars redirect once or twice (http to https, a CDN); more is a loop."""
CHUNK_BYTES = 64 * 1024
LOCAL_SUFFIXES = (".localhost", ".local", ".lan", ".home.arpa", ".internal")


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """The budget of one fetch: overall seconds, bytes, redirect hops, and the resolver."""

    deadline_s: float = FETCH_DEADLINE_S
    max_bytes: int = MAX_CALENDAR_BYTES
    max_redirects: int = MAX_REDIRECTS
    resolver: Resolver = field(default=system_resolver)


def too_large(where: str, max_bytes: int) -> SourceError:
    """The one message for a calendar over the size limit, file or link alike."""
    return SourceError(
        f"calendar {where}: larger than {max_bytes / 2**20:g} MB, not read",
        fix="point [upcoming] ics at a calendar of planned runs only, or export a shorter range",
    )


def internal_address(address: str) -> bool:
    """True for loopback, link-local, private, shared, multicast and reserved addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def local_host(host: str) -> bool:
    """True when a configured link names a host on the runner's own network, as written."""
    name = host.lower().rstrip(".")
    try:
        return internal_address(name)
    except ValueError:
        pass
    return name == "localhost" or name.endswith(LOCAL_SUFFIXES) or "." not in name


def hop_refusal(configured: str, target: str, addresses: list[str]) -> str | None:
    """Why a redirect from the ``configured`` link to ``target`` is refused, or None.

    ``addresses`` are what ``target``'s host resolves to. Pure, so every rule has a test.
    """
    first, hop = urlsplit(configured), urlsplit(target)
    if hop.scheme not in ("http", "https"):
        return "a redirect to a scheme other than https"
    if first.scheme == "https" and hop.scheme != "https":
        return "a redirect from https to plain http"
    same_host = (hop.hostname or "").lower() == (first.hostname or "").lower()
    if same_host or local_host(first.hostname or ""):
        return None
    if any(internal_address(a) for a in addresses):
        return "a redirect to an address on a private network or this machine"
    return None


class _PinnedAdapter(HTTPAdapter):
    """Connects to one checked address while TLS and the Host header keep the name."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        name = host_params["host"]
        host_params = {**host_params, "host": self.address}
        if host_params["scheme"] == "https":
            pool_kwargs = {**pool_kwargs, "server_hostname": name, "assert_hostname": name}
        return host_params, pool_kwargs


@dataclass(slots=True)
class _Outcome:
    body: bytes | None = None
    error: BaseException | None = None


def fetch(url: str, where: str, limits: FetchLimits | None = None) -> bytes:
    """The calendar's bytes from an http(s) ``url``, within ``limits``; else :class:`SourceError`.

    ``where`` is how the link is shown (host and fingerprint). The work runs in a helper
    thread so that the deadline holds even while a socket read is blocked; a fetch given up
    stops at its next read.
    """
    limits = limits or FetchLimits()
    cancel = threading.Event()
    outcome = _Outcome()

    def work() -> None:
        try:
            outcome.body = _fetch_hops(url, where, limits, cancel)
        except BaseException as exc:  # handed to the caller's thread
            outcome.error = exc

    worker = threading.Thread(target=work, name="hamsync-calendar-fetch", daemon=True)
    worker.start()
    worker.join(limits.deadline_s)
    if worker.is_alive():
        cancel.set()
        raise _deadline_error(where, limits)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.body is not None
    return outcome.body


def _deadline_error(where: str, limits: FetchLimits) -> SourceError:
    return SourceError(
        f"calendar {where}: did not answer within {limits.deadline_s:g} s; the next sync retries"
    )


def _fetch_hops(url: str, where: str, limits: FetchLimits, cancel: threading.Event) -> bytes:
    deadline = time.monotonic() + limits.deadline_s
    current = url
    for hop in range(limits.max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError(f"calendar {where}: refused a redirect to a scheme other than https")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = limits.resolver(parts.hostname, port)
        except (OSError, ValueError):
            raise SourceError(
                f"calendar {where}: cannot find the host (name lookup failed); the next sync "
                "retries"
            ) from None
        if not addresses:
            raise SourceError(f"calendar {where}: cannot find the host (no address)")
        if hop > 0:
            refusal = hop_refusal(url, current, addresses)
            if refusal:
                raise SourceError(f"calendar {where}: refused {refusal}")
        response = _get(current, addresses[0], deadline, where)
        with response:
            if response.is_redirect and "Location" in response.headers:
                current = urljoin(current, response.headers["Location"])
                continue
            if response.status_code != 200:
                raise _status_error(where, response)
            return _read_body(response, where, limits.max_bytes, deadline, cancel)
    raise SourceError(f"calendar {where}: more than {limits.max_redirects} redirects, not followed")


def _get(url: str, address: str, deadline: float, where: str) -> requests.Response:
    remaining = max(0.1, deadline - time.monotonic())
    session = requests.Session()
    session.trust_env = False  # the address was checked: no proxy may send it elsewhere
    adapter = _PinnedAdapter(address)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    netloc = urlsplit(url).netloc.rsplit("@", 1)[-1]
    try:
        return session.get(
            url,
            timeout=(remaining, remaining),
            stream=True,
            allow_redirects=False,
            headers={"Host": netloc, "Accept": "text/calendar, */*;q=0.5"},
        )
    except requests.Timeout:
        raise SourceError(
            f"calendar {where}: did not answer in time; the next sync retries"
        ) from None
    except requests.RequestException as exc:
        raise SourceError(
            f"calendar {where}: cannot fetch it ({exc.__class__.__name__}); the next sync retries"
        ) from None
    finally:
        session.close()


def _read_body(
    response: requests.Response,
    where: str,
    max_bytes: int,
    deadline: float,
    cancel: threading.Event,
) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(where, max_bytes)
    body = bytearray()
    try:
        while not cancel.is_set() and time.monotonic() < deadline:
            chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
            if not chunk:
                return bytes(body)
            body.extend(chunk)
            if len(body) > max_bytes:
                raise too_large(where, max_bytes)
    except (requests.RequestException, OSError, ValueError) as exc:
        raise SourceError(
            f"calendar {where}: the download broke off ({exc.__class__.__name__}); the next "
            "sync retries"
        ) from None
    except Exception as exc:  # urllib3's own read errors (protocol, decoding)
        if isinstance(exc, SourceError):
            raise
        raise SourceError(
            f"calendar {where}: the download broke off ({exc.__class__.__name__}); the next "
            "sync retries"
        ) from None
    raise SourceError(f"calendar {where}: did not answer in time; the next sync retries")


def _status_error(where: str, response: requests.Response) -> SourceError:
    code = response.status_code
    if code in (401, 403):
        return SourceError(
            f"calendar {where}: the server refused access ({code})",
            fix="check the calendar's address in [upcoming] ics (a private link may have "
            "been reset)",
        )
    if code in (404, 410):
        return SourceError(
            f"calendar {where}: the server has no calendar at this link ({code})",
            fix="check the calendar's address in [upcoming] ics (a shared link may have been "
            "withdrawn)",
        )
    retry_after = retry_after_s(response.headers.get("Retry-After")) if code in (429, 503) else None
    return SourceError(
        f"calendar {where}: the server answered {code}; the next sync retries",
        retry_after_s=retry_after,
    )
