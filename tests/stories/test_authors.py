"""A story's authors: one or more, in byline order, shown by their display names wherever the story is shown,
told of the steps that concern them, and each able to edit the draft."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from stories.workflow import story_publish, story_return, story_submit
from tests.factories import UserFactory, build_story
from tests.stories.test_admin import admin_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana_and_ben(db):
    ana = UserFactory(username="ana", first_name="Ana", last_name="Ruiz", email="ana@example.com", is_staff=True)
    ben = UserFactory(username="ben", first_name="Ben", last_name="Ode", email="ben@example.com", is_staff=True)
    for person in (ana, ben):
        person.groups.add(Group.objects.get(name="Writer"))
    return ana, ben


def test_the_byline_names_every_author_in_order_on_the_page_in_the_api_and_for_search_engines(client, ana_and_ben):
    ana, ben = ana_and_ben
    story = build_story(publish=False, authors=[ben, ana], headline="Two reporters, one story")
    story = story_publish(story=story, actor=None)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "By Ben Ode and Ana Ruiz" in page
    ld = next(
        data
        for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
        for data in [json.loads(block)]
        if data.get("@type") == "NewsArticle"
    )
    assert ld["author"] == [{"@type": "Person", "name": "Ben Ode"}, {"@type": "Person", "name": "Ana Ruiz"}]
    detail = client.get(f"/api/v1/stories/{story.live_slug}/").json()
    assert detail["author"] == "Ben Ode and Ana Ruiz" and detail["authors"] == ["Ben Ode", "Ana Ruiz"]
    assert client.get(f"/api/v1/stories/{story.live_slug}/ninjs/").json()["by"] == "Ben Ode and Ana Ruiz"


def test_a_byline_change_is_an_unpublished_change_until_published(client, editor, ana_and_ben):
    ana, ben = ana_and_ben
    story = build_story(authors=[ana])
    client.force_login(editor)  # the editor credits Ben in the story's Authors box and saves
    data = admin_form_data(client.get(change_url(story)))
    data.update({"story_authors-TOTAL_FORMS": "2", "story_authors-1-user": str(ben.pk), "story_authors-1-position": "1"})
    assert client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.has_unpublished_changes  # the list and the desk say so
    client.logout()
    before = client.get(story.get_absolute_url()).content.decode()
    assert "By Ana Ruiz" in before and "Ben Ode" not in before  # readers see the published byline
    story = story_publish(story=story, actor=None)
    assert "Ana Ruiz and Ben Ode" in re.sub(r"<[^>]+>", "", client.get(story.get_absolute_url()).content.decode())
    compare = story.revisions.order_by("-id")[0].data
    assert compare["author_name"] == "Ana Ruiz and Ben Ode" and compare["author_names"] == ["Ana Ruiz", "Ben Ode"]


def test_every_author_hears_of_a_return_and_each_finds_the_story_on_their_desk(
    client, editor, ana_and_ben, django_capture_on_commit_callbacks
):
    ana, ben = ana_and_ben
    story = build_story(publish=False, authors=[ana, ben], headline="The river's course")
    story_submit(story=story, actor=ana)
    with django_capture_on_commit_callbacks(execute=True):
        story_return(story=story, actor=editor, comment="Name the second dam.")
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "ben@example.com"]
    for person in (ana, ben):
        client.force_login(person)
        desk = client.get("/admin/").content.decode()
        assert "The river&#x27;s course" in desk and "Name the second dam." in desk
