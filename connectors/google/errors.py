"""What can go wrong with Google Calendar, in the terms of a storage and of the runner.

Storage outcomes (vdirsyncer's vocabulary): :class:`PreconditionFailed` (the item's etag is
not the one given: someone changed it), :class:`AlreadyExists` (an item already sits at that
href) and :class:`NotFound` (no such item, or deleted). Everything else is a
:class:`GoogleError`, a :class:`~connectors.base.SourceError` that says what to do: a revoked
or expired grant names ``hamsync login google``; a quota answer or a server error asks for a
later sync (never a retry loop here) and carries the server's ``Retry-After`` when it sent one.
"""

from __future__ import annotations

from connectors.base import SourceError

LOGIN_FIX = "run `hamsync login google`"


class StorageError(Exception):
    """A refused precondition on one item; the item is named by its href (event id)."""

    def __init__(self, href: str, message: str = "") -> None:
        super().__init__(message or href)
        self.href = href


class PreconditionFailed(StorageError):
    """The event's etag is no longer the one given (HTTP 412): it changed since it was read."""


class AlreadyExists(StorageError):
    """An event with that id exists already (HTTP 409), possibly deleted (Google keeps ids)."""


class NotFound(StorageError):
    """No event with that id, or it was deleted (HTTP 404 or 410, or status ``cancelled``)."""


class GoogleError(SourceError):
    """Google Calendar could not be used now; ``fix`` says what the runner can do."""


class LoginNeeded(GoogleError):
    """The grant is missing, revoked or expired, or lacks a scope: sign in again."""

    def __init__(self, message: str) -> None:
        super().__init__(message, fix=LOGIN_FIX)
