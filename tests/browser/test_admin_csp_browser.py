"""In Chromium: the editors' admin pages run under the Content-Security-Policy with nothing blocked."""

import pytest

from tests.browser.test_workflow_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_pages_break_no_content_security_policy_rule(browser, live_server, editor, demo):
    context, page = sign_in(browser, live_server, editor.username)
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    pages = [
        "/admin/",
        "/admin/stories/story/",
        "/admin/stories/story/add/",
        f"/admin/stories/story/{demo.pk}/change/",
        f"/admin/stories/story/{demo.pk}/preview/",
        "/admin/faq/commonquestion/add/",
        "/admin/sources/feed/",
        "/admin/topics/topic/add/",
        "/admin/webhooks/endpoint/add/",
        "/admin/webhooks/delivery/",
    ]
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # The rich-text editors came up (their scripts and import map were allowed).
    page.goto(f"{live_server.url}/admin/stories/story/{demo.pk}/change/")
    assert page.locator(".ProseMirror").count() >= 4
    context.close()
    assert problems == []
