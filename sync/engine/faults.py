"""A testing aid: kill the process at a named point of a sync, to prove crash safety.

Set ``HAMSYNC_FAULT_AT=<checkpoint>`` (or ``<checkpoint>:<part>``, e.g. ``sink-written:ics``;
add ``#<n>`` to stop the n-th time, e.g. at the third remote write: ``sink-written:caldav#3``)
and the process sends itself SIGKILL when a sync reaches that point: no cleanup, no
``finally``, exactly like a power cut or the OOM killer. The crash tests run the real
``hamsync sync`` this way, then run it again and compare the calendar and the state with an
uninterrupted sync. Unset (always, outside tests), a checkpoint costs one dictionary lookup.

``HAMSYNC_HOLD_AT=<checkpoint>`` with ``HAMSYNC_HOLD_FILE=<path>`` holds the sync there
instead: it creates ``<path>.held`` and waits (60 s at most) until ``<path>`` exists. The
concurrency tests use it to run ``done`` or ``checkin`` while a sync is in the middle.

Checkpoints, in the order a sync meets them:

- ``pull-transaction``: inside a source's pull transaction, before it commits;
- ``after-pull``: every source pulled and stored, nothing planned yet;
- ``planned``: the plan computed from what was read, not stored yet;
- ``plan-transaction``: inside the plan transaction, before it commits;
- ``after-plan``: the plan stored, no sink written;
- ``sink-written``: a sink wrote (a file, a remote item) but has not recorded it in the state;
- ``sink-transaction``: inside a sink's state transaction, before it commits;
- ``after-sink``: one sink done, the next not started (between two writes).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ENV = "HAMSYNC_FAULT_AT"
HOLD_ENV = "HAMSYNC_HOLD_AT"
HOLD_FILE_ENV = "HAMSYNC_HOLD_FILE"
HOLD_MAX_S = 60.0

CHECKPOINTS = (
    "pull-transaction",
    "after-pull",
    "planned",
    "plan-transaction",
    "after-plan",
    "sink-written",
    "sink-transaction",
    "after-sink",
)


_reached: dict[str, int] = {}
"""How often each point was reached in this process (for ``#<n>``)."""


def checkpoint(name: str, part: str = "") -> None:
    """SIGKILL this process if ``HAMSYNC_FAULT_AT`` names this point (optionally this part)."""
    if os.environ.get(HOLD_ENV) in (name, f"{name}:{part}"):
        _hold(Path(os.environ[HOLD_FILE_ENV]))
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point not in (name, f"{name}:{part}"):
        return
    _reached[point] = _reached.get(point, 0) + 1
    if _reached[point] >= (int(nth) if nth.isdigit() else 1):
        os.kill(os.getpid(), signal.SIGKILL)


def _hold(release: Path) -> None:
    """Say we are here (``<release>.held``), then wait for ``release`` to appear."""
    Path(f"{release}.held").touch()
    deadline = time.monotonic() + HOLD_MAX_S
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
