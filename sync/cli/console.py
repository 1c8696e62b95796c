"""The consoles the commands print to, made on first use.

``hamsync --help`` never loads rich's console. On a terminal a console wraps at the
terminal's width; piped or redirected (cron mail, a log) it never wraps a line, so no phrase
is broken ("-1,070 m" stays whole) and tables may be as wide as they need, unless ``COLUMNS``
asks for a width.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console

PIPE_WIDTH = 1000
"""Width of tables when output is piped and COLUMNS is not set: a table takes only the width
it needs, so none of its cells is folded (a long path stays on one line)."""


def make_console(stderr: bool = False) -> Console:
    """A rich console for stdout (or stderr), wrapping only on a terminal or at ``COLUMNS``."""
    from rich.console import Console

    console = Console(stderr=stderr)
    if console.is_terminal or os.environ.get("COLUMNS"):
        return console  # a terminal, or a width the caller asked for
    return Console(stderr=stderr, soft_wrap=True, width=PIPE_WIDTH)


class _LazyConsole:
    """Makes its console on first use, and anew when the stream or ``COLUMNS`` changed
    (commands invoked one after another in one process, as the tests do)."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None
        self._made_for: tuple[int, str | None] | None = None

    def __getattr__(self, name: str) -> Any:
        made_for = (id(sys.stderr if self._stderr else sys.stdout), os.environ.get("COLUMNS"))
        if self._console is None or made_for != self._made_for:
            self._console = make_console(self._stderr)
            self._made_for = made_for
        return getattr(self._console, name)


def lazy_console(stderr: bool = False) -> Console:
    """A console made when it is first used (typed as the console it stands for)."""
    return cast("Console", _LazyConsole(stderr))
