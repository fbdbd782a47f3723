"""The Developing board in Chromium: an editor goes from the desk to the board, starts a story from the top
event and lands on a filled draft; the board and an event's page fit a 360 px phone and pass axe-core."""

import pytest

from tests.browser.test_public_browser import ARTIFACTS, _axe_violations
from tests.browser.test_workflow_browser import sign_in
from tests.events.builders import event_with, outlet
from tests.factories import TopicFactory, build_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VALUES = "els => els.filter(e => !e.name.includes('__prefix__')).map(e => e.value)"  # a form's rows, not the empty template


@pytest.fixture
def events():
    peru, mexico = TopicFactory(name="Peru"), TopicFactory(name="Mexico")
    papers = [
        outlet("Reuters", "GB"),
        outlet("La Jornada", "MX", "es"),
        outlet("El Comercio", "PE", "es"),
        outlet("Le Monde", "FR", "fr"),
        outlet("Al Jazeera English", "QA"),
    ]
    top = event_with(
        "Peru recalls its ambassador from Mexico over the asylum granted to a former prime minister",
        [
            {"outlet": papers[i % 5], "hours_ago": 0.3 + i * 0.7, "topics": [peru, mexico] if i % 2 else [peru],
             "title": f"Peru-Mexico row, report {i + 1}: a deliberately long headline for a narrow screen"}
            for i in range(9)
        ],
    )  # fmt: skip
    event_with("Storm closes the port of Callao", [{"outlet": papers[2], "hours_ago": 20}, {"outlet": papers[0], "hours_ago": 9}])
    event_with("Festival opens in Guadalajara", [{"outlet": papers[1], "hours_ago": 40}])
    earlier = build_story(headline="Why Peru and Mexico fell out", publish=False)
    earlier.story_topics.create(topic=peru, position=0)
    from stories.workflow import story_publish

    story_publish(story=earlier, actor=None)
    return {"top": top}


def test_an_editor_starts_a_story_from_the_board_and_lands_on_a_filled_draft(browser, live_server, editor, events):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors, loads, clicks = [], [], 0
    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)

    page.click(".desk-actions a:has-text('Developing board')")  # from the desk (where signing in lands)
    clicks += 1
    page.wait_for_selector("ol.board")
    top = page.locator(".board-row").first
    assert (
        top.locator("h2")
        .inner_text()
        .endswith("Peru recalls its ambassador from Mexico over the asylum granted to a former prime minister")
    )
    assert top.locator("svg.sparkline").get_attribute("aria-label").startswith("9 articles in 3 days")
    page.screenshot(path=str(ARTIFACTS / "board-1280.png"), full_page=True)
    assert _axe_violations(page) == []

    board_loads = len(loads)
    top.get_by_role("button", name="Start a story").click()
    clicks += 1
    page.wait_for_selector("#story_form")
    assert len(loads) - board_loads == 1  # the POST answers with a redirect: one page load, board → draft
    assert page.input_value("#id_headline").startswith("Peru recalls its ambassador")
    assert "5 citations (one per outlet" in page.inner_text(".messagelist")
    kinds = page.eval_on_selector_all("#blocks-group select[name$='-kind']", VALUES)
    assert kinds == ["whats_happened", "behind_headline", "papers_say", "how_we_got_here"]
    claims = page.eval_on_selector_all("#citations-group [name$='-claim']", VALUES)
    assert len(claims) == 5 and all(c.startswith("Peru-Mexico row") for c in claims)
    assert "Why Peru and Mexico fell out" in page.inner_text("#blocks-group")
    page.screenshot(path=str(ARTIFACTS / "board-started-draft-1280.png"))
    assert (clicks, len(loads)) == (2, 2), loads  # desk → board → draft
    context.close()

    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 360, "height": 740})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/events/event/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the board never scrolls sideways
    page.screenshot(path=str(ARTIFACTS / "board-360.png"), full_page=True)
    assert _axe_violations(page) == []
    page.goto(f"{live_server.url}/admin/events/event/{events['top'].pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "event-360.png"), full_page=True)
    assert _axe_violations(page) == []
    context.close()
    assert errors == []
