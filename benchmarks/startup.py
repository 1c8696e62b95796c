"""Start-up and footprint: ``hamsync --help``, an idle ``hamsync sync``, the daemon's memory.

Each command runs in a fresh process, as a user or cron starts it. ``python -X importtime``
then says which libraries the start-up pays for.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import ROOT
from benchmarks.table import Row

BIN = Path(sys.executable).parent
HEAVY = ("stravalib", "garminconnect", "caldav", "icalendar", "gpxpy", "rich", "pydantic", "typer")

_DAEMON = """
import resource, sys, time_machine
from datetime import UTC, datetime
from pathlib import Path
from sync.config.model import load_config
from sync.engine.daemon import Daemon

def rss_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

config = load_config(Path(sys.argv[1]))
with time_machine.travel(datetime(2026, 11, 25, 6, tzinfo=UTC), tick=False) as traveller:
    daemon = Daemon(config, sleep=traveller.shift)
    daemon.run(max_ticks=10)
    before = rss_kb()
    daemon.run(max_ticks=int(sys.argv[2]))
    print(before, rss_kb(), daemon.ticks, daemon.syncs)
"""


def _config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(
        'timezone = "Europe/Zurich"\n'
        f'state_dir = "{folder / "state"}"\n'
        "[sources.files]\n"
        f'path = "{ROOT / "examples" / "activities"}"\n'
        "relative_to_today = true\n"
        "[sinks.ics]\n"
        f'path = "{folder / "hamsync.ics"}"\n'
    )
    return path


def _wall(argv: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def _interleaved(first: list[str], second: list[str], repeat: int) -> tuple[float, float]:
    """Best wall times of two commands run in turn, so that both meet the same load."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, argv in enumerate((first, second)):
            best[i] = min(best[i], _wall(argv, 1))
    return best[0], best[1]


def import_costs() -> dict[str, float]:
    """Cumulative import time (ms) of the heavy libraries when the CLI module loads."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sync.cli"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    costs: dict[str, float] = {}
    total = 0.0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s+)(\S+)", line)
        if not match:
            continue
        micros, name = int(match[1]), match[3]
        if name in HEAVY:
            costs[name] = costs.get(name, 0.0) + micros / 1000
        if name == "sync.cli":
            total = micros / 1000
    costs["(all of sync.cli)"] = total
    return costs


def rows(quick: bool = False) -> list[Row]:
    repeat = 1 if quick else 3
    quick_repeat = 1 if quick else 15  # start-up is short and the machine shared: best of many
    out: list[Row] = []
    help_s, bare_s = _interleaved(
        [str(BIN / "hamsync"), "--help"], [sys.executable, "-c", "import typer, rich"],
        quick_repeat,
    )  # fmt: skip
    costs = import_costs()
    heavy = ", ".join(
        f"{k} {v:.0f} ms" for k, v in sorted(costs.items(), key=lambda kv: -kv[1]) if v >= 20
    )
    out.append(Row("start-up", "hamsync --help (wall)", f"{help_s * 1000:,.0f} ms", note=heavy))
    out.append(
        Row(
            "start-up",
            "hamsync --help against a bare `import typer, rich` (wall)",
            f"{help_s * 1000:,.0f} ms",
            f"import typer, rich: {bare_s * 1000:,.0f} ms",
            f"x{help_s / bare_s:.2f}",
            note="goal: at most x2 (issue 16); best of each",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp))
        argv = [str(BIN / "hamsync"), "sync", "--config", str(config)]
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)  # the first sync
        idle_s = _wall(argv, repeat)
        out.append(
            Row("start-up", "idle hamsync sync (wall, nothing new)", f"{idle_s * 1000:,.0f} ms")
        )
        if (ROOT / "sync" / "engine" / "daemon.py").is_file():
            ticks = 100 if quick else 1000
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            done = subprocess.run(
                [sys.executable, "-c", _DAEMON, str(config), str(ticks)],
                check=True, capture_output=True, text=True, cwd=ROOT, env=env,
            )  # fmt: skip
            before, after, ran, syncs = (int(x) for x in done.stdout.split()[-4:])
            out.append(
                Row(
                    "footprint",
                    f"daemon resident memory after {ran:,} ticks ({syncs} idle syncs)",
                    f"{after / 1024:,.1f} MB",
                    note=f"{(after - before) / 1024:+.1f} MB since tick 10",
                )
            )
        else:
            note = "no sync/engine/daemon.py yet"
            out.append(Row("footprint", "daemon memory", "n/a", note=note))
    return out
