"""The check-in page in headless Chromium at a phone's width (360 px), JavaScript off.

Playwright drives the machine's Chromium (``executable_path``; nothing is downloaded). A
runner loads the page, taps "done" and "sensitive" and sees what changed; the screenshots
are read as pixels. Off CI a machine without Chromium skips; on CI (``CI=true``, where
``.ci/run`` installs it) a missing browser fails the test.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from checkin_helpers import TODAY, rows, serving, sync

WriteConfig = Callable[..., Path]
PHONE = {"width": 360, "height": 740}
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}: CI must run the browser tests (bash .ci/run installs Chromium)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    executable = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if executable is None:
        _missing("no Chromium on this machine")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized tab with touch and no JavaScript: the page must work with plain forms."""
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, java_script_enabled=False
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def assert_not_blank(png: bytes, ink: float = 0.1) -> None:
    """A screenshot with a page on it: many colours, and at least ``ink`` of the pixels
    other than the background's colour."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    pixels = image.width * image.height
    assert len(colours) > 50, "a blank or single-colour screenshot"
    assert max(count for count, _ in colours) <= (1 - ink) * pixels


def assert_fits_the_phone(tab: Any) -> None:
    """Nothing sticks out sideways: every card and button lies within the 360 px."""
    for selector in ("main", "section.card", "button", "textarea"):
        for box in (e.bounding_box() for e in tab.query_selector_all(selector)):
            if box is not None:
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, selector


def test_done_then_sensitive_on_a_phone(
    write_config: WriteConfig, phone: Any, tmp_path: Path
) -> None:
    config = write_config()
    sync(config)
    with serving(config) as served:
        phone.goto(served.url)
        first = phone.screenshot(full_page=True)
        assert_not_blank(first)
        (tmp_path / "1-page.png").write_bytes(first)
        assert_fits_the_phone(phone)
        today = phone.locator(f"#day-{TODAY.isoformat()}")
        assert "Focused session" in today.inner_text()
        assert "dig the heels down" in today.inner_text()  # the cue, as the report words it

        phone.get_by_role("button", name="Mark today's session done").tap()
        phone.wait_for_url("**?said=done-2026-11-25")
        assert "marked done" in phone.locator("#flash").inner_text()
        assert today.locator(".badge").inner_text() == "done"
        assert phone.get_by_role("button", name="Mark today's session done").count() == 0
        done = json.loads(str(dict(rows(served.state_dir)["planner_state"])["done_session_ids"]))
        assert done == ["2026-W48-1"]
        second = phone.screenshot(full_page=True)
        assert_not_blank(second)
        (tmp_path / "2-done.png").write_bytes(second)

        ahead_before = phone.locator("section.card .kind").all_inner_texts()[1:]
        assert "Maintenance" in ahead_before
        phone.locator("#note").fill("a bit tight after Sunday")
        phone.get_by_role("button", name="sensitive").tap()
        phone.wait_for_url("**?said=felt-2026-11-25-sensitive")
        assert "Check-in recorded: sensitive" in phone.locator("#flash").inner_text()
        # Re-planned: the next sessions are recovery (R7), today's stays done.
        ahead = phone.locator("section.card .kind").all_inner_texts()[1:]
        assert ahead and set(ahead) == {"Recovery"}
        assert today.locator(".badge").inner_text() == "done"
        assert rows(served.state_dir)["checkins"] == [
            ("2026-11-25", "cli", "sensitive", "a bit tight after Sunday")
        ]
        third = phone.screenshot(full_page=True)
        assert_not_blank(third)
        (tmp_path / "3-sensitive.png").write_bytes(third)
        assert len({first, second, third}) == 3
        assert_fits_the_phone(phone)


def test_pain_on_a_phone_shows_the_medical_advice(
    write_config: WriteConfig, phone: Any
) -> None:
    config = write_config()
    sync(config)
    with serving(config) as served:
        phone.goto(served.url)
        phone.get_by_role("button", name="pain").tap()
        phone.wait_for_url("**?said=felt-2026-11-25-pain")
        alert = phone.locator(".note.alert").first
        assert "deserves personal medical advice" in alert.inner_text()
        assert alert.is_visible()
        assert set(phone.locator("section.card .kind").all_inner_texts()) <= {"Recovery"}


def test_a_replayed_form_is_refused_and_going_back_gives_a_fresh_form(
    write_config: WriteConfig, phone: Any
) -> None:
    """The used form sent again is refused with nothing changed; the back button reloads the
    page (it is never cached), so its forms are fresh and work."""
    config = write_config()
    sync(config)
    with serving(config) as served:
        phone.goto(served.url)
        feelings = phone.locator("#feel input[name=csrf]")
        used = feelings.get_attribute("value")
        phone.get_by_role("button", name="fine").tap()
        phone.wait_for_url("**?said=felt-2026-11-25-fine")
        before = rows(served.state_dir)
        replay = phone.request.post(
            f"{served.url}checkin", form={"csrf": used, "feeling": "pain"}, max_redirects=0
        )
        assert replay.status == 403 and "already sent" in replay.text()
        assert rows(served.state_dir) == before
        phone.go_back()
        assert feelings.get_attribute("value") != used
        phone.get_by_role("button", name="sensitive").tap()
        phone.wait_for_url("**?said=felt-2026-11-25-sensitive")
        assert rows(served.state_dir)["checkins"][0][2] == "sensitive"


def _without_token(html: str) -> str:
    return re.sub(r'<input type="hidden" name="csrf" value="[^"]*">', "", html)


def _wrong_token(html: str) -> str:
    return re.sub(
        r'name="csrf" value="([^"]*)"', lambda m: f'name="csrf" value="{m[1][:-4]}AAAA"', html
    )


def _no_length_limit(html: str) -> str:
    return html.replace(' maxlength="500"', "")


@pytest.mark.parametrize(
    ("tamper", "note", "status", "says"),
    [
        (_without_token, "", 403, "expired or is not from this page"),
        (_wrong_token, "", 403, "expired or is not from this page"),
        (_no_length_limit, "x" * 600, 413, "at most 500 are kept"),
        (_no_length_limit, "é" * 20_000, 413, "at most 8,192 bytes"),
    ],
    ids=["no-token", "wrong-token", "long-note", "huge-note"],
)
def test_a_tampered_form_sent_by_the_browser_is_refused_without_a_change(
    write_config: WriteConfig,
    phone: Any,
    tamper: Callable[[str], str],
    note: str,
    status: int,
    says: str,
) -> None:
    """The page as served, changed on its way to the browser (the form's token taken out or
    altered, the note's length limit removed): the browser's post is refused, nothing kept."""
    config = write_config()
    sync(config)
    with serving(config) as served:

        def altered(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, body=tamper(response.text()))

        phone.route(served.url, altered)
        phone.goto(served.url)
        before = rows(served.state_dir)
        if note:
            phone.locator("#note").fill(note)
        with phone.expect_navigation() as navigation:
            phone.get_by_role("button", name="pain").tap()
        assert navigation.value.status == status
        assert says in phone.locator("main").inner_text()
        assert_not_blank(phone.screenshot(full_page=True), ink=0.03)  # a short message
        assert rows(served.state_dir) == before
