"""The check-in page: one view and one check-in, over five years of history (1,500 runs).

A view plans from the stored facts (like ``hamsync plan``) and renders the page; a check-in
takes the sync lock, records and stores the re-plan (the plan part of a sync) in one
transaction and releases it. The figure to hold them against
is a phone waiting for a page: well under a second (hamsync default goal), and no growth in
what a form costs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.plan_bench import TODAY, history
from benchmarks.table import Row, best_of


def rows(quick: bool = False) -> list[Row]:
    from planner.models import Run
    from sync.config.model import load_config
    from sync.engine.run import compute_plan, save_plan
    from sync.serve.page import CheckinPage
    from sync.store.database import StateDatabase

    runs = [r for r in history(150 if quick else 1500, 1 if quick else 5) if isinstance(r, Run)]
    with tempfile.TemporaryDirectory(prefix="hamsync-page-") as tmp:
        folder = Path(tmp)
        path = folder / "config.toml"
        path.write_text(
            f'timezone = "Europe/Zurich"\nstate_dir = "{folder / "state"}"\n'
            f'[sinks.ics]\npath = "{folder / "hamsync.ics"}"\n',
            encoding="utf-8",
        )
        config = load_config(path)
        state = StateDatabase.open(folder / "state")
        with state.transaction():
            state.save_pull("bench", runs, "cursor")
        with state.transaction():  # a plan stored, as after a first sync
            level = config.settings().starting_level
            before = state.planner_state(level)
            plan, _ = compute_plan(config, state, TODAY, [])
            save_plan(state, TODAY, plan, before, level)
        state.close()
        page = CheckinPage(config, "bench-page-token", today=lambda: TODAY)

        def view() -> object:
            answer = page.get()
            assert answer.status == 200
            return answer

        def check_in() -> object:
            form = {"csrf": [page.csrf.issue()], "feeling": ["fine"], "note": ["bench"]}
            answer = page.post("checkin", form)
            assert answer.status == 303
            return answer

        viewed = best_of(view, repeat=1 if quick else 5)
        recorded = best_of(check_in, repeat=1 if quick else 5)
    what = f"{len(runs):,} runs"
    return [
        Row("page", f"check-in page: one view ({what})", f"{viewed * 1000:,.0f} ms",
            note="plan from the stored facts and render; goal: well under 1 s"),
        Row("page", f"check-in page: one check-in ({what})", f"{recorded * 1000:,.0f} ms",
            note="CSRF check, sync lock, record and re-plan in one transaction"),
    ]  # fmt: skip
