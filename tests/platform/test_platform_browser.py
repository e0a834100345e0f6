"""A real Chromium (Debian's, through Playwright) drives the web app as people would.

Screenshots are saved under tests/artifacts/platform/ (git-ignored). Skipped, with the reason,
only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from platform_support import PASSWORD, fast_settings, sample_demand, seed_federation

from cooplan.api import create_app
from cooplan.api.server import background_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "platform"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium)"
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The platform on a fresh SQLite file, served on a free loopback port."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    settings = fast_settings()
    app = create_app(url, settings=settings)
    seed_federation(url, settings)
    with background_server(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


def _login(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/")  # type: ignore[attr-defined]


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _person(browser: object, phone: bool = False) -> object:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport=PHONE if phone else {"width": 1200, "height": 900},
        is_mobile=phone,
        has_touch=phone,
    )
    return context.new_page()


def test_wrong_password_shows_error_and_pages_need_login(site: str, browser: object) -> None:
    page = _person(browser)
    page.goto(f"{site}/proposals")  # type: ignore[attr-defined]
    assert "/login" in page.url  # type: ignore[attr-defined]
    page.fill("input[name=username]", "ane")  # type: ignore[attr-defined]
    page.fill("input[name=password]", "not the password")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    assert page.locator(".error").inner_text() == "Wrong username or password."  # type: ignore[attr-defined]
    page.context.close()  # type: ignore[attr-defined]


def test_planner_runs_the_plan_cycle_and_members_vote(site: str, browser: object) -> None:
    planner = _person(browser)
    _login(planner, site, "planner")
    planner.goto(f"{site}/plan")  # type: ignore[attr-defined]
    planner.click("text=Compute the draft plan")  # type: ignore[attr-defined]
    # The draft is computed in the background: refresh until it can be published.
    for _ in range(100):
        if planner.locator("text=Publish the draft").count():  # type: ignore[attr-defined]
            break
        planner.wait_for_timeout(100)  # type: ignore[attr-defined]
        planner.goto(f"{site}/plan")  # type: ignore[attr-defined]
    _shot(planner, "planner-draft")
    planner.click("text=Publish the draft to the assemblies")  # type: ignore[attr-defined]
    assert planner.locator("#stage").inner_text() == "published"  # type: ignore[attr-defined]

    # A member on a phone reads the coop's plan and votes on the draft.
    member = _person(browser, phone=True)
    _login(member, site, "ane")
    member.goto(f"{site}/my-coop")  # type: ignore[attr-defined]
    assert "Fagor Appliances" in member.locator("h1").inner_text()  # type: ignore[attr-defined]
    targets = member.locator("table.targets").inner_text()  # type: ignore[attr-defined]
    assert "appliances" in targets and f"{sample_demand('appliances'):,.0f}" in targets
    _shot(member, "member-coop-phone")
    member.goto(f"{site}/plan")  # type: ignore[attr-defined]
    member.click("#cycle >> text=fagor_appliances")  # type: ignore[attr-defined]
    member.check("input[value=yes]")  # type: ignore[attr-defined]
    member.click("button:has-text('Vote')")  # type: ignore[attr-defined]
    assert member.locator("#my-ballot").inner_text() == "yes"  # type: ignore[attr-defined]
    member.check("input[value=no]")  # type: ignore[attr-defined]
    member.click("button:has-text('Vote')")  # type: ignore[attr-defined]
    assert member.locator("#my-ballot").inner_text() == "no"  # type: ignore[attr-defined]
    _shot(member, "member-vote-phone")

    # A member of the steel coop submits a counter-plan.
    steel = _person(browser)
    _login(steel, site, "iker")
    steel.goto(f"{site}/plan")  # type: ignore[attr-defined]
    steel.fill("input[name=hours_per_member]", "1500")  # type: ignore[attr-defined]
    steel.fill("textarea[name=note]", "Shorter hours for the night shift")  # type: ignore[attr-defined]
    steel.click("text=Submit the counter-plan")  # type: ignore[attr-defined]
    _shot(steel, "steel-counter-plan")
    assert "counter-plan is submitted" in steel.locator(".flash").inner_text()  # type: ignore[attr-defined]

    planner.goto(f"{site}/plan")  # type: ignore[attr-defined]
    planner.click("text=Close the assemblies and recompute")  # type: ignore[attr-defined]
    for _ in range(100):
        if planner.locator("text=Put the variants to the Congress").count():  # type: ignore[attr-defined]
            break
        planner.wait_for_timeout(100)  # type: ignore[attr-defined]
        planner.goto(f"{site}/plan")  # type: ignore[attr-defined]
    planner.click("text=Put the variants to the Congress")  # type: ignore[attr-defined]
    assert planner.locator("#stage").inner_text() == "voting"  # type: ignore[attr-defined]

    # Delegates rank the variants in the Congress.
    for name in ("miren", "iker"):
        delegate = steel if name == "iker" else _person(browser)
        if name != "iker":
            _login(delegate, site, name)
        delegate.goto(f"{site}/plan")  # type: ignore[attr-defined]
        delegate.click("text=The Congress vote")  # type: ignore[attr-defined]
        first = delegate.locator("input[name^='rank::']").first  # type: ignore[attr-defined]
        first.fill("1")
        delegate.click("button:has-text('Vote')")  # type: ignore[attr-defined]
        assert delegate.locator("#my-ballot").count() == 1  # type: ignore[attr-defined]
    planner.goto(f"{site}/plan")  # type: ignore[attr-defined]
    planner.click("text=Close the Congress vote and adopt")  # type: ignore[attr-defined]
    assert planner.locator("#stage").inner_text() == "adopted"  # type: ignore[attr-defined]
    flash = planner.locator(".flash").inner_text()  # type: ignore[attr-defined]
    assert re.match(r"Plan run \d+ is adopted\.", flash)
    _shot(planner, "planner-adopted")

    planner.goto(f"{site}/")  # type: ignore[attr-defined]
    assert planner.locator("svg.sankey path.band").count() > 0  # type: ignore[attr-defined]
    _shot(planner, "dashboard")
    member.goto(f"{site}/proposals")  # type: ignore[attr-defined]
    member.click("text=Draft plan for fagor_appliances")  # type: ignore[attr-defined]
    # Closed by the recomputation: the result and its explanation are shown.
    # 1 of the 3 members voted: the quorum (50 %) was not met.
    assert member.locator("#outcome").inner_text() == "no quorum"  # type: ignore[attr-defined]
    assert "Quorum" in member.locator("ol.explanation").inner_text()  # type: ignore[attr-defined]
    _shot(member, "member-result-phone")
    for page in (planner, member, steel):
        page.context.close()  # type: ignore[attr-defined]
