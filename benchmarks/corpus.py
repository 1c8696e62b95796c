"""The files the import benchmarks read: the shared real files and a generated year of runs.

The generated runs come from the project's own sample generator (``examples/``), one every
1.75 days with a mix of road runs, hill sessions, mountain trails and hikes, as FIT files the
way a watch writes them (a record every 5 s, device totals in the session). GPX and TCX copies
of the first hundred are written too: those formats are exports, not a watch's daily output.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "testdata" / "activities"
EXAMPLES = ROOT / "examples"
SEED = 8


@dataclass(frozen=True, slots=True)
class Corpus:
    """Activity files by format."""

    fit: list[Path]
    gpx: list[Path]
    tcx: list[Path]

    def sample(self, every: int) -> Corpus:
        return Corpus(self.fit[::every], self.gpx[::every], self.tcx[::every])


def shared(quick: bool = False) -> Corpus:
    """The real files of ``../shared/testdata/activities`` (two per format with ``quick``)."""
    if not SHARED.is_dir():
        raise SystemExit(f"no real activity files at {SHARED}")
    take = 2 if quick else None
    return Corpus(
        sorted(SHARED.glob("*.fit"))[:take],
        sorted(SHARED.glob("*.gpx"))[:take],
        sorted(SHARED.glob("*.tcx"))[:take],
    )


def generate(folder: Path, runs: int, exports: int = 100) -> Corpus:
    """Write ``runs`` FIT files (and GPX/TCX copies of the first ``exports``) into ``folder``."""
    sys.path.insert(0, str(EXAMPLES))
    import generate_samples as gen
    from fit_writer import Activity, write_fit

    rng = random.Random(SEED)
    tz = ZoneInfo("Europe/Zurich")
    first = datetime(2021, 1, 4, 7, 0, tzinfo=tz)
    out = Corpus([], [], [])
    for i in range(runs):
        kind = rng.choice(["road", "road", "hills", "trail", "trail", "hike"])
        legs = {
            "road": lambda: gen.easy_road(rng.uniform(6, 14)),
            "hills": lambda: gen.hill_repeats(rng.randint(4, 8)),
            "trail": lambda: gen.mountain([(rng.uniform(200, 700), rng.uniform(3, 7))]),
            "hike": lambda: gen.mountain([(rng.uniform(400, 900), rng.uniform(4, 6))]),
        }[kind]()
        start = first + timedelta(days=1.75 * i)
        plan = gen.Plan(f"run-{i:04d}", start, kind, legs, f"{kind} {i}")
        points, timer, ascent, descent = gen.simulate(plan, rng)
        sport, sub = {
            "road": ("running", "street"),
            "hills": ("running", "generic"),
            "trail": ("running", "trail"),
            "hike": ("hiking", "generic"),
        }[kind]
        path = folder / f"{plan.file}.fit"
        write_fit(path, Activity(sport, sub, points, timer, ascent, descent))
        out.fit.append(path)
        if i < exports:
            gpx, tcx = folder / f"{plan.file}.gpx", folder / f"{plan.file}.tcx"
            gen.write_gpx(gpx, plan, points)
            gen.write_tcx(tcx, plan, points, timer)
            out.gpx.append(gpx)
            out.tcx.append(tcx)
    return out
