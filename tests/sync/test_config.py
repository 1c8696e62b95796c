"""The config file: the example parses, and every mistake names the file and the key or line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config.model import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]


def test_example_config_parses_and_resolves_paths_next_to_it() -> None:
    """config.example.toml is valid and its relative paths point into the repository."""
    config = load_config(REPO / "config.example.toml")
    assert config.sources.files is not None
    assert config.sources.files.path == REPO / "examples" / "activities"
    assert config.sinks.ics is not None
    assert config.sinks.ics.path == REPO / "hamsync.ics"
    assert config.state_dir == REPO / "demo-state"
    assert config.settings().long_run_days == (5,)


def test_broken_toml_line_names_file_and_line(tmp_path: Path) -> None:
    """A syntax error says which file and which line."""
    path = tmp_path / "config.toml"
    path.write_text('timezone = "UTC"\n[athlete]\nlong_run_days = ["sat"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    message = str(excinfo.value)
    assert str(path) in message
    assert "line 3" in message


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('timezone = "Mars/Olympus"\n', "timezone"),
        ('[athlete]\nlong_run_days = ["saturday"]\n', "athlete.long_run_days.0"),
        ("[athlete]\nstarting_level = 12\n", "athlete.starting_level"),
        ('[athlete]\nsession_time = "late"\n', "athlete.session_time"),
        ("[sinks.ics]\npaht = 'x.ics'\n", "sinks.ics.paht"),
        ("[rules]\nheavy_descent = 400\n", "rules.heavy_descent"),
    ],
)
def test_invalid_value_names_the_key(tmp_path: Path, body: str, key: str) -> None:
    """A wrong value or a misspelt key is reported with its dotted key."""
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert key in str(excinfo.value)
    assert str(path) in str(excinfo.value)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    """A config that does not exist is named, with the fix."""
    with pytest.raises(ConfigError, match=r"config\.example\.toml"):
        load_config(tmp_path / "nope.toml")


def test_rule_overrides_reach_the_planner_settings(tmp_path: Path) -> None:
    """A [rules] override changes the number the planner uses; others keep their default."""
    path = tmp_path / "config.toml"
    path.write_text("[rules]\nheavy_descent_m = 400\n", encoding="utf-8")
    settings = load_config(path).settings()
    assert settings.rules.heavy_descent_m == 400
    assert settings.rules.very_heavy_descent_m == 1000


def test_broken_line_in_the_middle_names_that_line(tmp_path: Path) -> None:
    """A bad value on line 2 is reported at line 2, not at the end."""
    path = tmp_path / "config.toml"
    path.write_text('timezone = "UTC"\nstate_dir = nowhere\n[athlete]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_config(path)


def test_calendar_word_lists_can_be_set_in_any_language(tmp_path: Path) -> None:
    """[upcoming] word lists replace the English defaults: a French calendar is read."""
    from planner.classify import classify_event

    path = tmp_path / "config.toml"
    path.write_text(
        '[upcoming]\nrun_words = ["course", "trail"]\nlong_words = ["longue"]\n'
        'race_words = ["Compétition"]\n',
        encoding="utf-8",
    )
    settings = load_config(path).settings()
    event = classify_event("Sortie longue course", 3600, None, False, False, settings)
    assert event.is_run and event.long and not event.race
    race = classify_event("Trail compétition", 3600, None, False, False, settings)
    assert race.is_run and race.race
    assert not classify_event("Long run", 3600, None, False, False, settings).is_run
    defaults = load_config(REPO / "config.example.toml").settings()
    assert classify_event("Long run", 3600, None, False, False, defaults).long
