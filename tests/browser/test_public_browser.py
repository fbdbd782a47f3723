"""The public pages in Chromium, at 360 px and at desktop width: they load, fit, and pass axe-core.

Screenshots are kept under test-artifacts/browser/ (ignored by git) for a
person to look at. axe-core is vendored in tests/browser/vendor/ (from the
npm package, with its licence) and injected into each page.
"""

from pathlib import Path

import pytest

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
WIDTHS = {"mobile": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def public_pages(demo):
    """The six kinds of public page, on the demo story and its references."""
    question = demo.live_questions.first()
    return {
        "home": "/",
        "story": demo.get_absolute_url(),
        "question": question.get_absolute_url(),
        "topic": demo.live_topics.first().get_absolute_url(),
        "outlet": demo.live_outlets.first().get_absolute_url(),
        "search": "/search/?q=peru+mexico",
    }


def _axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", WIDTHS)
def test_public_pages_load_fit_the_screen_and_pass_axe(browser, live_server, public_pages, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    failures = {}
    for name, path in public_pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, (name, path, response.status)
        assert page.locator("h1").first.is_visible(), name
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        # Nothing wider than the screen: no sideways scrolling at 360 px.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than the {width} screen"
        violations = _axe_violations(page)
        if violations:
            failures[name] = violations
    context.close()
    assert not failures, failures
    assert not errors, errors


def test_reader_searches_from_the_header_and_opens_a_story(browser, live_server, public_pages):
    context = browser.new_context(viewport=WIDTHS["mobile"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/")
    page.fill("#search-header", "asylum")
    page.press("#search-header", "Enter")
    page.wait_for_url("**/search/?q=asylum")
    assert page.locator("mark").count() >= 1
    page.locator(".search-result a").first.click()
    page.wait_for_url(f"**{public_pages['story']}")
    assert "What the papers say" in page.content()
    # Keyboard users can skip straight to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    context.close()
