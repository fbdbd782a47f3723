"""In Chromium: the API docs (Swagger UI) render the schema under our CSP, loading nothing from another origin."""

import pytest

from tests.factories import build_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_a_cdn(browser, live_server):
    build_story()
    requests, errors = [], []
    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    page.close()
    assert "/api/v1/stories/{slug}/" in [p.replace("\u200b", "") for p in paths]
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
    assert errors == []
