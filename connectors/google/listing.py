"""What the last listing of a Google calendar showed, kept between syncs in a small file.

Google's incremental sync (https://developers.google.com/calendar/api/guides/sync) answers a
list request carrying the ``nextSyncToken`` of the previous one with only the events changed
since (deleted ones included, as ``status: cancelled``). Keeping the token and the etags (and
uids) of hamsync's own events in ``<state>/google/<sink>.json`` (mode 0600) makes an idle sync one
small list request. The file is a cache: a missing, damaged or foreign one (another calendar)
only costs one full listing.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Listing:
    """The calendar as last listed: hamsync's events by id with their etags."""

    calendar: str
    """The calendar as configured (a name or an id): another value means another calendar."""
    calendar_id: str
    sync_token: str | None = None
    etags: dict[str, str] = field(default_factory=dict)
    uids: dict[str, str] = field(default_factory=dict)
    """href -> the item's uid, to refuse a second event for one uid (AlreadyExists)."""


class ListingCache:
    """The listing file of one sink; reads never fail (a bad file is no file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, calendar: str) -> Listing | None:
        """The listing kept for ``calendar``, or None."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("calendar") != calendar:
                return None
            etags = {str(k): str(v) for k, v in dict(data.get("etags", {})).items()}
            uids = {str(k): str(v) for k, v in dict(data.get("uids", {})).items()}
            token = data.get("sync_token")
            calendar_id = str(data["calendar_id"])
            return Listing(calendar, calendar_id, str(token) if token else None, etags, uids)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save(self, listing: Listing) -> None:
        """Write the listing atomically (a crash leaves the old file or the new one)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = {
            "calendar": listing.calendar,
            "calendar_id": listing.calendar_id,
            "sync_token": listing.sync_token,
            "etags": dict(sorted(listing.etags.items())),
            "uids": dict(sorted(listing.uids.items())),
        }
        handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".listing-")
        temp = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1)
            temp.chmod(0o600)
            temp.replace(self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise

    def forget(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
