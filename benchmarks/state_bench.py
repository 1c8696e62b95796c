"""State database: the checks made each time it is opened, and the backup after each sync.

Every command opens the state with a header check and SQLite's ``PRAGMA quick_check``
(:mod:`sync.store.integrity`), and every sync ends with an online backup
(:mod:`sync.store.backup`). Both grow with the database; the figure to hold them against is
the start-up of a command (about a second) and a sync's own work.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.plan_bench import history
from benchmarks.table import Row, best_of


def rows(quick: bool = False) -> list[Row]:
    from planner.models import Run
    from sync.store.backup import make_backup
    from sync.store.database import DB_NAME, StateDatabase

    runs = [r for r in history(150 if quick else 1500, 1 if quick else 5) if isinstance(r, Run)]
    with tempfile.TemporaryDirectory(prefix="hamsync-state-") as tmp:
        folder = Path(tmp)
        state = StateDatabase.open(folder)
        with state.transaction():
            state.save_pull("bench", runs, "cursor")
        state.close()
        size_mb = (folder / DB_NAME).stat().st_size / 1e6

        def open_checked() -> object:
            StateDatabase.open(folder).close()
            return None

        opened = best_of(open_checked, repeat=1 if quick else 5)
        state = StateDatabase.open(folder)
        try:
            backed_up = best_of(lambda: make_backup(state), repeat=1 if quick else 5)
        finally:
            state.close()
    what = f"{len(runs):,} runs, {size_mb:.1f} MB"
    return [
        Row("state", f"open with header check and quick_check ({what})", f"{opened * 1000:,.0f} ms",
            note="every command; budget: a small part of start-up"),
        Row("state", f"backup after a sync ({what})", f"{backed_up * 1000:,.0f} ms",
            note="online backup, quick_check, fsync, rotation"),
    ]  # fmt: skip
