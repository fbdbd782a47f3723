"""The leak matrix: nothing but live revisions ever reaches a public page.

A draft, an in-review, a scheduled and an unpublished story, and the
unpublished edits of a published one, each tagged with the same topic,
citing the same outlet and linked to the same question, are looked for on
every public page that lists or shows stories.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from stories.models import SectionBlock, Story
from stories.workflow import story_publish, story_schedule, story_submit, story_unpublish
from tests.factories import CitationFactory, CommonQuestionFactory, OutletFactory, StoryFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(editor, writer, django_capture_on_commit_callbacks):
    # After-commit work (search index, rendered pages, cache purge) runs as in production.
    with django_capture_on_commit_callbacks(execute=True):
        return _build_world(editor, writer)


def _build_world(editor, writer):
    topic, outlet, question = TopicFactory(), OutletFactory(), CommonQuestionFactory()

    def make(name: str) -> Story:
        story = StoryFactory(headline=f"Leak {name} headline", slug=f"leak-{name}", summary=f"Leak {name} summary")
        SectionBlock.objects.create(story=story, kind="whats_happened", body=f"<p>Leak {name} body</p>")
        CitationFactory(story=story, outlet=outlet, claim=f"Leak {name} claim")
        story.story_topics.create(topic=topic)
        story.story_questions.create(question=question)
        return story

    make("draft")
    story_submit(story=make("review"), actor=writer)
    story_schedule(story=make("scheduled"), actor=editor, publish_at=timezone.now() + timedelta(hours=3))
    gone = story_publish(story=make("unpublished"), actor=editor)
    story_unpublish(story=gone, actor=editor)
    live = story_publish(story=make("live"), actor=editor)
    Story.objects.filter(pk=live.pk).update(headline="Leak edit headline", summary="Leak edit summary")
    live.blocks.update(body="<p>Leak edit body</p>")
    live.citations.update(claim="Leak edit claim")
    live.story_topics.all().delete()
    return {"topic": topic, "outlet": outlet, "question": question, "live": live}


SECRETS = ["draft", "review", "scheduled", "unpublished", "edit"]


def public_pages(world) -> list[str]:
    topic = world["topic"].get_absolute_url()
    return [
        "/",
        topic,
        world["outlet"].get_absolute_url(),
        world["question"].get_absolute_url(),
        "/story/leak-live/",
        "/search/?q=Leak",
        "/feeds/rss/",
        "/feeds/atom/",
        f"{topic}rss/",
        "/sitemap-stories.xml",
        "/sitemap-news.xml",
        "/api/v1/stories/",
        "/api/v1/stories/leak-live/",
        f"/api/v1/stories/?topic={world['topic'].slug}",
        "/api/v1/sync/",
    ]


# Machine-readable pages name the live story by its slug, not its headline.
SHOWS_HEADLINE_EXCEPT = {"/sitemap-stories.xml", "/api/v1/sync/"}


@pytest.mark.parametrize("secret", SECRETS)
def test_no_unpublished_content_on_any_public_page(client, world, secret):
    for url in public_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"Leak {secret}".encode() not in response.content, f"{secret} leaked on {url}"


def test_the_live_version_is_what_every_page_shows(client, world):
    for url in public_pages(world):
        content = client.get(url).content
        assert (b"Leak live headline" in content) or (url in SHOWS_HEADLINE_EXCEPT and b"leak-live" in content), url
    page = client.get("/story/leak-live/").content
    assert b"Leak live body" in page and b"Leak live claim" in page


@pytest.mark.parametrize(
    ("slug", "status"),
    [
        ("leak-draft", 404),
        ("leak-review", 404),
        ("leak-scheduled", 404),
        ("leak-unpublished", 410),
    ],
)
def test_story_pages_of_non_live_stories_are_not_served(client, world, slug, status):
    response = client.get(f"/story/{slug}/")
    assert response.status_code == status
    assert b"Leak" not in response.content


def test_live_querysets_hold_only_the_live_story(world):
    assert list(Story.objects.live().values_list("live_headline", flat=True)) == ["Leak live headline"]
