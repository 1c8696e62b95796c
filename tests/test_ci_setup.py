"""The README's test command leaves the user's environment alone (issue 16), and the tests
that need the shared test data skip cleanly, saying why, when it is absent."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CI_RUN = ROOT / ".ci" / "run"


def _commands(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip() and not
            line.strip().startswith("#")]  # fmt: skip


def test_ci_run_builds_its_own_environment_and_never_the_quick_starts() -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    commands = "\n".join(_commands(script))
    assert "venv=.ci-venv" in commands
    assert not re.search(r"(^|[\s/\"'])\.venv\b", commands), "the quick start's .venv is the user's"
    assert ".ci-venv/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    for step in ('"$venv/bin/ruff" check .', '"$venv/bin/mypy"', '"$venv/bin/python" -m pytest'):
        assert step in commands
    assert "set -euo pipefail" in commands  # any failing step fails the run


def test_ci_run_installs_system_packages_only_under_ci_true() -> None:
    commands = _commands(CI_RUN.read_text(encoding="utf-8"))
    for index, line in enumerate(commands):
        if "apt-get install" in line:
            guard = " ".join(commands[max(0, index - 4) : index + 1])
            assert '"${CI:-}" = "true"' in guard, line


def test_ci_run_is_valid_bash() -> None:
    done = subprocess.run(["bash", "-n", str(CI_RUN)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_tests_needing_the_shared_data_skip_with_a_reason_without_it(tmp_path: Path) -> None:
    """A clone without ../shared/testdata: those tests are skipped, naming where they looked."""
    env = {**os.environ, "HAMSYNC_TESTDATA": str(tmp_path / "no-testdata")}
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
            "tests/test_benchmarks_smoke.py", "tests/connectors/test_garmin_sinks.py",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    assert f"no real activity files at {tmp_path / 'no-testdata'}" in done.stdout
    assert "error" not in done.stdout.splitlines()[-1]
    assert re.search(r"\d+ skipped", done.stdout.splitlines()[-1])
