"""Planner: a full re-plan over five years of history (about 1,500 runs).

There is no alternative to compare with (no other tool plans hamstring sessions); the figure
to hold it against is the daemon's tick: a re-plan must cost a small part of a second.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from benchmarks.table import Row, best_of

TZ = ZoneInfo("Europe/Zurich")
TODAY = date(2026, 11, 25)


def history(runs: int = 1500, years: int = 5, seed: int = 5) -> list[object]:
    """``runs`` runs spread over ``years`` years before TODAY: road, hills, long trails."""
    from planner.models import Run, Sport

    rng = random.Random(seed)
    first = TODAY - timedelta(days=365 * years)
    step = 365 * years / runs
    out: list[object] = []
    for i in range(runs):
        day = first + timedelta(days=int(i * step))
        start = datetime(day.year, day.month, day.day, 7 + i % 10, tzinfo=TZ)
        kind = rng.choice(["road", "road", "hills", "trail"])
        km = {"road": 10.0, "hills": 12.0, "trail": 22.0}[kind] * rng.uniform(0.8, 1.3)
        climb = {"road": 60.0, "hills": 650.0, "trail": 1200.0}[kind] * rng.uniform(0.6, 1.4)
        minutes = km * (5.5 if kind == "road" else 8.0)
        out.append(
            Run(
                id=f"bench:{i}",
                sources=(f"bench:{i}",),
                start=start,
                sport=Sport.TRAIL_RUN if kind == "trail" else Sport.RUN,
                distance_m=km * 1000,
                moving_s=minutes * 60,
                elapsed_s=minutes * 60 + 300,
                ascent_m=climb,
                descent_m=climb,
                descent_from="device",
                platform_trail=kind == "trail",
            )
        )
    return out


def rows(quick: bool = False) -> list[Row]:
    from planner.models import PlannerState, Run
    from planner.plan import plan
    from planner.settings import Settings

    runs = [r for r in history(150 if quick else 1500, 1 if quick else 5) if isinstance(r, Run)]
    settings = Settings()

    def replan() -> object:
        return plan(runs, (), (), (), PlannerState(), settings, TODAY, TZ)

    seconds = best_of(replan, repeat=1 if quick else 3)
    return [
        Row(
            "planner",
            f"full re-plan over {len(runs):,} runs",
            f"{seconds * 1000:,.0f} ms",
            note="no alternative exists; budget: well under a daemon tick",
        )
    ]
