"""The Google sections of the config: the commented example is valid, mistakes are named,
and the scopes asked at sign-in are the narrowest the config needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connectors.google.auth import APP_CREATED, CALENDAR_LIST, EVENTS, EVENTS_READONLY
from sync.config.model import ConfigError, load_config
from sync.wiring.google import scopes_for

REPO = Path(__file__).resolve().parents[2]


def example_google_block() -> str:
    """The commented Google example of config.example.toml, uncommented."""
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    block = text[text.index("# [google]") : text.index("# Garmin Connect.")]
    return re.sub(r"^# ?", "", block, flags=re.MULTILINE)


def test_the_commented_example_is_a_valid_config(tmp_path: Path) -> None:
    """Uncommented, the example loads: a sink by name and a look-ahead calendar."""
    path = tmp_path / "config.toml"
    path.write_text(f'state_dir = "{tmp_path}"\n' + example_google_block(), encoding="utf-8")
    config = load_config(path)
    assert config.google is not None and config.google.client_id.endswith(".com")
    assert config.sinks.google is not None and config.sinks.google.calendar == "Training"
    assert config.upcoming.google is not None and config.upcoming.google.calendar == "Races"
    assert scopes_for(config) == (EVENTS, CALENDAR_LIST)


def test_a_google_calendar_needs_the_client(tmp_path: Path) -> None:
    """[sinks.google] without [google]: an error that says what to add."""
    path = tmp_path / "config.toml"
    path.write_text('[sinks.google]\ncalendar = "Training"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"need \[google\] with the client_id"):
        load_config(path)


@pytest.mark.parametrize(
    ("sections", "scopes"),
    [
        ('[sinks.google]\ncalendar = "primary"\n', (EVENTS,)),
        ('[sinks.google]\ncalendar = "Strength"\ncreate = true\n', (APP_CREATED, CALENDAR_LIST)),
        ('[upcoming.google]\ncalendar = "x@group.calendar.google.com"\n', (EVENTS_READONLY,)),
        (
            '[sinks.google]\ncalendar = "S"\ncreate = true\n[upcoming.google]\ncalendar = "R"\n',
            (APP_CREATED, EVENTS_READONLY, CALENDAR_LIST),
        ),
    ],
)
def test_scopes_are_the_narrowest_that_work(
    tmp_path: Path, sections: str, scopes: tuple[str, ...]
) -> None:
    """Only calendar.events when writing; calendar.app.created when hamsync creates the
    calendar; read-only for a look-ahead alone; the calendar list only to find a name."""
    path = tmp_path / "config.toml"
    path.write_text('[google]\nclient_id = "1-x.apps.googleusercontent.com"\n' + sections)
    assert scopes_for(load_config(path)) == scopes
