"""The time budget of one file read (issue 15: every file reader has one).

Memory is bounded by the readers' design instead (size limits before decoding, incremental
XML, bounded archive members): peak memory stays under 3x the file size plus 200 MB, which
``tests/connectors/test_read_budgets.py`` measures.
"""

from __future__ import annotations

import time

from connectors.recording import ReadError

READ_BUDGET_S = 60.0  # hamsync default (issue 15: 60 s a file)
"""Wall time a reader may spend on one file; a 30 h ultra at 1 Hz (76 MB TCX) takes about
8 s here, a 32 MB FIT about 15 s."""


def deadline_after(budget_s: float) -> float:
    """The ``time.monotonic()`` value at which a read of ``budget_s`` seconds gives up."""
    return time.monotonic() + budget_s


def check_deadline(deadline: float) -> None:
    """Raise :class:`ReadError` once ``deadline`` (monotonic seconds) has passed."""
    if time.monotonic() > deadline:
        raise ReadError("reading the file took longer than its time budget; not read")
