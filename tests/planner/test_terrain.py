"""Unit tests of planner.terrain: spikes, hysteresis, longest and steep descent."""

from __future__ import annotations

import math
import random
import time

import pytest

from planner import terrain
from planner.terrain import measure


def ramp(start: float, end: float, steps: int) -> list[float]:
    return [start + (end - start) * i / steps for i in range(1, steps + 1)]


def test_too_few_points_gives_none() -> None:
    """Fewer than two usable altitudes give no terrain at all."""
    assert measure([]) is None
    assert measure([100.0]) is None
    assert measure([None, math.nan, 100.0, None]) is None


def test_missing_points_are_skipped() -> None:
    """None and NaN altitudes are dropped, the rest is measured."""
    alts: list[float | None] = [100.0, None, *ramp(100, 150, 50), math.nan, 150.0]
    t = measure(alts)
    assert t is not None
    assert t.ascent_m == pytest.approx(50, abs=1.5)
    assert t.descent_m == 0


def test_absurd_spike_is_removed() -> None:
    """A 10 km altitude spike in the middle of a flat run adds no climb."""
    alts = [500.0] * 50 + [10_500.0] + [500.0] * 50
    t = measure(alts)
    assert t is not None
    assert t.ascent_m == 0 and t.descent_m == 0


def test_short_glitch_is_removed() -> None:
    """A three-sample 87 m jump that comes back (a real fenix2 start) adds no descent."""
    alts = [55.0, 142.4, 142.4, 142.4, 56.0, *ramp(56, 36, 100)]
    t = measure(alts)
    assert t is not None
    assert t.ascent_m < 2
    assert t.descent_m == pytest.approx(20, abs=1.5)


def test_start_at_zero_is_removed() -> None:
    """A phone app writing 0 m until its first fix does not count a 700 m climb."""
    alts = [0.0] * 12 + [707.0] * 20 + ramp(707, 757, 100) + ramp(757, 707, 100)
    dists = [float(i) for i in range(len(alts))]
    t = measure(alts, dists)
    assert t is not None
    # the 5-point median rounds a sharp 1 m/sample turnaround off by up to 2 m
    assert t.ascent_m == pytest.approx(50, abs=3)
    assert t.descent_m == pytest.approx(50, abs=3)


def test_sparse_real_jumps_are_kept() -> None:
    """With distances, 30 m steps 300 m apart (a sparse GPX on a 10 % hill) are terrain."""
    alts = [100.0 + 30 * i for i in range(11)] + [400.0 - 30 * i for i in range(1, 11)]
    dists = [300.0 * i for i in range(len(alts))]
    t = measure(alts, dists)
    assert t is not None
    # the running median rounds off the summit by up to two steps; the rest is all counted
    assert 240 <= t.ascent_m <= 300
    assert 240 <= t.descent_m <= 300


def test_noise_on_the_flat_is_not_climb() -> None:
    """Barometer noise of +-0.4 m on a flat road adds (almost) no climb."""
    rng = random.Random(1)  # noqa: S311 (test data)
    alts = [400 + round(rng.uniform(-0.4, 0.4) * 5) / 5 for _ in range(3600)]
    t = measure(alts)
    assert t is not None
    assert t.ascent_m < 5 and t.descent_m < 5


def test_slow_steady_climb_is_counted() -> None:
    """A climb in 0.2 m steps (a barometer's resolution) is counted in full."""
    alts = [round(x * 5) / 5 for x in ramp(1000, 1300, 3000)]
    t = measure(alts)
    assert t is not None
    assert t.ascent_m == pytest.approx(300, rel=0.02)
    assert t.descent_m == 0


def test_hysteresis_ignores_moves_below_threshold() -> None:
    """Repeated rises and falls smaller than the hysteresis do not count."""
    half = terrain.HYSTERESIS_M * 0.4
    alts = [100 + (half if (i // 10) % 2 else 0.0) for i in range(400)]
    t = measure(alts)
    assert t is not None
    assert t.ascent_m == 0 and t.descent_m == 0


def test_longest_descent_breaks_on_a_real_climb() -> None:
    """A 20 m climb splits two descents; the longest is the larger of them."""
    alts = [1000.0, *ramp(1000, 700, 300), *ramp(700, 720, 40), *ramp(720, 620, 100)]
    t = measure(alts)
    assert t is not None
    assert t.longest_descent_m == pytest.approx(300, abs=3)
    assert t.descent_m == pytest.approx(400, abs=5)


def test_longest_descent_survives_small_bumps() -> None:
    """A 2 m bump inside a long descent does not split it."""
    alts = [1000.0, *ramp(1000, 700, 300), *ramp(700, 702, 6), *ramp(702, 600, 100)]
    t = measure(alts)
    assert t is not None
    assert t.longest_descent_m == pytest.approx(400, abs=2)


def test_steep_descent_needs_grades_over_ten_percent() -> None:
    """Of 50 m down at 5 % and 100 m down at 20 %, only the 100 m are steep."""
    gentle = ramp(1000, 950, 1000)  # 1 km at -5 %, a point per metre
    steep = ramp(950, 850, 500)  # 500 m at -20 %
    alts = [1000.0, *gentle, *steep]
    dists = [float(i) for i in range(len(alts))]
    t = measure(alts, dists)
    assert t is not None
    assert t.descent_m == pytest.approx(150, abs=2)
    assert t.steep_descent_m == pytest.approx(100, abs=5)
    assert t.descent_per_km == pytest.approx(100, abs=2)
    no_dist = measure(alts)
    assert no_dist is not None
    assert no_dist.steep_descent_m == 0 and no_dist.descent_per_km == 0


def test_linear_time() -> None:
    """Half a day of 1 Hz points is measured in well under a second."""
    rng = random.Random(2)  # noqa: S311 (test data)
    n = 45_000
    alts = [1000 + 300 * math.sin(i / 2000) + rng.gauss(0, 0.3) for i in range(n)]
    dists = [i * 3.0 for i in range(n)]
    began = time.perf_counter()
    assert measure(alts, dists) is not None
    assert time.perf_counter() - began < 1.5


def test_a_run_that_starts_and_ends_on_a_slope_keeps_both_ends() -> None:
    """The running median keeps the first and last altitude (no metre lost at either end)."""
    alts = [1000.0, *ramp(1000, 900, 100)]  # 1 m a point, straight down, 3 m apart
    t = measure(alts)
    assert t is not None
    assert t.descent_m == pytest.approx(100, abs=0.2)
    assert t.ascent_m == 0


def test_smoothing_can_be_chosen() -> None:
    """A 3 m bump counts with the default hysteresis and not with a 5 m one."""
    alts = [*ramp(100, 100, 50), *ramp(100, 103, 30), *ramp(103, 100, 30), *ramp(100, 100, 50)]
    default = measure(alts)
    coarse = measure(alts, None, terrain.Smoothing(hysteresis_m=5.0))
    assert default is not None and coarse is not None
    assert default.descent_m == pytest.approx(3, abs=0.5)
    assert coarse.descent_m == 0


@pytest.mark.parametrize(
    "wrong",
    [
        {"median_window": 4},
        {"median_window": 0},
        {"hysteresis_m": -1.0},
        {"turn_window_m": math.nan},
        {"turn_refine_m": -0.5},
    ],
)
def test_a_wrong_smoothing_is_refused(wrong: dict[str, float]) -> None:
    """An even or empty median window, a negative or NaN distance: ValueError naming it."""
    (name,) = wrong
    with pytest.raises(ValueError, match=name):
        terrain.Smoothing(**wrong)  # type: ignore[arg-type]
