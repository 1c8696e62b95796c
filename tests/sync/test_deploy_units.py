"""The systemd user units in ``deploy/`` work as written (issue 16).

``systemd-analyze --user verify`` checks them where it is installed; the rules it does not
check (a user manager cannot see the system's ``network-online.target``; ``Persistent=`` only
acts on ``OnCalendar=``; sandboxing that needs user namespaces; no restart loop on a config
error) are read from the files themselves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.cli import app

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNITS = ("hamsync.service", "hamsync-sync.service", "hamsync-sync.timer")
# Options that a per-user service manager can only honour with unprivileged user namespaces
# (systemd.exec(5): "PrivateUsers= is implicitly enabled"); many kernels turn these off.
NEEDS_USER_NAMESPACES = (
    "PrivateTmp",
    "PrivateDevices",
    "PrivateNetwork",
    "ProtectSystem",
    "ProtectHome",
    "ProtectKernelTunables",
    "ProtectControlGroups",
)


def _settings(name: str) -> dict[str, list[str]]:
    """Every ``Key=value`` of a unit file, values listed in order (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")) or "=" not in line:
            continue
        key, value = line.split("=", 1)
        found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)
def test_systemd_analyze_verifies_the_user_units(tmp_path: Path) -> None:
    """``systemd-analyze --user verify`` accepts the three units with no warning at all."""
    home = tmp_path / "home"
    command = home / ".local" / "bin" / "hamsync"  # where pipx puts it, as ExecStart= says
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\nexit 0\n")
    command.chmod(0o755)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    units = tmp_path / "units"
    units.mkdir()
    for name in UNITS:
        shutil.copy(DEPLOY / name, units / name)
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    done = subprocess.run(
        ["systemd-analyze", "--user", "verify", *(str(units / n) for n in UNITS)],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    if done.returncode != 0 and "Failed to initialize manager" in done.stderr:
        pytest.skip(f"systemd-analyze cannot start a user manager here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    ours = [line for line in done.stderr.splitlines() if "hamsync" in line]
    assert ours == []


def test_user_units_do_not_wait_for_the_systems_network_target() -> None:
    """No unit orders itself after, or pulls in, ``network-online.target``."""
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        settings = _settings(name)
        for key in ("After", "Wants", "Requires", "BindsTo"):
            assert not any("network" in v for v in settings.get(key, [])), (name, key)
        assert "network-online.target" not in "\n".join(
            line for line in text.splitlines() if not line.lstrip().startswith("#")
        )


def test_no_sandboxing_that_a_user_service_cannot_have() -> None:
    """``PrivateTmp=`` and its kin would make a user service fail where user namespaces are off."""
    for name in ("hamsync.service", "hamsync-sync.service"):
        settings = _settings(name)
        assert [k for k in NEEDS_USER_NAMESPACES if k in settings] == [], name
        assert settings["NoNewPrivileges"] == ["yes"] and settings["UMask"] == ["0077"]


def test_the_timer_catches_up_on_missed_runs_with_a_calendar_time() -> None:
    """``Persistent=true`` only acts on ``OnCalendar=``: the timer has one, every 30 minutes."""
    timer = _settings("hamsync-sync.timer")
    assert timer["Persistent"] == ["true"]
    assert timer["OnCalendar"] == ["*:00/30"]
    assert "OnUnitActiveSec" not in timer  # a monotonic timer would ignore Persistent=


def test_a_config_error_does_not_restart_the_daemon_forever(tmp_path: Path) -> None:
    """The daemon's exit code for a bad config is one the unit does not restart on."""
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Europe/Zurich"\n[daemon]\ninterval_minutes = 0\n')
    result = CliRunner().invoke(app, ["daemon", "--config", str(config)])
    assert result.exit_code == 2
    assert "daemon.interval_minutes" in result.output
    service = _settings("hamsync.service")
    assert service["Restart"] == ["on-failure"]
    prevented = {int(code) for v in service["RestartPreventExitStatus"] for code in v.split()}
    assert result.exit_code in prevented
    burst = int(service["StartLimitBurst"][0])
    assert 1 <= burst <= 10 and int(service["StartLimitIntervalSec"][0]) >= 60 * burst / 5
