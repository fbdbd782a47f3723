"""Editors see new coverage on a story's topics and cite it in one click."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sources.models import ArticleTopic
from sources.selectors import story_list_with_coverage_flag, story_new_coverage
from stories.models import Citation, Revision, Story
from tests.factories import SourceArticleFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db


def on_topic(topic, *, published_at, status=ArticleTopic.Status.MATCHED, **fields):
    article = SourceArticleFactory(published_at=published_at, **fields)
    ArticleTopic.objects.create(article=article, topic=topic, status=status)
    return article


@pytest.fixture
def story_with_coverage():
    story = build_story(topics=1)
    topic = story.story_topics.get().topic
    published = story.last_published_at
    new = on_topic(topic, published_at=published + timedelta(minutes=5), title="Lima recalls its envoy")
    on_topic(topic, published_at=published - timedelta(days=1), title="Old news")
    on_topic(TopicFactory(), published_at=published + timedelta(minutes=5), title="Other topic")
    on_topic(topic, published_at=published + timedelta(minutes=6), title="Removed match", status=ArticleTopic.Status.REMOVED)
    cited = on_topic(topic, published_at=published + timedelta(minutes=7), title="Already cited")
    Citation.objects.create(story=story, outlet=cited.outlet, url=cited.url, claim="Said so.")
    undated = on_topic(topic, published_at=None, title="Undated but first seen after publication")
    return story, new, undated


def test_new_coverage_is_on_the_storys_topics_since_its_last_publication(story_with_coverage, django_assert_num_queries):
    story, new, undated = story_with_coverage
    with django_assert_num_queries(2):
        articles = story_new_coverage(story=story)
        titles = [(a.title, a.outlet.name) for a in articles]
    assert titles == [(new.title, new.outlet.name), (undated.title, undated.outlet.name)]


def test_the_story_list_flag_says_which_stories_have_new_coverage(story_with_coverage):
    story, _, _ = story_with_coverage
    quiet = build_story(topics=1)
    draft = build_story(topics=1, publish=False)
    flags = dict(story_list_with_coverage_flag(Story.objects.all()).values_list("pk", "has_new_coverage"))
    assert flags == {story.pk: True, quiet.pk: False, draft.pk: False}


def test_the_story_change_page_lists_new_coverage_with_a_cite_button(admin_client, story_with_coverage):
    story, new, _ = story_with_coverage
    page = admin_client.get(reverse("admin:stories_story_change", args=[story.pk])).content.decode()
    assert "New coverage" in page and new.title in page and "Old news" not in page
    assert f'name="_cite" value="{new.pk}"' in page


def test_cite_saves_what_was_typed_first_so_nothing_is_lost(admin_client, story_with_coverage):
    from tests.stories.test_admin import admin_form_data

    story, new, _ = story_with_coverage
    url = reverse("admin:stories_story_change", args=[story.pk])
    data = admin_form_data(admin_client.get(url))
    data["summary"] = "Typed just before citing."
    data["_cite"] = str(new.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#citations-group")
    story.refresh_from_db()
    assert story.summary == "Typed just before citing." and story.citations.filter(source_article=new).exists()


def test_citing_takes_one_click_and_records_a_revision(admin_client, admin_user, story_with_coverage):
    story, new, _ = story_with_coverage
    cite_url = reverse("admin:stories_story_cite", args=[story.pk])
    response = admin_client.post(cite_url, {"cite_article": new.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:stories_story_change", args=[story.pk]) + "#citations-group"
    citation = story.citations.get(source_article=new)
    assert (citation.outlet, citation.url, citation.claim) == (new.outlet, new.url, new.title)
    assert Revision.objects.filter(story=story, author=admin_user, message__startswith="Cited").count() == 1
    assert new not in story_new_coverage(story=story)
    admin_client.post(cite_url, {"cite_article": new.pk})  # a double click adds nothing
    assert story.citations.filter(source_article=new).count() == 1
    story.refresh_from_db()
    assert story.has_unpublished_changes


def test_citing_needs_a_post_and_the_right_to_change_stories(client, admin_client, story_with_coverage):
    story, new, _ = story_with_coverage
    cite_url = reverse("admin:stories_story_cite", args=[story.pk])
    assert admin_client.get(cite_url).status_code == 405
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.post(cite_url, {"cite_article": new.pk}).status_code == 403
    assert not story.citations.filter(source_article=new).exists()


def test_the_story_list_flags_new_coverage_in_a_fixed_number_of_queries(admin_client, story_with_coverage):
    url = reverse("admin:stories_story_changelist")
    with CaptureQueriesContext(connection) as few:
        page = admin_client.get(url).content.decode()
    assert "New coverage" in page  # the list column
    for _ in range(5):
        build_story(topics=2)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_never_published_story_shows_the_last_weeks_coverage(db):
    story = build_story(topics=1, publish=False)
    topic = story.story_topics.get().topic
    recent = on_topic(topic, published_at=timezone.now() - timedelta(days=2))
    on_topic(topic, published_at=timezone.now() - timedelta(days=30))
    assert story_new_coverage(story=story) == [recent]
