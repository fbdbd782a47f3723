"""Writes of common questions, recorded in the public change log.

A published question is public; one back in draft, or deleted, is a
tombstone. Saving a draft that was never public records it too (a tombstone
no client holds: harmless), so the rule lives in one place, the public gate.
What shows a question (stories' "Go deeper", its topics) changes with it.
"""

from collections.abc import Callable

from django.db import transaction

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import public_change

from .models import CommonQuestion


@transaction.atomic
def question_save(*, question: CommonQuestion, related: Callable[[], object] | None = None) -> CommonQuestion:
    """Save ``question`` (keeping its first publication time) and record what readers can see change."""
    with public_change(ChangeEvent.Kind.QUESTION, question):
        question.mark_published_time()
        question.save()
        if related is not None:
            related()  # its many-to-many fields and inlines (the admin), inside the recorded change
    return question


@transaction.atomic
def question_delete(*, question: CommonQuestion) -> None:
    """Delete ``question``; a tombstone when it was public."""
    with public_change(ChangeEvent.Kind.QUESTION, question):
        question.delete()
