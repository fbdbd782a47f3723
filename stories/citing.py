"""Citing an ingested article on a story: a write of the story's working copy."""

from django.db import transaction
from django.db.models import Max

from sources.models import SourceArticle

from . import workflow
from .models import Citation


class CiteError(Exception):
    """The article cannot be cited on that story; the message is shown to the editor."""


@transaction.atomic
def story_cite_article(*, story, article: SourceArticle, actor):
    """Add ``article`` to the story's working copy as a citation, recorded as a save.

    The claim starts as the article's headline for the editor to rewrite. Citing
    the same URL twice returns the existing citation (a double click adds nothing).
    """
    if not workflow.story_can_edit(story=story, actor=actor):
        raise CiteError("You may not edit this story in its current state.")
    story = workflow.story_lock_for_save(story=story, expected_version=None)
    existing = story.citations.filter(url=article.url).first()
    if existing is not None:
        return existing
    position = (story.citations.aggregate(last=Max("position"))["last"] or 0) + 1
    citation = Citation.objects.create(
        story=story,
        position=position,
        outlet_id=article.outlet_id,
        url=article.url,
        source_article=article,
        claim=article.title[:600],
    )
    workflow.story_saved(story=story, actor=actor, message=f"Cited {article.outlet}: {article.title[:200]}")
    return citation
