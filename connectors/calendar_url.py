"""Calendar links as people paste them: ``webcal://`` schemes, and how a link may be shown.

A calendar link is a password: iCloud and Nextcloud put the token in the last path segment,
Google in a ``private-<key>`` segment, others in the query. So a link is only ever shown as
its scheme, host and port plus a short fingerprint (the first 8 hex digits of its SHA-256),
enough to tell two links apart in ``status`` and never enough to rebuild one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

URL_SCHEMES = ("https://", "http://", "webcal://", "webcals://")
"""What makes a configured ``[upcoming] ics`` value a link rather than a file path."""

FINGERPRINT_DIGITS = 8


def is_url(location: str) -> bool:
    """True when ``location`` is a link (any case of the scheme), not a file path."""
    return location.lower().startswith(URL_SCHEMES)


def normalised(location: str) -> str:
    """``webcal://`` and ``webcals://`` links as the https links they stand for; else as is.

    Calendar apps (Apple Calendar, Outlook, Thunderbird) fetch a ``webcal`` link over https:
    the scheme only tells the browser to hand the link to a calendar app.
    """
    lowered = location.lower()
    for scheme in ("webcals://", "webcal://"):
        if lowered.startswith(scheme):
            return "https://" + location[len(scheme) :]
    return location


def fingerprint(location: str) -> str:
    """A short, stable, one-way tag of the whole link (8 hex digits of its SHA-256)."""
    digest = hashlib.sha256(normalised(location).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:FINGERPRINT_DIGITS]


def shown_location(location: str) -> str:
    """The calendar's place fit to print: a file's name, or a link's host and fingerprint.

    ``https://p52-caldav.icloud.com/published/2/<token>`` is shown as
    ``https://p52-caldav.icloud.com (link 1a2b3c4d)``: no path, query or user:password.
    """
    if not is_url(location):
        return Path(location).name
    url = normalised(location)
    scheme = url.split("://", 1)[0].lower()
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number, a broken IPv6 literal
        host, port = "?", ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"{scheme}://{host}{port} (link {fingerprint(location)})"
