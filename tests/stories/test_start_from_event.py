"""Start a story from an event: a draft with the four sections in order, one citation per outlet (its latest
article), the event's topics, earlier live stories in "How we got here"; a double click makes one draft."""

import re

import pytest

from events.services import event_merge
from stories.models import Story
from stories.workflow import story_publish, story_unpublish
from tests.events.builders import event_with, outlet
from tests.factories import TopicFactory, UserFactory, build_story
from tests.stories.test_admin import admin_form_data

pytestmark = pytest.mark.django_db


def start_url(event) -> str:
    return f"/admin/stories/story/start-from-event/{event.pk}/"


@pytest.fixture
def world():
    peru, mexico, removed = TopicFactory(name="Peru"), TopicFactory(name="Mexico"), TopicFactory(name="Chile")
    reuters, ap, jornada = outlet("Reuters", "GB"), outlet("AP News", "US"), outlet("La Jornada", "MX", "es")
    event = event_with(
        "Peru recalls its ambassador from Mexico",
        [
            {"outlet": reuters, "hours_ago": 9, "title": "Peru recalls envoy", "topics": [peru]},
            {"outlet": reuters, "hours_ago": 2, "title": "Peru's envoy leaves Mexico City", "summary": "The envoy left.",
             "topics": [peru, mexico]},
            {"outlet": ap, "hours_ago": 4, "title": "Lima and Mexico City trade barbs", "topics": [mexico], "removed": [removed]},
            {"outlet": jornada, "hours_ago": 3, "title": "Perú retira a su embajador", "language": "es", "topics": [peru]},
        ],
    )  # fmt: skip
    older = build_story(headline="Why Peru and Mexico fell out", topics=0)
    older.story_topics.create(topic=peru, position=0)
    older = story_publish(story=older, actor=None)
    newer = build_story(headline="Mexico's asylum tradition", publish=False)
    newer.story_topics.create(topic=mexico, position=0)
    newer = story_publish(story=newer, actor=None)
    draft = build_story(headline="A draft on Peru", publish=False)
    draft.story_topics.create(topic=peru, position=0)
    gone = build_story(headline="Taken down", publish=False)
    gone.story_topics.create(topic=peru, position=0)
    story_unpublish(story=story_publish(story=gone, actor=None), actor=None)
    build_story(headline="Unrelated live story", topics=1)
    Story.objects.filter(pk=older.pk).update(first_published_at=newer.first_published_at.replace(year=2025))
    return {"event": event, "peru": peru, "mexico": mexico}


def test_a_writer_starts_a_story_and_lands_on_a_filled_draft(client, writer, world):
    event = world["event"]
    client.force_login(writer)
    response = client.post(start_url(event))
    story = Story.objects.get(follows_event=event)
    assert response.status_code == 302 and response["Location"] == f"/admin/stories/story/{story.pk}/change/"
    assert story.status == Story.Status.DRAFT and story.headline == event.title and story.author_ids == [writer.pk]
    blocks = list(story.blocks.order_by("position"))
    assert [b.kind for b in blocks] == ["whats_happened", "behind_headline", "papers_say", "how_we_got_here"]
    # One citation per outlet, each its most recent article in the event, the headline as the claim to rewrite.
    cited = [(c.outlet.name, c.claim, c.source_article.title) for c in story.citations.select_related("outlet", "source_article")]
    assert sorted(cited) == [
        ("AP News", "Lima and Mexico City trade barbs", "Lima and Mexico City trade barbs"),
        ("La Jornada", "Perú retira a su embajador", "Perú retira a su embajador"),
        ("Reuters", "Peru's envoy leaves Mexico City", "Peru's envoy leaves Mexico City"),
    ]
    assert all(c.url == c.source_article.url for c in story.citations.all())
    assert [t.topic.name for t in story.story_topics.select_related("topic")] == ["Peru", "Mexico"]  # Chile was removed
    got_here = blocks[3].body
    assert re.findall(r'<a href="[^"]+/story/([^/]+)/"', got_here) == [
        Story.objects.get(headline="Mexico's asylum tradition").live_slug,
        Story.objects.get(headline="Why Peru and Mexico fell out").live_slug,
    ]  # live stories only (no draft, nothing unpublished, nothing off-topic), the most recent first
    assert "Reuters: The envoy left." in blocks[1].body
    page = client.get(response["Location"]).content.decode()
    assert "3 citations (one per outlet, its latest article" in page


def test_the_started_draft_saves_from_its_form_as_it_is(client, writer, world):
    client.force_login(writer)
    story_url = client.post(start_url(world["event"]))["Location"]
    data = admin_form_data(client.get(story_url))
    data["_continue"] = "1"
    response = client.post(story_url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    story = Story.objects.get(follows_event=world["event"])
    assert story.blocks.count() == 4 and story.citations.count() == 3 and story.follows_event_id == world["event"].pk


def test_a_second_start_shows_the_draft_that_follows_the_event_instead_of_making_another(client, writer, world):
    event = world["event"]
    client.force_login(writer)
    client.post(start_url(event))
    first = Story.objects.get(follows_event=event)
    response = client.post(start_url(event))  # the double click
    page = response.content.decode()
    assert response.status_code == 200 and Story.objects.filter(follows_event=event).count() == 1
    assert "No new draft was made" in page and f'href="/admin/stories/story/{first.pk}/change/"' in page
    assert "Start another story anyway" in page
    again = client.post(start_url(event), {"anyway": "1"})
    assert again.status_code == 302 and Story.objects.filter(follows_event=event).count() == 2
    assert len(set(Story.objects.filter(follows_event=event).values_list("slug", flat=True))) == 2


def test_starting_from_a_merged_event_starts_from_the_event_it_was_merged_into(client, editor, world):
    event = world["event"]
    small = event_with("Envoy recalled", [{"outlet": outlet("El Comercio", "PE", "es"), "hours_ago": 1}])
    event_merge(event=small, into=event, actor=editor)
    client.force_login(editor)
    client.post(start_url(small))
    story = Story.objects.get(follows_event__isnull=False)
    assert story.follows_event_id == event.pk and story.citations.count() == 4


def test_only_writers_and_editors_may_start_a_story_and_only_by_post(client, writer, world):
    event = world["event"]
    client.force_login(UserFactory(username="intern", is_staff=True))
    assert client.post(start_url(event)).status_code == 403
    client.force_login(writer)
    assert client.get(start_url(event)).status_code == 405
    assert client.post("/admin/stories/story/start-from-event/999999/").status_code == 404
    assert not Story.objects.filter(follows_event=event).exists()


def test_a_title_without_latin_letters_still_gets_an_address(client, writer):
    event = event_with("انتخابات في العراق", [{"outlet": outlet("Al Arabiya", "AE", "ar")}])
    client.force_login(writer)
    client.post(start_url(event))
    assert Story.objects.get(follows_event=event).slug == f"event-{event.pk}"


def test_the_board_and_the_event_page_offer_start_a_story(client, writer, world):
    client.force_login(writer)
    for path in ("/admin/events/event/", f"/admin/events/event/{world['event'].pk}/change/"):
        page = client.get(path).content.decode()
        assert f'action="{start_url(world["event"])}"' in page, path


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_the_same_moment_make_one_draft(writer):
    """Two requests racing (a double click on a slow connection): the event's row lock lets one draft through,
    the other is told a story follows the event."""
    import threading

    from django.db import connection

    from stories.starting import EventAlreadyFollowed, story_start_from_event

    event = event_with("Bridge collapses", [{"outlet": outlet("Wire One", "US")}, {"outlet": outlet("Wire Two", "CA")}])
    barrier, outcomes = threading.Barrier(2), []

    def start():
        try:
            barrier.wait()
            story_start_from_event(event=event, actor=writer)
            outcomes.append("made")
        except EventAlreadyFollowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["made", "refused"]
    assert Story.objects.filter(follows_event=event).count() == 1
