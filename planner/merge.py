"""One run however many platforms saw it (DESIGN.md, step 2 "Merge").

Garmin auto-uploads to Strava, and a runner may also keep the FIT file: the same run then
arrives two or three times. Two records are the same run when they start within a few
minutes of each other and their distances agree; the merged record keeps every source id
and the richer figures (device descent over computed over summary; streams over none), but
never those of a broken copy: one whose duration is zero or whose moving time exceeds its
elapsed time loses to any sound one (issue 13: a GPX copy with every point at one time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .models import Run

SAME_START_S = 5 * 60  # hamsync default: clocks and auto-pause differ by seconds, not minutes
SAME_DISTANCE_RATIO = 0.10  # hamsync default: GPS smoothing differs by a few percent

_DESCENT_RANK = {"device": 3, "computed": 2, "summary": 1, "none": 0}


def same_run(a: Run, b: Run) -> bool:
    if abs((a.start - b.start).total_seconds()) > SAME_START_S:
        return False
    longest = max(a.distance_m, b.distance_m)
    if longest <= 0:
        return True
    return abs(a.distance_m - b.distance_m) / longest <= SAME_DISTANCE_RATIO


def find_same_run(run: Run, candidates: Iterable[Run]) -> Run | None:
    """The stored run that ``run`` duplicates, if any (never one that shares no source)."""
    for other in candidates:
        if other.id != run.id and same_run(run, other):
            return other
    return None


def merge(kept: Run, incoming: Run) -> Run:
    """``kept`` (whose id stays) with ``incoming``'s sources; on equal richness the newer wins."""
    sources = tuple(sorted(set(kept.sources) | set(incoming.sources)))
    richer = incoming if _richness(incoming) >= _richness(kept) else kept
    return replace(
        richer,
        id=kept.id,
        sources=sources,
        name=kept.name or incoming.name,
        platform_trail=kept.platform_trail or incoming.platform_trail,
        terrain=richer.terrain or kept.terrain or incoming.terrain,
    )


def _richness(run: Run) -> tuple[int, int, int]:
    sound = run.elapsed_s > 0 and run.moving_s <= run.elapsed_s
    return (int(sound), _DESCENT_RANK[run.descent_from], 1 if run.terrain is not None else 0)
