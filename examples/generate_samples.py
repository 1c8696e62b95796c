"""Write the sample activities of ``examples/activities`` (deterministic: a fixed seed).

Four ISO weeks ending Sunday 2026-11-22 of a trail runner: hill repeats on Tuesdays, an easy
road run on Thursdays, a long trail on Saturdays (one with more than 1,000 m of descent) and one
hike. Mostly FIT (written by ``fit_writer``), one GPX and one TCX. Records every 5 s, with a
little barometer-like noise; the FIT session totals are the climb and descent of the smooth
profile, as a good barometric watch would report them.

Run: ``.venv/bin/python examples/generate_samples.py``
"""

from __future__ import annotations

import itertools
import math
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_writer import Activity, Point, write_fit

OUT = Path(__file__).resolve().parent / "activities"
TZ = ZoneInfo("Europe/Zurich")
SEED = 20261122
STEP_S = 5
HOME = (46.62, 8.04)  # a made-up valley start point in the Alps

Leg = tuple[float, float]
"""A stretch of the route: (horizontal metres, height change in metres)."""


@dataclass(frozen=True, slots=True)
class Plan:
    file: str
    local_start: datetime
    kind: str  # "road", "hills", "trail", "hike"
    legs: list[Leg]
    name: str
    pause_s: int = 0


def easy_road(km: float) -> list[Leg]:
    """Gently rolling: 500 m stretches rising or falling a few metres."""
    legs: list[Leg] = []
    for i in range(int(km * 2)):
        legs.append((500.0, 4.0 * math.sin(i * 1.3)))
    return legs


def hill_repeats(reps: int, metres: float = 400.0, grade: float = 0.12) -> list[Leg]:
    legs: list[Leg] = [(2000.0, 5.0)]
    for _ in range(reps):
        legs += [(metres, metres * grade), (metres, -metres * grade)]
    return [*legs, (2000.0, -5.0)]


def mountain(climbs: list[tuple[float, float]]) -> list[Leg]:
    """A trail of (climb metres, horizontal km) climbs each followed by the same descent."""
    legs: list[Leg] = [(1000.0, 10.0)]
    for height, km in climbs:
        legs += [(km * 1000 * 0.55, height), (300.0, 0.0), (km * 1000 * 0.45, -height)]
    return [*legs, (1000.0, -10.0)]


def week_plans() -> list[Plan]:
    plans: list[Plan] = []
    monday = datetime(2026, 10, 26, tzinfo=TZ)
    trails = [
        [(350.0, 5.0), (320.0, 4.5)],  # ~670 m
        [(480.0, 6.0), (300.0, 4.0)],  # ~780 m
        [(290.0, 4.4), (260.0, 3.9)],  # ~550 m
        [(620.0, 6.5), (440.0, 5.0)],  # ~1,060 m: the very heavy one
    ]
    for week in range(4):
        mon = monday + timedelta(weeks=week)
        iso = mon.isocalendar()
        tag = f"{iso.year}-W{iso.week:02d}"
        road_fmt = {1: "tcx", 2: "gpx"}.get(week, "fit")
        plans += [
            Plan(
                f"{tag}/{tag}-tue-hills.fit",
                mon + timedelta(days=1, hours=18, minutes=15),
                "hills",
                hill_repeats(8 + week % 2 * 2),
                "Hill repeats",
            ),
            Plan(
                f"{tag}/{tag}-thu-easy.{road_fmt}",
                mon + timedelta(days=3, hours=7, minutes=5),
                "road",
                easy_road(8 + week % 3),
                "Easy road run",
            ),
            Plan(
                f"{tag}/{tag}-sat-long-trail.fit",
                mon + timedelta(days=5, hours=8, minutes=30),
                "trail",
                mountain(trails[week]),
                "Long trail",
                pause_s=180,
            ),
        ]
    hike_day = monday + timedelta(weeks=2, days=6, hours=10)
    hike = mountain([(600.0, 5.0)])
    plans.append(Plan("2026-W46/2026-W46-sun-hike.fit", hike_day, "hike", hike, "Hike"))
    return plans


def speed(kind: str, grade: float, rng: random.Random) -> float:
    """Metres per second on a grade: slower uphill, a little faster on moderate downhill."""
    base = {"road": 3.1, "hills": 3.3, "trail": 2.9, "hike": 1.35}[kind]
    if grade > 0:
        v = base / (1 + 9 * grade)
    else:
        v = base * (1 + 1.5 * min(-grade, 0.08)) / (1 + 3 * max(0.0, -grade - 0.08))
    return max(0.5, v * rng.uniform(0.95, 1.05))


def simulate(plan: Plan, rng: random.Random) -> tuple[list[Point], float, int, int]:
    """Points every STEP_S seconds, timer seconds, and the smooth profile's ascent/descent."""
    start = plan.local_start.astimezone(UTC)
    base_alt = 620.0 if plan.kind in ("road", "hills") else 1040.0
    lat, lon = HOME
    heading = rng.uniform(0, 2 * math.pi)
    t = 0.0
    dist = 0.0
    alt = base_alt
    points = [Point(start, lat, lon, 0.0, round(alt * 5) / 5)]
    ascent = descent = 0.0
    paused = False
    drift = 0.0
    for length, rise in plan.legs:
        grade = rise / length
        done = 0.0
        while done < length:
            step = min(speed(plan.kind, grade, rng) * STEP_S, length - done)
            done += step
            dist += step
            new_alt = alt + grade * step
            ascent += max(0.0, new_alt - alt)
            descent += max(0.0, alt - new_alt)
            alt = new_alt
            t += STEP_S
            if plan.pause_s and not paused and dist > 0.6 * sum(x for x, _ in plan.legs):
                t += plan.pause_s  # a stop at a summit fountain: the timer is paused
                paused = True
            heading += rng.gauss(0, 0.15)
            lat += step * math.cos(heading) / 111_320
            lon += step * math.sin(heading) / (111_320 * math.cos(math.radians(lat)))
            drift = 0.9 * drift + rng.gauss(0, 0.12)
            noisy = round((alt + drift + rng.gauss(0, 0.15)) * 5) / 5  # 0.2 m steps
            points.append(Point(start + timedelta(seconds=t), lat, lon, round(dist, 2), noisy))
    timer = t - (plan.pause_s if paused else 0)
    return points, timer, round(ascent), round(descent)


def write_gpx(path: Path, plan: Plan, points: list[Point]) -> None:
    rows = "\n".join(
        f'      <trkpt lat="{p.lat:.6f}" lon="{p.lon:.6f}"><ele>{p.altitude_m:.1f}</ele>'
        f"<time>{p.time:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for p in points
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="hamsync examples" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <trk>\n    <name>{escape(plan.name)}</name>\n    <type>running</type>\n"
        f"    <trkseg>\n{rows}\n    </trkseg>\n  </trk>\n</gpx>\n",
        encoding="utf-8",
    )


def write_tcx(path: Path, plan: Plan, points: list[Point], timer: float) -> None:
    ns = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    start = f"{points[0].time:%Y-%m-%dT%H:%M:%SZ}"
    rows = "\n".join(
        f"          <Trackpoint><Time>{p.time:%Y-%m-%dT%H:%M:%SZ}</Time>"
        f"<AltitudeMeters>{p.altitude_m:.1f}</AltitudeMeters>"
        f"<DistanceMeters>{p.distance_m:.1f}</DistanceMeters></Trackpoint>"
        for p in points
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{ns}">\n  <Activities>\n'
        f'    <Activity Sport="Running">\n      <Id>{start}</Id>\n'
        f'      <Lap StartTime="{start}">\n'
        f"        <TotalTimeSeconds>{timer:.0f}</TotalTimeSeconds>\n"
        f"        <DistanceMeters>{points[-1].distance_m:.1f}</DistanceMeters>\n"
        f"        <Intensity>Active</Intensity>\n        <TriggerMethod>Manual</TriggerMethod>\n"
        f"        <Track>\n{rows}\n        </Track>\n      </Lap>\n"
        f"      <Notes>{escape(plan.name)}</Notes>\n    </Activity>\n"
        "  </Activities>\n</TrainingCenterDatabase>\n",
        encoding="utf-8",
    )


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 (sample data, not secrets)
    for old in OUT.rglob("*"):
        if old.is_file() and old.suffix.lower() in (".fit", ".gpx", ".tcx"):
            old.unlink()
    for plan in week_plans():
        points, timer, ascent, descent = simulate(plan, rng)
        path = OUT / plan.file
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".gpx":
            write_gpx(path, plan, points)
        elif path.suffix == ".tcx":
            write_tcx(path, plan, points, timer)
        else:
            sport, sub = {
                "road": ("running", "street"),
                "hills": ("running", "generic"),
                "trail": ("running", "trail"),
                "hike": ("hiking", "generic"),
            }[plan.kind]
            pause: tuple[tuple[datetime, datetime], ...] = ()
            if plan.pause_s:
                stop = next(
                    p.time
                    for p, q in itertools.pairwise(points)
                    if (q.time - p.time).total_seconds() > STEP_S
                )
                pause = ((stop, stop + timedelta(seconds=plan.pause_s)),)
            activity = Activity(sport, sub, points, timer, ascent, descent, pause)
            write_fit(path, activity)
        minutes = (points[-1].time - points[0].time).total_seconds() / 60
        print(
            f"{plan.file:40} {points[-1].distance_m / 1000:5.1f} km {minutes:4.0f} min "
            f"+{ascent}/-{descent} m  {path.stat().st_size // 1024} KB"
        )


if __name__ == "__main__":
    main()
