"""``hamsync runs --skipped``: every file a source skips and why, as a table or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from sync.store.skipped import SkippedFile


def skipped_json(items: Sequence[SkippedFile]) -> dict[str, Any]:
    """``{"skipped": [{"source", "file", "why", "quiet"}, ...]}`` (docs/json.md)."""
    return {
        "skipped": [
            {"source": s.source, "file": s.where, "why": s.why, "quiet": s.quiet} for s in items
        ]
    }


def skipped_table(items: Sequence[SkippedFile]) -> Table:
    """One row per skipped file; quiet ones (not warned about at sync) marked so."""
    table = Table(title=f"Skipped files ({len(items)})")
    table.add_column("source")
    table.add_column("file", overflow="fold")
    table.add_column("why", overflow="fold")
    for item in items:
        why = f"{item.why} (not warned)" if item.quiet else item.why
        table.add_row(item.source, item.where, why)
    return table
