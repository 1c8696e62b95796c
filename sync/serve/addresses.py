"""Where a served feed can be reached: the addresses to print for ``hamsync serve``.

Bound to one address, the feed is reached there. Bound to every address (``0.0.0.0``, ``::``
or an empty host), a phone on the same network reaches it at one of the machine's own
addresses, which ``ifaddr`` lists from the network interfaces (no packet is sent).
"""

from __future__ import annotations

import ipaddress

WILDCARDS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 (names of "every address")


def feed_urls(host: str, port: int, path: str) -> list[str]:
    """``http://ADDRESS:port/path`` for each address the feed can be reached at.

    For a wildcard ``host``: every IPv4 address of the machine that is neither loopback nor
    link-local (what a phone on the same network can use), then ``127.0.0.1`` (this
    machine). Otherwise ``host`` alone (IPv6 in brackets).
    """
    if host not in WILDCARDS:
        return [_url(host, port, path)]
    import ifaddr

    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):
                continue  # IPv6 (a tuple): phones on a home network use the IPv4 address
            address = ipaddress.ip_address(ip.ip)
            if address.is_loopback or address.is_link_local or ip.ip in found:
                continue
            found.append(ip.ip)
    return [_url(a, port, path) for a in found] + [_url("127.0.0.1", port, path)]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reached from this machine only (``127.0.0.1``, ``::1``,
    ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int, path: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"
