"""Computed descent against the device's own totals, on the real FIT files of testdata."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from connectors.recording import Recording
from planner.models import Sport
from planner.terrain import measure

DecodeFit = Callable[[Path], list[Recording]]

MIN_DEVICE_DESCENT_M = 200.0
MAX_ERROR = 0.10
MAX_MEDIAN_ERROR = 0.03


@dataclass(frozen=True)
class Comparison:
    where: str
    device_m: float
    computed_m: float

    @property
    def error(self) -> float:
        return (self.computed_m - self.device_m) / self.device_m


@pytest.fixture(scope="session")
def comparisons(testdata_dir: Path, decode_fit: DecodeFit) -> list[Comparison]:
    out = []
    for path in sorted((testdata_dir / "activities").glob("*.fit")):
        for n, rec in enumerate(decode_fit(path), start=1):
            if rec.sport not in (Sport.RUN, Sport.TRAIL_RUN, Sport.HIKE):
                continue
            if rec.device_descent_m is None or rec.device_descent_m < MIN_DEVICE_DESCENT_M:
                continue
            terrain = measure(rec.altitudes, rec.distances)
            assert terrain is not None, f"{path.name} #{n}: no altitude"
            out.append(Comparison(f"{path.name} #{n}", rec.device_descent_m, terrain.descent_m))
    return out


def test_every_heavy_session_within_ten_percent(comparisons: list[Comparison]) -> None:
    """Each session with 200 m or more of device descent is measured within 10 % of it."""
    report = "\n".join(
        f"{c.where}: device {c.device_m:.0f} m, computed {c.computed_m:.0f} m ({c.error:+.1%})"
        for c in comparisons
    )
    print(report)
    assert len(comparisons) >= 5, "too few sessions to judge the measurement"
    bad = [c for c in comparisons if abs(c.error) > MAX_ERROR]
    assert not bad, report


def test_median_error_within_three_percent(comparisons: list[Comparison]) -> None:
    """Across those sessions the median error is 3 % or less."""
    assert statistics.median(abs(c.error) for c in comparisons) <= MAX_MEDIAN_ERROR
