"""Reading how long a server asked us to wait (HTTP ``Retry-After``), for every connector.

Kept apart from the connectors so that the Garmin session, the ICS reader and the sinks parse
the header the same way without importing each other's libraries.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

MAX_WAIT_S = 7 * 86400.0
"""A server asking for more than a week is misconfigured: wait a week at most."""


def retry_after_s(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT_S)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return min(MAX_WAIT_S, max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds()))


def retry_after_of(exc: BaseException) -> float | None:
    """The ``Retry-After`` of the HTTP response behind ``exc`` or the exceptions it wraps.

    Client libraries re-raise their own exception types ``from`` the ``requests`` error, so
    the response (and its headers) sits somewhere in the cause chain.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        headers: Any = getattr(getattr(current, "response", None), "headers", None)
        if isinstance(headers, Mapping):
            found = retry_after_s(headers.get("Retry-After"))
            if found is not None:
                return found
        current = current.__cause__ or current.__context__
    return None
