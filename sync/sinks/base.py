"""What every sink may raise: :class:`SinkError`, the failure of a whole sink.

The storage contract and its item errors are in :mod:`sync.sinks.contract`; what a sync asks
of a sink and what it did are the engine's (:mod:`sync.sinks.outcome`).
"""

from __future__ import annotations

from connectors.base import SourceError
from connectors.errors import EXIT_FAILED, HamsyncError


class SinkError(HamsyncError):
    """The sink could not be written; its recorded state is unchanged, the next sync retries.

    ``retry_after_s`` is how long the server asked us to wait (a 429's ``Retry-After``): the
    daemon leaves the sink alone until then, as it does for a source.
    """

    exit_code = EXIT_FAILED

    def __init__(self, message: str, retry_after_s: float | None = None, fix: str = "") -> None:
        super().__init__(message, fix, retry_after_s)

    @classmethod
    def from_source(cls, exc: SourceError, prefix: str = "") -> SinkError:
        """The connector's error as a sink error: same text, fix and requested wait."""
        text = f"{exc} ({exc.fix})" if exc.fix else str(exc)
        return cls(prefix + text, retry_after_s=exc.retry_after_s)


class Deferred(SinkError):
    """The sink stops writing for now, before a limit (Strava's rate limit): not a failure.

    Raised before a write, so nothing is half done: the executor ends the sink's run with
    this message, every finished write recorded, and the next sync goes on from there.
    ``purge`` lets it through as the sink's error (its records stay; purge again later).
    """
