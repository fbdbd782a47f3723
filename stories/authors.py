"""Author pages: who is shown, the byline links of a story page, and profile writes.

A person's page exists while they are credited on a live story
(``Story.live_authors``, set when a story is published): the one gate that
keeps an author page, like every public page, to published content.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import change_record

from .models import AuthorProfile, Story
from .selectors import story_list_live, with_picture


def author_stories(*, profile: AuthorProfile) -> QuerySet[Story]:
    """The live stories crediting the person of ``profile``, newest first."""
    return story_list_live().filter(live_authors=profile.user_id)


def author_page(*, slug: str) -> AuthorProfile:
    """The profile at ``slug`` with its photo, if its person is credited on a live story.

    Raises ``AuthorProfile.DoesNotExist`` otherwise: a person with no live story has no public page.
    """
    credited = Exists(Story.objects.live().filter(live_authors=OuterRef("user_id")))
    return with_picture(AuthorProfile.objects.select_related("user"), "photo").filter(credited).get(slug=slug)


@transaction.atomic
def author_profile_save(*, profile: AuthorProfile, related: Callable[[], object] | None = None) -> AuthorProfile:
    """Save ``profile``; the live stories crediting its person change (their bylines link to it)."""
    profile.save()
    if related is not None:
        related()
    _credited_stories_changed(profile.user_id)
    return profile


@transaction.atomic
def author_profile_delete(*, profile: AuthorProfile) -> None:
    """Delete ``profile``: the page goes, and the bylines crediting its person become plain text."""
    user_id = profile.user_id
    profile.delete()
    _credited_stories_changed(user_id)


def _credited_stories_changed(user_id: int) -> None:
    # Recorded as changes of those stories: the pipeline re-renders their pages
    # and purges every cache that shows them (newsroom/changes).
    stories = list(Story.objects.live().filter(live_authors=user_id).only("id"))
    if stories:
        change_record(ChangeEvent.Kind.STORY, *stories)
