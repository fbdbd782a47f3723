"""The webhooks admin: editors register endpoints, ping them, rotate secrets, read the delivery log; writers may not."""

import pytest
from django.urls import reverse

from tests.factories import build_story
from tests.webhooks.receiver import verify
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

ENDPOINTS = reverse("admin:webhooks_endpoint_changelist")
DELIVERIES = reverse("admin:webhooks_delivery_changelist")


def _action(client, name: str, endpoint: Endpoint, url: str = ENDPOINTS):
    return client.post(url, {"action": name, "_selected_action": [endpoint.pk]}, follow=True)


def test_an_editor_registers_an_endpoint_with_the_kinds_checked(client, editor, receiver):
    client.force_login(editor)
    form = client.get(reverse("admin:webhooks_endpoint_add")).content.decode()
    for kind in ("story", "topic", "question", "outlet"):
        assert f'type="checkbox" name="kinds" value="{kind}"' in form
    response = client.post(
        reverse("admin:webhooks_endpoint_add"), {"name": "Android backend", "url": receiver.url(), "kinds": ["story", "question"]}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    endpoint = Endpoint.objects.get(name="Android backend")
    assert endpoint.kinds == ["story", "question"] and endpoint.created_by == editor and endpoint.active
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert f"<code>{endpoint.secret}</code>" in page and "Delivery log" in page


def test_the_form_refuses_plain_http_and_private_addresses(client, editor, settings):
    client.force_login(editor)
    add = reverse("admin:webhooks_endpoint_add")
    settings.WEBHOOK_ALLOW_HTTP = False
    page = client.post(add, {"name": "Plain", "url": "http://hooks.example.com/in", "kinds": ["story"]}).content.decode()
    assert "Use an https:// address" in page
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    page = client.post(add, {"name": "Metadata", "url": "https://169.254.169.254/latest", "kinds": ["story"]}).content.decode()
    assert "not a public address" in page and "public addresses only" in page
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    "url", [ENDPOINTS, reverse("admin:webhooks_endpoint_add"), DELIVERIES, "/admin/webhooks/endpoint/{pk}/change/"]
)
def test_writers_are_refused_every_webhooks_page(client, writer, hook, url):
    client.force_login(writer)
    assert client.get(url.format(pk=hook.pk)).status_code == 403
    assert "Webhook endpoints" not in client.get("/admin/").content.decode()


def test_the_ping_action_posts_a_signed_ping_and_logs_the_answer(client, editor, hook, receiver):
    client.force_login(editor)
    page = _action(client, "send_ping", hook).content.decode()
    assert "App backend: ping answered HTTP 200." in page
    [request] = receiver.received
    assert request.verified and request.event["kind"] == "ping" and request.event["data"] is None
    log = client.get(DELIVERIES).content.decode()
    assert "Delivered" in log and ">ping<" in log and ">200<" in log


def test_rotating_the_secret_signs_with_both_until_the_receiver_switches(client, editor, hook, receiver):
    old = hook.secret
    client.force_login(editor)
    assert "New secret for 1 endpoint" in _action(client, "rotate_secret", hook).content.decode()
    hook.refresh_from_db()
    assert hook.secret != old and hook.previous_secret == old
    _action(client, "send_ping", hook)
    request = receiver.received[-1]
    header = request.headers["Newsroom-Signature"]
    assert header.count("v1=") == 2
    assert verify(header, request.body, old) and verify(header, request.body, hook.secret)


def test_the_delivery_log_shows_codes_and_filters_and_a_failed_one_is_sent_again(client, commit, editor, hook, receiver):
    receiver.status = 503
    with commit():
        story = build_story(headline="Sent later")
    client.force_login(editor)
    retrying = client.get(DELIVERIES, {"outcome": "retrying", "endpoint__id__exact": hook.pk}).content.decode()
    assert "Retrying (1 failed)" in retrying and ">503<" in retrying and "HTTP 503 Service Unavailable" in retrying
    assert "Retrying (1 failed)" not in client.get(DELIVERIES, {"outcome": "delivered"}).content.decode()
    assert "given-up deliveries are kept 30 days; pending ones until done" in retrying  # what the log keeps, said

    receiver.status = 200
    with commit():
        delivery = Delivery.objects.get(kind="story", object_id=story.pk)
        page = _action(client, "retry_now", delivery, DELIVERIES).content.decode()
    assert "1 delivery queued to be sent again" in page
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 2 and delivery.response_status == 200
    detail = client.get(delivery.get_absolute_url())
    assert detail.status_code == 200 and "Sent later" not in detail.content.decode()  # the log keeps codes, not bodies


def test_a_disabled_endpoint_is_flagged_with_its_reason_and_re_enabled(client, editor, hook):
    client.force_login(editor)
    _action(client, "disable", hook)
    listing = client.get(ENDPOINTS).content.decode()
    assert "Disabled" in listing and f"Disabled by {editor.first_name}" in listing
    assert "Re-enabled 1 endpoint" in _action(client, "enable", hook).content.decode()
    hook.refresh_from_db()
    assert hook.active and hook.disabled_reason == ""


def test_the_change_page_buttons_save_then_ping_or_rotate(client, editor, hook, receiver):
    client.force_login(editor)
    page = client.get(hook.get_absolute_url()).content.decode()
    assert 'name="_ping"' in page and 'name="_rotate_secret"' in page and 'name="_enable"' not in page
    form = {"name": "Renamed backend", "url": hook.url, "kinds": ["story"]}
    page = client.post(hook.get_absolute_url(), {**form, "_ping": "1"}, follow=True).content.decode()
    assert "Renamed backend: ping answered HTTP 200." in page and receiver.received[-1].event["kind"] == "ping"
    old = hook.secret
    client.post(hook.get_absolute_url(), {**form, "_rotate_secret": "1"})
    hook.refresh_from_db()
    assert hook.name == "Renamed backend" and hook.kinds == ["story"] and hook.secret != old and hook.previous_secret == old
