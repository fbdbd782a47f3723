"""Shareable preview links: a signed token that lets anyone holding it read a story's working copy.

The token names the story and its ``preview_key``; revoking the links
(``story_preview_revoke`` in the workflow) replaces the key, and unpublishing
stops them too. A token is valid for ``STORY_PREVIEW_MAX_AGE`` seconds.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.core.signing import TimestampSigner

from .models import Story
from .revisions import story_snapshot
from .selectors import StoryPage, story_page_from_snapshot

PREVIEW_SALT = "stories.preview"
PREVIEW_MAX_AGE = 3 * 24 * 3600  # seconds a shared preview link stays readable


def story_preview_token(*, story: Story) -> str:
    """A signed token that lets anyone holding it read the story's working copy until it expires or is revoked."""
    return TimestampSigner(salt=PREVIEW_SALT).sign(f"{story.pk}:{story.preview_key}")


def story_preview_expires(*, token: str) -> datetime:
    """When a (valid) preview token stops working: its signing time plus the allowed age."""
    signed_at = signing.b62_decode(token.rsplit(":", 2)[1])
    max_age = getattr(settings, "STORY_PREVIEW_MAX_AGE", PREVIEW_MAX_AGE)
    return datetime.fromtimestamp(signed_at + max_age, tz=UTC)


def story_preview_page(*, token: str, max_age: int | None = None) -> StoryPage:
    """The working copy behind a preview token.

    Raises ``signing.BadSignature`` (or ``SignatureExpired``) for a bad token, and ``Story.DoesNotExist``
    when the story is gone or was unpublished (a story taken down has no shareable preview), or when its
    links were revoked (``story_preview_revoke``).
    """
    max_age = getattr(settings, "STORY_PREVIEW_MAX_AGE", PREVIEW_MAX_AGE) if max_age is None else max_age
    pk, _, key = TimestampSigner(salt=PREVIEW_SALT).unsign(token, max_age=max_age).partition(":")
    stories = Story.objects.exclude(status=Story.Status.UNPUBLISHED)
    story = stories.get(pk=int(pk), preview_key=key)  # links signed before revocation name the old key
    return story_page_from_snapshot(story=story, data=story_snapshot(story=story))
