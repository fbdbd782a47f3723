"""Presence and the soft lock: who else has the story open, the first editor holds the lock, a save by someone
else is refused while the holder's page beats (their typing kept), take-over moves the lock, a silent page
frees it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from stories.models import Autosave, Presence, Story
from tests.factories import UserFactory, build_story
from tests.stories.test_admin import admin_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(editor):
    other = UserFactory(username="olga-editor", first_name="Olga", last_name="Ortiz", is_staff=True)
    other.groups.add(Group.objects.get(name="Editor"))
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    return first, second


def test_the_second_editor_sees_who_holds_the_lock_and_cannot_save_over_them_until_taking_over(two_editors):
    first, second = two_editors
    story = build_story(publish=False, headline="Original")
    first.get(change_url(story))  # Eddie opens it first: he holds the lock
    page = second.get(change_url(story)).content.decode()
    assert "Also open by Editor" in page and "Editor is editing this story and holds the lock" in page
    assert "Take over the lock" in page

    typed = admin_form_data(second.get(change_url(story)))
    typed["headline"] = "Olga's headline"
    response = second.post(change_url(story), typed)
    assert response.status_code == 302 and response["Location"].endswith("?restore=1")
    assert Story.objects.get(pk=story.pk).headline == "Original"
    kept = second.get(response["Location"]).content.decode()
    assert 'value="Olga&#x27;s headline"' in kept  # her typing is back in her form

    second.post(f"/admin/stories/story/{story.pk}/lock/take/")
    assert first.post(f"/admin/stories/story/{story.pk}/presence/").json()["lock"] == {"mine": False, "holder": "Olga Ortiz"}
    again = admin_form_data(second.get(response["Location"]))
    assert second.post(change_url(story), again).status_code == 302
    assert Story.objects.get(pk=story.pk).headline == "Olga's headline"
    assert not Autosave.objects.exists()


def test_a_page_that_stopped_beating_frees_the_lock(two_editors):
    first, second = two_editors
    story = build_story(publish=False)
    first.get(change_url(story))
    Presence.objects.filter(story=story).update(seen_at=timezone.now() - timedelta(minutes=5))  # tab closed
    assert 'class="presence-take" hidden>' in second.get(change_url(story)).content.decode()  # hers: nothing to take
    state = second.post(f"/admin/stories/story/{story.pk}/presence/").json()
    assert state == {"others": [], "lock": {"mine": True, "holder": "Olga Ortiz"}}


def test_the_heartbeat_is_for_those_who_may_edit_the_story(client, writer, editor):
    story = build_story(publish=False, author=editor)
    client.force_login(writer)
    assert client.post(f"/admin/stories/story/{story.pk}/presence/").status_code == 403
    assert client.get(f"/admin/stories/story/{story.pk}/presence/").status_code == 405
