"""The webhook delivery log in Chromium: an editor finds why an app backend missed a change and sends it again,
at 1280 px and on a 360 px phone (the log's table scrolls inside its box, the page does not)."""

import pytest
from django.utils import timezone

from tests.browser.test_public_browser import ARTIFACTS
from tests.browser.test_workflow_browser import sign_in
from tests.factories import build_story
from tests.webhooks.receiver import Receiver
from webhooks.models import Delivery, Endpoint
from webhooks.services import endpoint_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
P = Delivery.Status


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def test_an_editor_finds_a_failed_delivery_and_sends_it_again(browser, live_server, editor, receiver):
    endpoint = endpoint_save(endpoint=Endpoint(name="Android backend", url=receiver.url()))
    receiver.secret = endpoint.secret
    story = build_story(headline="Lima's mayor resigns")
    Delivery.objects.all().delete()  # the publish's own delivery (already sent): start from one that failed
    receiver.received.clear()
    failed = Delivery.objects.create(
        endpoint=endpoint, kind="story", object_id=story.pk, slug=story.live_slug, status=P.FAILED, attempts=30,
        last_attempt_at=timezone.now(), response_status=503, error="HTTP 503 Service Unavailable",
    )  # fmt: skip

    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 900})
    loads = 0
    page.goto(f"{live_server.url}/admin/webhooks/delivery/")
    loads += 1
    subtitle = page.locator("#content p.help").first.inner_text()
    assert "kept 30 days" in subtitle and "pending ones until done" in subtitle  # what the log keeps
    row = page.locator("#result_list tbody tr", has_text=story.live_slug)
    assert "Gave up" in row.inner_text() and "503" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "webhooks-log-1280.png"), full_page=True)

    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "retry_now")
    page.click("button[name=index]")
    loads += 1
    assert "1 delivery queued to be sent again" in page.locator(".messagelist").inner_text()
    failed.refresh_from_db()
    assert failed.status == P.DELIVERED and failed.response_status == 200  # sent as the editor watched
    sent = [(e["kind"], e["id"], e["cursor"], e["action"]) for e in receiver.accepted()]
    assert sent == [("story", story.pk, failed.cursor, "upsert")], (sent, failed.cursor)
    assert "Delivered" in page.locator("#result_list tbody tr", has_text=story.live_slug).inner_text()
    assert loads == 2  # the log, then the action's answer: two page loads, three clicks
    context.close()

    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/admin/webhooks/delivery/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll of the page
    page.screenshot(path=str(ARTIFACTS / "webhooks-log-360.png"), full_page=True)
    context.close()
