"""hamsync's one error taxonomy: what went wrong, how to fix it, when to retry, the exit code.

Every error hamsync means to show the runner derives from :class:`HamsyncError`; the CLI has
one handler (``sync.cli.errors``) that prints each such error once, as one line (or as JSON
under ``--json``) with its fix, and exits with its code. Connectors cannot import ``sync``,
so the base class lives here and both sides derive from it:

=====================================  ====  ==================================================
class (module)                         exit  meaning
=====================================  ====  ==================================================
``UsageError`` (here)                  2     a wrong option or argument
``ConfigError`` (sync.config.model)    2     the config file is wrong; names file and key
``StateError`` (here)                  2     the state database or directory is unusable:
                                             damaged, written by a newer hamsync, disk full
``SourceError`` (connectors.base)      4     one source failed (others go on: 3 overall)
``SinkError`` (sync.sinks.base)        4     one sink failed (others go on: 3 overall)
``LockHeld`` (sync.store.lock)         5     another hamsync holds the state's lock
``Refused`` (sync.engine.valves)       6     a safety valve refused a write (``--force``)
=====================================  ====  ==================================================

Exit codes (documented in the README): 0 all well, 2 usage, config or state, 3 some parts
failed while others worked, 4 everything failed, 5 locked, 6 a safety valve refused.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_CONFIG = 2
EXIT_PARTIAL = 3
EXIT_FAILED = 4
EXIT_LOCKED = 5
EXIT_SAFETY = 6


class HamsyncError(Exception):
    """An error with a message for the runner, an optional fix, and the exit code it means.

    ``message`` says what is wrong and where (a file, a server, a key); ``fix`` is the command
    or action that repairs it ("" when there is none to give); ``retry_after_s`` is how long a
    server asked us to wait (HTTP ``Retry-After``), which the daemon honours before trying
    that part again. ``exit_code`` defaults to the class's.
    """

    exit_code: int = EXIT_FAILED

    def __init__(
        self,
        message: str,
        fix: str = "",
        retry_after_s: float | None = None,
        *,
        exit_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.retry_after_s = retry_after_s
        if exit_code is not None:
            self.exit_code = exit_code

    def shown(self) -> str:
        """The one line the runner reads: the message, then the fix in parentheses."""
        return f"{self} ({self.fix})" if self.fix else str(self)

    def as_json(self) -> dict[str, Any]:
        """``{"error": {"message", "fix", "retry_after_s", "exit_code"}}`` for ``--json``."""
        return {
            "error": {
                "message": str(self),
                "fix": self.fix,
                "retry_after_s": self.retry_after_s,
                "exit_code": self.exit_code,
            }
        }


class UsageError(HamsyncError):
    """A wrong option or argument (``--today 2026-13-01``)."""

    exit_code = EXIT_CONFIG


class StateError(HamsyncError):
    """The state database or its directory cannot be used as it is; nothing was planned."""

    exit_code = EXIT_CONFIG
