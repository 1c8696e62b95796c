"""One sync at a time: a cron ``hamsync sync`` and the daemon never interleave.

An advisory ``flock`` on a file in the state directory: the kernel releases it when the
holder dies, even by SIGKILL, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = "sync.lock"
DEFAULT_WAIT_S = 10.0
"""How long a second sync waits for the first before it gives up (exit code 5)."""


class LockHeld(Exception):
    """Another hamsync process holds the lock; the message names its pid."""


@contextlib.contextmanager
def sync_lock(state_dir: Path, wait_s: float | None = None) -> Iterator[None]:
    path = state_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + (DEFAULT_WAIT_S if wait_s is None else wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                    raise LockHeld(
                        f"another hamsync sync is running (pid {holder}, lock {path}); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
