"""One sync at a time: a cron ``hamsync sync`` and the daemon never interleave.

An advisory ``flock`` on a file in the state directory: the kernel releases it when the
holder dies, even by SIGKILL, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from connectors.errors import EXIT_LOCKED, HamsyncError, StateError

LOCK_NAME = "sync.lock"
DEFAULT_WAIT_S = 10.0
"""How long a second sync waits for the first before it gives up (exit code 5)."""


class LockHeld(HamsyncError):
    """Another hamsync process holds the lock; the message names its pid."""

    exit_code = EXIT_LOCKED


@contextlib.contextmanager
def sync_lock(
    state_dir: Path, wait_s: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the state's lock; wait up to ``wait_s`` (default 10 s) for another holder.

    ``on_wait`` is called once, with the holder's pid, when the lock is not free at once.
    Raises :class:`LockHeld` (exit 5) when the wait runs out.
    """
    path = state_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StateError(
            f"cannot open the lock file {path} ({exc.strerror})",
            "make the state directory writable by you (or set state_dir in the config)",
        ) from exc
    try:
        deadline = time.monotonic() + (DEFAULT_WAIT_S if wait_s is None else wait_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                if time.monotonic() >= deadline:
                    raise LockHeld(
                        f"another hamsync sync is running (pid {holder}, lock {path}); "
                        "try again when it has finished"
                    ) from None
                if on_wait is not None:
                    on_wait(holder)
                    on_wait = None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
