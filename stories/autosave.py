"""Autosave: what someone typed in a story's form, kept every few seconds until they save (``Autosave``)."""

from django.http import QueryDict
from django.utils import timezone

from .models import Autosave, Story

MAX_FIELDS = 5000
MAX_CHARS = 2_000_000  # a story of 12 sections and 15 citations is about 60,000


class AutosaveRefused(ValueError):
    """Not a form's fields, or too large to keep."""


def autosave_keep(*, user, story: Story | None, pairs) -> Autosave:
    """Keep ``pairs`` ([name, value] of the form's fields) as ``user``'s unsaved edits of ``story`` (None: a new one)."""
    if not isinstance(pairs, list) or len(pairs) > MAX_FIELDS:
        raise AutosaveRefused("expected a list of form fields")
    size = 0
    clean = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise AutosaveRefused("each field is a [name, value] pair of strings")
        if pair[0] == "csrfmiddlewaretoken":
            continue
        size += len(pair[0]) + len(pair[1])
        clean.append(pair)
    if size > MAX_CHARS:
        raise AutosaveRefused(f"larger than {MAX_CHARS:,} characters")
    autosave, _ = Autosave.objects.update_or_create(user=user, story=story, defaults={"data": clean, "saved_at": timezone.now()})
    return autosave


def autosave_for(*, user, story_id: int | None) -> Autosave | None:
    return Autosave.objects.filter(user=user, story_id=story_id).first()


def autosave_forget(*, user, story: Story | None) -> None:
    Autosave.objects.filter(user=user, story=story).delete()


def autosave_query(autosave: Autosave) -> QueryDict:
    """The kept fields as the form would post them."""
    data = QueryDict(mutable=True)
    for name, value in autosave.data:
        data.appendlist(name, value)
    return data
