"""Autosave: what is typed is kept for its author without touching the story, offered back after a crash, shown
restored (sections too) for a check and a save, and gone once saved or discarded."""

import json

import pytest

from stories.models import Autosave, Story
from tests.factories import build_story
from tests.stories.test_admin import admin_form_data, change_url

pytestmark = pytest.mark.django_db


def _keep(client, url, data: dict):
    fields = [[k, str(v)] for k, values in data.items() for v in (values if isinstance(values, list) else [values])]
    return client.post(url, json.dumps({"fields": fields}), content_type="application/json")


def test_kept_edits_never_touch_the_story_and_come_back_with_their_sections(client, editor):
    story = build_story(publish=False, blocks=2, headline="Saved headline")
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(story)))
    data["headline"] = "Typed, then the browser crashed"
    data["blocks-1-body"] = "<p>A paragraph typed in section two.</p>"
    response = _keep(client, f"/admin/stories/story/{story.pk}/autosave/", data)
    assert response.status_code == 200 and "saved_at" in response.json()
    fresh = Story.objects.get(pk=story.pk)
    assert (fresh.headline, fresh.version) == ("Saved headline", story.version)  # the story is untouched

    page = client.get(change_url(story)).content.decode()
    assert "You have edits that were not saved" in page and "Restore them" in page
    restored = client.get(change_url(story) + "?restore=1").content.decode()
    assert 'value="Typed, then the browser crashed"' in restored
    assert "A paragraph typed in section two." in restored and "not saved yet" in restored
    assert Story.objects.get(pk=story.pk).headline == "Saved headline"

    again = admin_form_data(client.get(change_url(story) + "?restore=1"))
    assert client.post(change_url(story), again).status_code == 302  # saving it saves what was typed
    saved = Story.objects.get(pk=story.pk)
    assert saved.headline == "Typed, then the browser crashed"
    assert saved.blocks.order_by("position")[1].body == "<p>A paragraph typed in section two.</p>"
    assert not Autosave.objects.exists()  # gone once saved


def test_a_new_story_is_kept_too_and_discarding_forgets_it(client, writer):
    client.force_login(writer)
    data = admin_form_data(client.get("/admin/stories/story/add/"))
    data["headline"] = "A story not saved once"
    assert _keep(client, "/admin/stories/story/autosave/", data).status_code == 200
    page = client.get("/admin/stories/story/add/?restore=1").content.decode()
    assert 'value="A story not saved once"' in page
    client.post("/admin/stories/story/autosave/discard/")
    assert not Autosave.objects.exists()
    assert "You have edits that were not saved" not in client.get("/admin/stories/story/add/").content.decode()


def test_only_someone_who_may_edit_the_story_keeps_edits_and_bad_payloads_are_refused(client, writer, editor):
    theirs = build_story(publish=False, author=editor)
    client.force_login(writer)
    assert _keep(client, f"/admin/stories/story/{theirs.pk}/autosave/", {"headline": "x"}).status_code == 403
    mine = build_story(publish=False, author=writer)
    url = f"/admin/stories/story/{mine.pk}/autosave/"
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert client.post(url, json.dumps({"fields": [["headline", 7]]}), content_type="application/json").status_code == 400
    assert (
        client.post(url, json.dumps({"fields": [["body", "x" * 2_000_001]]}), content_type="application/json").status_code == 400
    )
    assert client.get(url).status_code == 405
    assert not Autosave.objects.exists()
