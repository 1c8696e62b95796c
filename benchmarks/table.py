"""Timing helpers and the results table."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: what was measured, hamsync's figure, the alternative's."""

    section: str
    what: str
    hamsync: str
    other: str = ""
    ratio: str = ""
    note: str = ""


def per_second[T](items: Sequence[T], work: Callable[[T], object], min_s: float = 0.0) -> float:
    """Items handled per second by ``work`` over all of ``items`` (repeated to ``min_s``)."""
    done = 0
    start = time.perf_counter()
    while True:
        for item in items:
            work(item)
        done += len(items)
        elapsed = time.perf_counter() - start
        if elapsed >= min_s:
            return done / elapsed


def best_of(work: Callable[[], object], repeat: int = 3) -> float:
    """The shortest wall time of ``repeat`` runs of ``work``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def ratio(ours: float, theirs: float) -> str:
    """How many times better hamsync's rate is (``x0.8`` means slower)."""
    return f"x{ours / theirs:.1f}" if theirs else ""


def render(rows: Sequence[Row]) -> str:
    """A Markdown table (readable in a terminal and pasteable into the README)."""
    head = ("section", "measure", "hamsync", "alternative", "ratio", "note")
    body = [(r.section, r.what, r.hamsync, r.other, r.ratio, r.note) for r in rows]
    widths = [max(len(str(line[i])) for line in [head, *body]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), sep, *(line(b) for b in body)])
