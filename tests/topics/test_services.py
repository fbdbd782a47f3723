"""Saving or deleting a topic records it in the public change log (API sync, cache purges)."""

import pytest

from newsroom.changes.models import ChangeEvent
from stories.models import StoryTopic
from stories.workflow import story_publish
from tests.factories import TopicFactory, UserFactory, build_story
from topics.models import Topic
from topics.services import topic_delete, topic_save

pytestmark = pytest.mark.django_db


def _log():
    return list(ChangeEvent.objects.order_by("id").values_list("kind", "object_id", "action"))


def test_saving_a_topic_records_it_and_the_live_stories_showing_it(django_capture_on_commit_callbacks):
    topic = TopicFactory()
    story = build_story(publish=False)
    StoryTopic.objects.create(story=story, topic=topic)
    story_publish(story=story, actor=None)
    build_story(publish=False).story_topics.create(topic=topic)  # a draft: nothing public to update
    before = ChangeEvent.objects.count()
    topic.name = "Renamed"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        topic_save(topic=topic)
    assert _log()[before:] == [("topic", topic.pk, "upsert"), ("story", story.pk, "upsert")]
    assert len(callbacks) == 1  # the whole batch, handed to the pipeline after commit


def test_deleting_a_topic_leaves_a_tombstone():
    topic = topic_save(topic=Topic(name="Gone", slug="gone"))
    story = build_story(publish=False)
    StoryTopic.objects.create(story=story, topic=topic)
    story_publish(story=story, actor=None)
    pk = topic.pk
    topic_delete(topic=topic)
    assert _log()[-2:] == [("topic", pk, "delete"), ("story", story.pk, "upsert")]
    assert ChangeEvent.objects.filter(kind="topic", object_id=pk).last().slug == "gone"


def test_the_admin_saves_and_deletes_through_the_services(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/topics/topic/add/",
        {"name": "Lima", "slug": "lima", "kind": "place", "description": "", "aliases": "", "external_url": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    topic = Topic.objects.get(slug="lima")
    assert ("topic", topic.pk, "upsert") in _log()
    client.post(f"/admin/topics/topic/{topic.pk}/delete/", {"post": "yes"})
    assert not Topic.objects.filter(pk=topic.pk).exists()
    assert _log()[-1] == ("topic", topic.pk, "delete")


def test_deleting_a_topic_records_no_change_for_an_unpublished_story_tagged_with_it(editor):
    from stories.workflow import story_unpublish

    topic = topic_save(topic=Topic(name="Withdrawn", slug="withdrawn"))
    story = build_story(publish=False)
    StoryTopic.objects.create(story=story, topic=topic)
    story_publish(story=story, actor=None)
    story_unpublish(story=story, actor=editor, comment="Legal")
    assert story.live_topics.filter(pk=topic.pk).exists()  # kept from its last publication, but not public
    before = ChangeEvent.objects.count()
    pk = topic.pk
    topic_delete(topic=topic)
    assert _log()[before:] == [("topic", pk, "delete")]
