"""Make ``docs/report.png``, the README's picture of the plan, from the demo.

Runs the demo config (``config.example.toml``: the sample runs and planned runs of
``examples/``) into a temporary state folder for a fixed day, writes the HTML report, and
photographs it with headless Chromium. Nothing outside the temporary folder is touched but the
picture. Usage, from the repository root::

    python docs/make_screenshot.py [--out docs/report.png] [--today 2026-11-25]

Exit 1 with a message when Chromium is missing or the demo fails.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-25"
"""A Wednesday: the picture shows the week so far and the sessions of the next 14 days."""
WINDOW = (1200, 1400)
"""Chromium's window in CSS pixels: the report's seven-day grid and its chart fit."""
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def demo_config(folder: Path) -> Path:
    """``config.example.toml`` with its paths made absolute and its state in ``folder``."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    swaps = {
        'state_dir = "demo-state"': f'state_dir = "{folder / "state"}"',
        'path = "examples/activities"': f'path = "{ROOT / "examples" / "activities"}"',
        'ics = "examples/planned.ics"': f'ics = "{ROOT / "examples" / "planned.ics"}"',
        'path = "hamsync.ics"': f'path = "{folder / "hamsync.ics"}"',
    }
    for old, new in swaps.items():
        if old not in text:
            raise SystemExit(f"config.example.toml no longer holds {old!r}: update {__file__}")
        text = text.replace(old, new)
    config = folder / "config.toml"
    config.write_text(text, encoding="utf-8")
    return config


def build_page(folder: Path, today: str = TODAY) -> Path:
    """Sync the demo and write its HTML report into ``folder``; returns the page's path.

    Raises ``subprocess.CalledProcessError`` when the sync or the report fails.
    """
    config = demo_config(folder)
    page = folder / "report.html"
    hamsync = [sys.executable, "-m", "sync"]
    common = ["--config", str(config), "--today", today]
    subprocess.run([*hamsync, "sync", *common], check=True, capture_output=True, cwd=ROOT)
    subprocess.run(
        [*hamsync, "report", "--out", str(page), *common],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    return page


def chromium() -> str | None:
    """The path of a Chromium the machine has, or None."""
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


def chromium_flags(browser: str, profile: Path, size: tuple[int, int] = WINDOW) -> list[str]:
    """Headless Chromium that stays offline and keeps its profile in ``profile``."""
    return [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
    ]  # fmt: skip


def screenshot(page: Path, out: Path, profile: Path, browser: str) -> None:
    """Photograph ``page`` into the PNG ``out``; raises ``RuntimeError`` if none was made."""
    out.unlink(missing_ok=True)
    done = subprocess.run(
        [*chromium_flags(browser, profile), f"--screenshot={out}", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if not out.is_file():
        raise RuntimeError(f"Chromium made no screenshot: {done.stderr.strip()[-500:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--today", default=TODAY, help="the demo's day, YYYY-MM-DD")
    args = parser.parse_args(argv)
    browser = chromium()
    if browser is None:
        print("make_screenshot: no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="hamsync-shot-") as tmp:
        folder = Path(tmp)
        try:
            page = build_page(folder, args.today)
        except subprocess.CalledProcessError as exc:
            print(f"make_screenshot: the demo failed:\n{exc.stderr.decode()}", file=sys.stderr)
            return 1
        screenshot(page, args.out, folder / "profile", browser)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
