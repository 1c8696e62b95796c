"""The CLI's one error handler: each :class:`~connectors.errors.HamsyncError` printed once.

Every ``hamsync`` command runs inside :class:`HandledGroup`. An error that escapes a command
is printed as one line on stderr (``hamsync: <message> (<fix>)``), or, when the command was
given ``--json``, as one ``{"error": {...}}`` document on stderr with nothing on stdout, so
that ``hamsync sync --json 2>&1`` stays one JSON document; then the process exits with the
error's code (:mod:`connectors.errors`). Nothing else prints errors: the ``hamsync`` logger
has no console handler outside the daemon (see :mod:`sync.engine.logs`).
"""

from __future__ import annotations

import errno
import json
import logging
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from connectors.errors import HamsyncError, StateError
from sync.cli.console import lazy_console

_err = lazy_console(stderr=True)  # rich loads when an error is shown, not for `--help`


def show_error(exc: HamsyncError, as_json: bool) -> None:
    """Print ``exc`` once on stderr: a JSON document under ``--json``, else one red line."""
    if as_json:
        sys.stderr.write(json.dumps(exc.as_json(), indent=2, ensure_ascii=False) + "\n")
        return
    from rich.text import Text

    _err.print(Text("hamsync: ", style="red") + Text(exc.shown()), highlight=False, soft_wrap=True)


def quiet_fallback_logging() -> None:
    """No library's log record reaches stderr through Python's fallback handler.

    With no handler configured anywhere, ``logging`` prints warnings of any library (caldav,
    urllib3...) on stderr by itself (``logging.lastResort``): a second, unformatted copy of
    what the command reports, and text inside ``--json`` output. Commands report what matters;
    the daemon's own handlers (sync.engine.logs) are unaffected.
    """
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


def os_error(exc: OSError) -> StateError:
    """An OS error no command turned into its own message, said plainly: file and reason."""
    where = f"{exc.filename}: " if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return StateError(f"{where}no space left on the device", "free some space, then try again")
    return StateError(f"{where}{exc.strerror or exc}")


class HandledGroup(TyperGroup):
    """The ``hamsync`` command group: runs a command and turns its error into an exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        quiet_fallback_logging()
        words = [*getattr(ctx, "_protected_args", []), *ctx.args]
        as_json = "--json" in words
        try:
            return super().invoke(ctx)
        except HamsyncError as exc:
            show_error(exc, as_json)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # the machine said no (a full disk, a permission): exit 2
            failure = os_error(exc)
            show_error(failure, as_json)
            raise typer.Exit(failure.exit_code) from None
