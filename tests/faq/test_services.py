"""Common questions in the change log: published saves are upserts; leaving public view is a tombstone."""

import pytest

from faq.models import CommonQuestion
from faq.services import question_delete, question_save
from newsroom.changes.models import ChangeEvent
from stories.models import StoryQuestion
from stories.workflow import story_publish
from tests.factories import TopicFactory, UserFactory, build_story
from tests.stories.test_admin import admin_form_data

pytestmark = pytest.mark.django_db

D, P = CommonQuestion.Status.DRAFT, CommonQuestion.Status.PUBLISHED


def _log():
    return list(ChangeEvent.objects.order_by("id").values_list("kind", "object_id", "action"))


def test_a_draft_records_nothing_and_publishing_records_an_upsert():
    question = question_save(question=CommonQuestion(question="Why?", slug="why", status=D))
    assert _log() == []
    question.status = P
    question_save(question=question)
    assert _log() == [("question", question.pk, "upsert")]
    assert question.published_at is not None


def test_back_to_draft_is_a_tombstone_and_updates_linked_stories():
    question = question_save(question=CommonQuestion(question="Why?", slug="why", status=P))
    story = build_story(publish=False)
    StoryQuestion.objects.create(story=story, question=question)
    story_publish(story=story, actor=None)
    question.status = D
    question_save(question=question)
    assert _log()[-2:] == [("question", question.pk, "delete"), ("story", story.pk, "upsert")]


def test_deleting_a_published_question_is_a_tombstone_and_a_draft_is_silent():
    published = question_save(question=CommonQuestion(question="A?", slug="a", status=P))
    draft = question_save(question=CommonQuestion(question="B?", slug="b", status=D))
    pk = published.pk
    question_delete(question=published)
    question_delete(question=draft)
    assert _log() == [("question", pk, "upsert"), ("question", pk, "delete")]


def test_the_admin_saves_through_the_service(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/faq/commonquestion/add/",
        {
            "question": "What next?",
            "slug": "what-next",
            "teaser": "",
            "status": "published",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-position": "0",
            "items-0-question": "Sub?",
            "items-0-answer": "<p>Answer.</p>",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    question = CommonQuestion.objects.get(slug="what-next")
    assert _log() == [("question", question.pk, "upsert")]
    assert question.items.count() == 1 and question.published_at is not None


def test_a_topic_given_or_taken_in_the_admin_form_is_re_sent_with_the_question(client):
    """The form's topics are saved with the question, inside the recorded change: both topics' details change."""
    old, new = TopicFactory(name="Old"), TopicFactory(name="New")
    question = question_save(question=CommonQuestion(question="Why?", slug="why", status=P))
    question.topics.add(old)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/faq/commonquestion/{question.pk}/change/"
    data = admin_form_data(client.get(url))
    data["topics"] = [str(new.pk)]
    before = ChangeEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    assert set(_log()[before:]) == {("question", question.pk, "upsert"), ("topic", old.pk, "upsert"), ("topic", new.pk, "upsert")}
    assert [q["slug"] for q in client.get(f"/api/v1/topics/{new.slug}/").json()["questions"]] == ["why"]
