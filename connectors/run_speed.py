"""The fastest average speed a runner holds over a distance: the limit for plausibility.

World records fall with distance along Riegel's endurance curve, time = t1 * (d / d1) ** 1.06
(Peter Riegel, "Athletic Records and Human Endurance", American Scientist 69, 1981). Anchored
on the marathon record, 2:00:35 (Kelvin Kiptum, Chicago, 8 October 2023: 21.0 km/h), the
curve gives the other records within one percent: 5,000 m 23.9 km/h (record 12:35.36, 23.8;
Joshua Cheptegei 2020), 10,000 m 22.9 km/h (26:11.00, 22.9; Cheptegei 2020), half marathon
21.9 km/h (57:30, 22.0; Yomif Kejelcha 2024), one hour 21.3 km/h (21,330 m; Mo Farah 2020).

A file is measured by GPS, and over moving time: :data:`MARGIN` allows for GPS tracks that
run long (a few percent on open roads, up to about 10 % under trees and between buildings)
and for downhill courses, which have never beaten record pace on a record-eligible course
(Boston 2011, 2:03:02, 136 m net drop) but come close.
"""

from __future__ import annotations

MARATHON_M = 42_195.0
RECORD_MARATHON_S = 2 * 3600 + 35.0
"""Kelvin Kiptum's 2:00:35 (Chicago 2023, ratified by World Athletics in 2024)."""
RIEGEL_EXPONENT = 1.06
"""Riegel (1981): time grows with distance to the power 1.06 over 1.5 km to the marathon."""
MARGIN = 1.15  # hamsync default
"""Allowance over record pace for GPS error and downhill (see the module docstring)."""
SHORTEST_M = 1_000.0
"""Below this no limit applies: a few GPS jumps make any short file look fast."""


def fastest_ms(distance_m: float) -> float:
    """The fastest plausible average speed (m/s) over ``distance_m`` metres (> 0).

    About 30 km/h over 1 km, 27.5 over 5 km, 25.2 over a half marathon, 24.1 over a marathon,
    23.5 over 69 km.
    """
    record_ms = MARATHON_M / RECORD_MARATHON_S
    ratio: float = (max(distance_m, SHORTEST_M) / MARATHON_M) ** (1 - RIEGEL_EXPONENT)
    return MARGIN * record_ms * ratio
