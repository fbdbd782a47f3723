"""Writes of common questions, recorded in the public change log.

A published question's save is an upsert; a question leaving public view
(back to draft, or deleted) is a tombstone; saving a draft changes nothing
public. Live stories that link the question ("Go deeper") change with it.
"""

from django.db import transaction

from stories.changes import change_record, stories_record_change
from stories.models import ChangeEvent, Story

from .models import CommonQuestion


@transaction.atomic
def question_save(*, question: CommonQuestion) -> CommonQuestion:
    """Save ``question`` (keeping its first publication time) and record what readers can see change."""
    was_published = (
        question.pk is not None
        and CommonQuestion.objects.filter(pk=question.pk, status=CommonQuestion.Status.PUBLISHED).exists()
    )
    question.mark_published_time()
    question.save()
    question_record_change(question=question, was_published=was_published)
    return question


def question_record_change(*, question: CommonQuestion, was_published: bool) -> None:
    """Record a saved ``question``: an upsert while published, a tombstone when it just left public view."""
    if question.is_published:
        _record(question=question, action=ChangeEvent.Action.UPSERT)
    elif was_published:
        _record(question=question, action=ChangeEvent.Action.DELETE)


@transaction.atomic
def question_delete(*, question: CommonQuestion) -> None:
    """Delete ``question``; a tombstone when it was public."""
    was_published = CommonQuestion.objects.filter(pk=question.pk, status=CommonQuestion.Status.PUBLISHED).exists()
    story_ids = list(question.live_stories.values_list("id", flat=True))
    pk, slug = question.pk, question.slug
    question.delete()
    if was_published:
        change_record(kind=ChangeEvent.Kind.QUESTION, object_id=pk, slug=slug, action=ChangeEvent.Action.DELETE)
        stories_record_change(stories=Story.objects.filter(pk__in=story_ids))


def _record(*, question: CommonQuestion, action: str) -> None:
    change_record(kind=ChangeEvent.Kind.QUESTION, object_id=question.pk, slug=question.slug, action=action)
    stories_record_change(stories=question.live_stories)
