"""The team server in a real browser (Playwright driving Debian's chromium; no browser is downloaded).

An entry logged at phone width (375 px) in three taps, the week's summary and the meeting page, the trainer's cohort
view (no sideways scroll at 375 px), a child's export and an adult's; axe-core (vendored in tests/data) finds no WCAG 2.2 AA violation on any page type;
screenshots are saved under /tmp/practise-shots (and tmp/artefacts/practise) to be looked at. Without chromium
these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from practise_helpers import form_token
from rehearse_client import ROOT, Server
from test_rehearse_browser import AXE_TAGS, CHROMIUM, _browser_or_skip, axe_violations

from securebase.rehearse import practice

SHOTS = Path(os.environ.get("SECUREBASE_PRACTISE_SHOTS", "/tmp/practise-shots"))
PASSWORD = "a long enough passphrase"
#: a small phone (iPhone SE, many Android phones): no page may scroll sideways at this width
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
assert AXE_TAGS  # the same WCAG 2.0-2.2 A and AA rules as the rehearsal's pages


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _browser_or_skip()
    database = tmp_path_factory.mktemp("practise-browser") / "team.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SECUREBASE_NEW_PASSWORD": PASSWORD}
    for name, role in (("pat", "practitioner"), ("tess", "trainer")):
        subprocess.run([sys.executable, "-m", "securebase", "practise", "add-user", name, "--role", role, "--team",
                        "North", "--database", str(database)], check=True, env=env, capture_output=True)  # fmt: skip
    running = Server(database, command="practise")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(server: Server):  # type: ignore[no-untyped-def]
    sync_playwright = _browser_or_skip()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def signed_in(browser, server: Server, name: str, viewport: dict):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport, accept_downloads=True, has_touch=viewport is PHONE)
    page = context.new_page()
    page.goto(server.url + "/journal")
    assert page.title().startswith("Sign in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your journal").wait_for()
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def test_an_entry_in_three_taps_at_phone_width(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(browser, server, "pat", PHONE)
    found = {"login": [], "journal": axe_violations(page)}
    page.get_by_label("The child's code").fill("C12")
    page.get_by_role("button", name="Add").click()
    page.get_by_role("heading", name="C12", exact=True).wait_for()
    shot(page, "child-phone")
    found["child"] = axe_violations(page)
    # the three taps: the need, the response, how it went (which saves)
    page.get_by_text("Comfort", exact=True).first.tap()
    page.get_by_text("Notice and name the feeling", exact=True).tap()
    page.get_by_role("button", name="It helped").tap()
    page.get_by_role("status").filter(has_text="Saved.").wait_for()
    assert "Support to explore" not in page.locator(".entries").inner_text()
    assert "Comfort · Notice and name the feeling · It helped" in page.locator(".entries").inner_text()
    shot(page, "child-phone-saved")
    # a rupture and its repair: one tap each
    page.get_by_role("button", name="A rupture just happened").tap()
    page.get_by_text("A rupture is open").wait_for()
    page.get_by_role("button", name="We repaired it").tap()
    page.get_by_text("repaired after").wait_for()
    page.get_by_role("button", name="Approached a peer").tap()
    page.get_by_text("Whom?").wait_for()
    page.get_by_text("Me", exact=True).tap()
    page.get_by_role("button", name="Playground").tap()
    page.get_by_role("status").filter(has_text="Saved.").wait_for()
    shot(page, "child-phone-entries")
    page.locator(".entries a").first.click()
    page.get_by_role("heading", name="Amend").wait_for()
    shot(page, "entry-phone")
    found["entry"] = axe_violations(page)
    page.goto(server.url + "/account")
    page.locator("figure.qr svg").wait_for()  # the second factor's key as a QR code, and the own-records export
    shot(page, "account-phone")
    found["account"] = axe_violations(page)
    page.context.close()
    login = browser.new_page()
    login.goto(server.url + "/login")
    found["login"] = axe_violations(login)
    login.close()
    assert found == {name: [] for name in found}


def test_the_week_and_the_meeting_page(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(browser, server, "pat", PHONE)
    page.get_by_role("link", name="C12").click()
    for need, response, outcome in (("Comfort", "Carry on with something else", "Not yet"),
                                    ("Support to explore", "Encourage to try", "It helped")):  # fmt: skip
        page.get_by_text(need, exact=True).first.tap()
        page.get_by_text(response, exact=True).tap()
        page.get_by_role("button", name=outcome).tap()
        page.get_by_role("status").filter(has_text="Saved.").wait_for()
    page.get_by_role("link", name="This week").click()
    page.get_by_role("heading", name="What went well").wait_for()
    assert page.get_by_role("button", name="Drill: Reading miscues").is_visible()
    shot(page, "week-phone")
    found = {"week": axe_violations(page)}
    page.set_viewport_size(DESKTOP)
    page.goto(server.url + "/journal")
    page.get_by_role("link", name="C12").click()
    page.get_by_role("link", name="Meeting page").click()
    page.get_by_role("heading", name="C12: my side of the relationship").wait_for()
    shot(page, "meeting-desktop")
    found["meeting"] = axe_violations(page)
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    page.screenshot(path=SHOTS / "meeting-print.png", full_page=True)
    page.emulate_media(media="screen")
    # the link to rehearsal: a drill with a simulated child
    page.goto(server.url + "/journal/week")
    page.get_by_role("button", name="Drill: Reading miscues").click()
    page.wait_for_url("**/attempts/*")
    assert "C12" not in page.url
    page.get_by_role("heading", name=f"Moment 1 of {practice.DRILL_MOMENTS}").wait_for(timeout=300_000)
    assert "C12" not in page.content()  # a simulated child: nothing of the journal's child goes into the drill
    page.context.close()
    assert found == {name: [] for name in found}


def _play_a_drill(server: Server, name: str) -> None:
    """A drill played over HTTP by ``name`` (the cohort view's material), waiting out the "preparing" page."""
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=120) as client:
        page = client.get("/login")
        client.post("/login", data={"csrf": form_token(page.text, "/login"), "username": name, "password": PASSWORD})
        index = client.get("/")
        attempt = client.post("/drills", data={"csrf": form_token(index.text, "/drills"), "skill": "repair"})
        url = attempt.headers["location"]
        for moment in range(practice.DRILL_MOMENTS):
            for _ in range(600):
                page = client.get(url)
                if "<title>Preparing" not in page.text:
                    break
                time.sleep(0.2)
            action = f"{url}/moments/{moment}"
            assert (
                client.post(action, data={"csrf": form_token(page.text, action), "response": "ignore"}).status_code
                == 303
            )


def test_the_trainers_cohort_view_and_the_exports(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    _play_a_drill(server, "pat")
    page = signed_in(browser, server, "tess", DESKTOP)
    page.get_by_role("link", name="Cohort").click()
    page.get_by_role("heading", name="pat").wait_for()
    assert "Repairing a rupture" in page.locator("section.member").first.inner_text()
    shot(page, "cohort-desktop")
    found = {"cohort": axe_violations(page)}
    page.set_viewport_size(PHONE)
    # a captioned table whose rows stack as cards: neither the page nor the table's own region scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    region = page.get_by_role("region", name="pat's attempts")
    assert region.locator("caption").inner_text() == "pat's attempts"
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")
    repaired = region.locator('td[data-label="Ruptures repaired"]').first  # each value named by its column
    assert repaired.evaluate("td => getComputedStyle(td).display") == "block"
    shot(page, "cohort-phone")
    found["cohort-phone"] = axe_violations(page)
    # a child's export, from the child's page (every adult's entries about them)
    page.goto(server.url + "/journal")
    page.get_by_role("link", name="C12").click()
    shot(page, "child-export-phone")
    found["child-trainer"] = axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="download as JSON").click()
    data = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert data["child"] == "C12"
    assert {r["author"] for r in data["journal"]} == {"pat"}
    assert {"moment", "rupture", "repair", "exploration", "figure"} <= {r["kind"] for r in data["journal"]}
    # an adult's export of their own records
    page.goto(server.url + "/account")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text("utf-8")
    assert text.startswith("record,")
    assert "sign-in" in text
    page.context.close()
    assert found == {name: [] for name in found}
