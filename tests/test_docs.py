"""The README and the reference pages under ``docs/`` (issue 16).

The README reads in the order a newcomer needs, every link between the pages lands on a file
and a heading that exist, the picture of the plan is there, and the script that makes it
gives a page Chromium renders.
"""

from __future__ import annotations

import importlib.util
import re
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("configuration", "calendars", "platforms", "plugins", "json", "development")


def _shot_module() -> ModuleType:
    script = ROOT / "docs" / "make_screenshot.py"
    spec = importlib.util.spec_from_file_location("make_screenshot", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_screenshot"] = module
    spec.loader.exec_module(module)
    return module


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_readme_reads_in_the_order_a_newcomer_needs() -> None:
    """What it is, a picture, quick start, day to day, own config, calendars, unattended, rules."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", readme, flags=re.MULTILINE)
    wanted = [
        "The plan, as it looks",
        "Quick start",
        "Day to day",
        "Your own config",
        "Calendars and platforms",
        "Running it unattended",
        "How it plans",
    ]
    assert [h for h in headings if h in wanted] == wanted
    assert headings.index("The plan, as it looks") == 0  # right after what hamsync is
    assert len(readme.splitlines()) < 300, "reference material belongs in docs/"


def test_the_readme_keeps_its_two_commands() -> None:
    """The quick start's install-and-demo line and the test command stay as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        "python3.12 -m venv .venv && .venv/bin/pip install -e . && "
        ".venv/bin/hamsync sync --config config.example.toml"
    ) in readme
    assert "bash .ci/run" in readme
    assert "3.12 or newer" in readme


def test_every_reference_page_exists_and_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PAGES:
        page = ROOT / "docs" / f"{name}.md"
        assert page.is_file(), page
        assert page.read_text(encoding="utf-8").startswith("# ")
        assert f"docs/{name}.md" in readme, name


def test_every_link_between_the_pages_lands_on_a_file_and_a_heading() -> None:
    """Relative links of the README and docs/ name files that exist and headings they hold."""
    broken: list[str] = []
    for source in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = re.sub(r"```.*?```", "", source.read_text(encoding="utf-8"), flags=re.DOTALL)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            page = (source.parent / path).resolve() if path else source
            if not page.exists():
                broken.append(f"{source.name}: {target} (no such file)")
            elif anchor and anchor not in _anchors(page):
                broken.append(f"{source.name}: {target} (no such heading)")
    assert broken == []


def test_the_readme_shows_the_checked_in_picture_of_the_report() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"!\[[^\]]+\]\(docs/report\.png\)", readme)
    width, height = _png_size(ROOT / "docs" / "report.png")
    shot = _shot_module()
    assert (width, height) == shot.WINDOW
    assert (ROOT / "docs" / "report.png").stat().st_size > 30_000  # not a blank page


def test_the_screenshot_page_is_the_demos_report(tmp_path: Path) -> None:
    """The script syncs the demo for its fixed day and writes the report with its sessions."""
    shot = _shot_module()
    page = shot.build_page(tmp_path)
    html = page.read_text(encoding="utf-8")
    assert "Hamstring plan" in html and "Wednesday 25 November 2026" in html
    assert html.count('class="session"') >= 2
    assert (tmp_path / "hamsync.ics").is_file()  # the demo's own output went to tmp_path


def test_the_screenshot_script_photographs_the_page_in_chromium(tmp_path: Path) -> None:
    """Chromium renders the script's page: a PNG of the window's size, not a blank one."""
    shot = _shot_module()
    browser = shot.chromium()
    if browser is None:
        pytest.skip("no Chromium here (CI installs it: bash .ci/run with CI=true)")
    page = shot.build_page(tmp_path)
    out = tmp_path / "report.png"
    shot.screenshot(page, out, tmp_path / "profile", browser)
    assert _png_size(out) == shot.WINDOW
    assert out.stat().st_size > 30_000, "a blank page compresses to a few kilobytes"
