"""A live story follows an event: its page shows what joined the event since it was last published, each
citable; the desk flags it; the story form chooses the event."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, EventArticle
from events.services import event_articles_move, event_merge
from stories.models import Story
from stories.workflow import story_publish
from tests.events.builders import event_with, outlet
from tests.factories import build_story
from tests.stories.test_admin import admin_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(editor):
    """A live story published 3 hours ago following an event; one article joined before, two after."""
    event = event_with(
        "Floods in the valley",
        [
            {"outlet": outlet("Before Times", "GB"), "hours_ago": 5, "title": "River rises", "joined_hours_ago": 5},
            {"outlet": outlet("After Post", "US"), "hours_ago": 1, "title": "Town evacuated", "joined_hours_ago": 1},
            {"outlet": outlet("Late Wire", "FR", "fr"), "hours_ago": 0.5, "title": "Pont fermé", "language": "fr",
             "joined_hours_ago": 0.5},
        ],
    )  # fmt: skip
    story = build_story(headline="Floods: what we know", publish=False)
    Story.objects.filter(pk=story.pk).update(follows_event=event)
    story = story_publish(story=Story.objects.get(pk=story.pk), actor=editor)
    Story.objects.filter(pk=story.pk).update(last_published_at=timezone.now() - timedelta(hours=3))
    return {"event": event, "story": Story.objects.get(pk=story.pk)}


def _arrivals(page: str) -> list[str]:
    section = re.search(r'<ul class="event-arrivals".*?</ul>', page, re.S)
    return re.findall(r'rel="noopener noreferrer">([^<]+)</a>', section.group(0)) if section else []


def test_the_story_page_shows_what_joined_the_event_since_it_was_last_published_each_citable(client, editor, followed):
    story = followed["story"]
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    assert "Developing event" in page
    assert _arrivals(page) == ["Pont fermé", "Town evacuated"]  # newest first; the article from before is not there
    assert page.count('name="_cite"') >= 2
    town = EventArticle.objects.get(article__title="Town evacuated").article
    response = client.post(f"/admin/stories/story/{story.pk}/cite/", {"cite_article": town.pk})
    assert response.status_code == 302
    assert story.citations.filter(url=town.url, claim="Town evacuated").exists()
    assert _arrivals(client.get(change_url(story)).content.decode()) == ["Pont fermé"]  # cited: no longer offered


def test_articles_moved_in_by_an_editor_count_as_arrived_and_a_merged_event_is_followed_to_its_survivor(client, editor, followed):
    story, event = followed["story"], followed["event"]
    other = event_with("Dam under pressure", [{"outlet": outlet("Dam Daily", "US"), "title": "Dam holds", "joined_hours_ago": 9}])
    event_merge(event=event, into=other, actor=editor)  # the followed event is merged away
    client.force_login(editor)
    assert _arrivals(client.get(change_url(story)).content.decode()) == ["Pont fermé", "Town evacuated"]
    moved = event_with("Stray", [{"outlet": outlet("Stray FM", "IE"), "title": "Levee breach", "joined_hours_ago": 20}])
    article_id = moved.memberships.get().article_id
    event_articles_move(article_ids=[article_id], from_event_id=moved.pk, to_event=other, actor=editor)
    assert _arrivals(client.get(change_url(story)).content.decode())[0] == "Levee breach"


def test_the_desk_flags_live_stories_whose_event_moved_on_until_they_are_published_again(client, editor, writer, followed):
    story = followed["story"]
    build_story(headline="Quiet follower")  # follows nothing
    client.force_login(editor)
    desk = client.get("/admin/").content.decode()
    panel = re.search(r'<section class="desk-panel desk-followed.*?</section>', desk, re.S).group(0)
    assert "Floods: what we know" in panel and "2 new articles on “Floods in the valley” since published" in panel
    assert "Quiet follower" not in panel
    story_publish(story=story, actor=editor)
    desk = client.get("/admin/").content.decode()
    assert "Floods: what we know" not in re.search(r'<section class="desk-panel desk-followed.*?</section>', desk, re.S).group(0)


def test_a_writer_sees_the_flag_on_their_published_story(client, writer, followed):
    story = followed["story"]
    story.story_authors.create(user=writer, position=0)
    client.force_login(writer)
    desk = client.get("/admin/").content.decode()
    panel = re.search(r'<section class="desk-panel desk-published.*?</section>', desk, re.S).group(0)
    assert "Floods: what we know" in panel and "2 new on its event" in panel


def test_the_story_form_chooses_the_event_to_follow_and_the_autocomplete_offers_live_events_only(client, editor):
    live = event_with("Strike at the port", [{"outlet": outlet("Harbour News", "NL")}])
    merged = event_with("Port strike", [{"outlet": outlet("Dock Times", "NL")}])
    Event.objects.filter(pk=merged.pk).update(merged_into=live)
    story = build_story(publish=False, headline="Port story")
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(story)))
    data.update(follows_event=live.pk, _continue="1")
    assert client.post(change_url(story), data).status_code == 302
    assert Story.objects.get(pk=story.pk).follows_event_id == live.pk
    found = client.get(
        "/admin/autocomplete/",
        {"term": "strike", "app_label": "stories", "model_name": "story", "field_name": "follows_event"},
    ).json()
    assert [r["text"] for r in found["results"]] == ["Strike at the port"]
