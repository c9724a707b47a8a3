"""The rehearsal app in a real browser (Playwright driving Debian's chromium; no browser is downloaded).

A term played to the end, the debrief read, a moment replayed and the debrief exported; the same by keyboard
alone; screenshots at phone, tablet and desktop widths (saved under tmp/artefacts/rehearse/); and axe-core
(vendored in tests/data) finding no WCAG 2.2 AA violation on any page. Without chromium these tests skip, except
under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rehearse_client import ROOT, Server

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = ROOT / "tmp" / "artefacts" / "rehearse"
AXE = Path(__file__).parent / "data" / "axe.min.js"
WIDTHS = {"phone": (375, 812), "tablet": (768, 1024), "desktop": (1280, 900)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _browser_or_skip():  # type: ignore[no-untyped-def]
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[test]')"
    if missing is None and CHROMIUM is None:
        missing = "no chromium found on PATH (Debian: apt-get install chromium)"
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    return sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _browser_or_skip()
    running = Server(tmp_path_factory.mktemp("browser") / "rehearse.sqlite")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(server: Server):  # type: ignore[no-untyped-def]
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.0-2.2 A and AA violations on the page as it is now."""
    page.evaluate(AXE.read_text("utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


def test_a_term_the_debrief_the_replay_and_the_export(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=False, accept_downloads=True)
    page = context.new_page()
    page.goto(server.url + "/")
    assert page.title().startswith("Choose a situation")
    page.get_by_role("button", name="Start: A new child who seems fine on their own").click()
    moves = ["Stay close and available", "Notice and name the feeling", "Comfort", "Encourage to try",
             "Help a little", "Give space"]  # fmt: skip
    for moment in range(14):
        page.get_by_role("heading", name=f"Moment {moment + 1} of 14").wait_for()
        assert page.locator(".cues li").count() >= 3
        page.get_by_label(moves[moment % len(moves)], exact=True).check()
        if moment % 4 == 0:
            page.get_by_label("Your note (optional)").fill(f"looked quiet at moment {moment + 1}")
        page.get_by_role("button", name="Respond").click()
    page.get_by_role("heading", name="Debrief: A new child who seems fine on their own").wait_for()
    for heading in ("Across the term", "Your responses on the five qualities", "Ruptures and repair", "Miscues"):
        assert page.get_by_role("heading", name=heading).is_visible()
    assert page.locator("figure.chart > svg").count() == 4
    page.get_by_label("Moment", exact=True).select_option("2")
    page.get_by_label("Instead").select_option("comfort")
    page.get_by_role("button", name="Replay").click()
    result = page.locator("#what-if-result h3")
    result.filter(has_text="instead of").wait_for()
    assert "Moment 2: \u201cComfort\u201d instead of \u201cNotice and name the feeling\u201d" in result.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the debrief").click()
    exported = ARTEFACTS / "debrief-export.html"
    download.value.save_as(exported)
    text = exported.read_text("utf-8")
    assert "<style>" in text
    assert "Debrief: A new child" in text
    assert "<script" not in text
    context.close()


def _tab_to(page, selector: str, most: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until ``selector`` has the focus (fails if it is not reached in ``most`` presses)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached by the keyboard in {most} presses of Tab")


def test_keyboard_only(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    page.goto(server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the main content"
    _tab_to(page, "button[aria-describedby='s-tantrum']")
    page.keyboard.press("Enter")
    for moment in range(2):
        page.get_by_role("heading", name=f"Moment {moment + 1} of 14").wait_for()
        _tab_to(page, "input[type=radio]")
        page.keyboard.press("ArrowDown")  # the second response; arrows move within the group and choose
        page.keyboard.press("Space")
        _tab_to(page, "#note")
        page.keyboard.type("by keyboard")
        _tab_to(page, "form.respond button[type=submit]")
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Moment 3 of 14").wait_for()
    focus_ring = page.evaluate(
        "() => { const b = document.querySelector('form.respond button'); b.focus();"
        " return getComputedStyle(b).outlineStyle; }"
    )
    assert focus_ring != "none"
    page.close()


def test_pages_at_three_widths_and_axe(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.goto(server.url + "/")
    page.get_by_role("checkbox").first.check()  # coaching, on the first scenario
    page.get_by_role("button", name="Start: Saying goodbye at the start of the day").click()
    found = {}
    for moment in range(14):
        page.get_by_role("heading", name=f"Moment {moment + 1} of 14").wait_for()
        if moment == 1:  # the play page, with the coaching comment on the first moment
            found["play"] = _at_three_widths(page, "play", page.url)
        page.get_by_label("Comfort", exact=True).check()
        page.get_by_role("button", name="Respond").click()
    page.get_by_role("heading", name="Across the term").wait_for()
    debrief_url = page.url
    found["debrief"] = _at_three_widths(page, "debrief", debrief_url + "?moment=3&instead=ignore")
    found["index"] = _at_three_widths(page, "index", server.url + "/")
    page.goto(server.url + "/attempts/0123456789abcdef")
    found["error"] = axe_violations(page)
    assert found == {name: [] for name in found}
    page.close()


def _at_three_widths(page, name: str, url: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Screenshots of ``url`` at the three widths (no sideways scrolling at any); axe's violations there."""
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        page.screenshot(path=ARTEFACTS / f"{name}-{width_name}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width_name} width scrolls sideways by {overflow}px"
    return axe_violations(page)
