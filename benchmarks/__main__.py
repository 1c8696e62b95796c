"""``python -m benchmarks [--quick]``: run every benchmark and print the results table."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import (
    api_requests,
    calendar_bench,
    corpus,
    descent,
    files,
    memory,
    page_bench,
    plan_bench,
    startup,
    state_bench,
)
from benchmarks.table import Row, render


def machine() -> str:
    """nproc, CPU model and Python version, for the README's record."""
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run on a few files")
    parser.add_argument("--runs", type=int, default=1000, help="generated runs (default 1000)")
    args = parser.parse_args(argv)
    quick: bool = args.quick
    runs = 20 if quick else args.runs
    rows: list[Row] = []

    def section(name: str, work: Callable[[], list[Row]]) -> None:
        start = time.perf_counter()
        print(f"... {name}", file=sys.stderr, flush=True)
        rows.extend(work())
        print(f"    {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)

    real = corpus.shared(quick)
    section("import: shared real files", lambda: files.rows("real files", real, 1, quick))
    with tempfile.TemporaryDirectory(prefix="hamsync-bench-") as tmp:
        print(f"... generating {runs} runs", file=sys.stderr, flush=True)
        made = corpus.generate(Path(tmp), runs, exports=min(100, runs))
        every = max(1, runs // 100)
        section(
            "import: generated runs",
            lambda: files.rows("generated runs", made, every, quick),
        )
    section("descent", lambda: descent.rows(real))
    with tempfile.TemporaryDirectory(prefix="hamsync-bench-") as tmp:
        section("memory", lambda: memory.rows(Path(tmp), quick))
    section("requests", api_requests.rows)
    section("planner", lambda: plan_bench.rows(quick))
    section("state", lambda: state_bench.rows(quick))
    section("page", lambda: page_bench.rows(quick))
    section("calendar", lambda: calendar_bench.rows(quick))
    section("start-up", lambda: startup.rows(quick))
    print(f"Machine: {machine()}\n")
    print(render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
