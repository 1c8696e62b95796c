"""Peak memory of reading one long GPX or TCX file: hamsync's streaming readers against a
whole-document parse (``gpxpy.parse``, the standard library's ``ElementTree.parse``).

The file is the 30-hour ultra of the field case ``ultra-tcx-size-limit`` (1 Hz, Garmin
Connect's TCX layout), and the same points as a GPX. Each reader runs in a fresh process; the
figure is the growth of its peak resident size once the libraries are loaded, against the
budget of 3x the file size plus 200 MB (issue 15).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.table import Row

_PROBE = """
import json, resource, sys
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
if kind == "hamsync":
    from connectors.files import FilesSource
    from zoneinfo import ZoneInfo
    from datetime import date
    read = lambda: FilesSource(path.parent, ZoneInfo("UTC")).pull(None, date(2026, 11, 30))
elif kind == "gpxpy":
    import gpxpy
    read = lambda: gpxpy.parse(path.open(encoding="utf-8"))
else:
    from xml.etree import ElementTree
    read = lambda: ElementTree.parse(path)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
read()
print(json.dumps((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * 1024))
"""


def _ultra_gpx(path: Path, hours: float) -> None:
    """The ultra's course (a 3 km loop, a 300 m sine per 30 min) as a GPX at 1 Hz."""
    t0 = datetime(2024, 8, 30, 16, tzinfo=UTC)
    with path.open("w") as out:
        out.write(
            '<?xml version="1.0"?><gpx version="1.1" creator="bench" '
            'xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk>'
        )
        out.write("<type>running</type><trkseg>\n")
        for i in range(int(hours * 3600)):
            a = 2 * math.pi * i / 2000
            when = (t0 + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.write(
                f'<trkpt lat="{45.9 + 0.0043 * math.sin(a):.7f}" '
                f'lon="{6.87 + 0.0062 * math.cos(a):.7f}">'
                f"<ele>{1500 + 150 * math.sin(2 * math.pi * i / 1800):.1f}</ele>"
                f"<time>{when}</time><extensions><gpxtpx:TrackPointExtension>"
                "<gpxtpx:hr>135</gpxtpx:hr><gpxtpx:cad>80</gpxtpx:cad>"
                "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            )
        out.write("</trkseg></trk></gpx>")


def _peak(kind: str, path: Path) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, kind, str(path)], capture_output=True, text=True, check=True
    )
    growth: int = json.loads(out.stdout)
    return growth


def rows(tmp: Path, quick: bool) -> list[Row]:
    hours = 2.0 if quick else 30.0
    generator = Path(__file__).resolve().parents[1].parent / "shared" / "cases"
    generator = generator / "ultra-tcx-size-limit" / "gen_tcx.py"
    out: list[Row] = []
    for fmt, other in (("tcx", "ElementTree.parse"), ("gpx", "gpxpy.parse")):
        folder = tmp / fmt
        folder.mkdir()
        path = folder / f"ultra.{fmt}"
        if fmt == "tcx":
            if not generator.is_file():
                continue
            subprocess.run([sys.executable, str(generator), str(hours), str(path)], check=True)
        else:
            _ultra_gpx(path, hours)
        size = path.stat().st_size
        ours = _peak("hamsync", path)
        theirs = _peak("gpxpy" if fmt == "gpx" else "etree", path)
        budget = 3 * size + 200 * 2**20
        out.append(
            Row(
                "memory",
                f"peak memory: {fmt.upper()}, {hours:.0f} h at 1 Hz ({size / 2**20:.0f} MB)",
                f"{ours / 2**20:,.0f} MB ({ours / size:.1f}x the file)",
                f"{other}: {theirs / 2**20:,.0f} MB ({theirs / size:.1f}x)",
                f"x{theirs / max(ours, 1):.1f}",
                f"budget 3x + 200 MB = {budget / 2**20:,.0f} MB",
            )
        )
    return out
