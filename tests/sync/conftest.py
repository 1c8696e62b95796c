"""Fixtures for the sync tests: a config in a temporary folder that reads the samples."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "examples" / "activities"

WriteConfig = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """Write a config into tmp_path: state, calendar and activities all live there."""

    def write(
        activities: Path | None = None,
        upcoming: Path | None = None,
        level: int = 3,
        extra: str = "",
        relative_to_today: bool = False,
    ) -> Path:
        folder = activities if activities is not None else SAMPLES
        lines = [
            'timezone = "Europe/Zurich"',
            f'state_dir = "{tmp_path / "state"}"',
            "[athlete]",
            'long_run_days = ["sat"]',
            f"starting_level = {level}",
            "[sources.files]",
            f'path = "{folder}"',
            f"relative_to_today = {str(relative_to_today).lower()}",
        ]
        if upcoming is not None:
            lines += ["[upcoming]", f'ics = "{upcoming}"']
        lines += ["[sinks.ics]", f'path = "{tmp_path / "out" / "hamsync.ics"}"']
        path = tmp_path / "config.toml"
        path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
        return path

    return write
