"""Editors' actions on outlets and ingested articles: save or delete an outlet,
confirm or remove a topic match, cite an article on a story."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import public_change

from .models import ArticleTopic, Outlet, SourceArticle


@transaction.atomic
def outlet_save(*, outlet: Outlet) -> Outlet:
    """Save ``outlet``; it and what shows it (live stories citing it) are recorded as changed.

    Every path that creates or changes an outlet goes through here (the admin,
    OPML import, the demo loader), so replaying the log gives every outlet.
    """
    with public_change(ChangeEvent.Kind.OUTLET, outlet):
        outlet.save()
    return outlet


@transaction.atomic
def outlet_delete(*, outlet: Outlet) -> None:
    """Delete ``outlet``; it is logged as gone and the live stories that showed it as changed."""
    with public_change(ChangeEvent.Kind.OUTLET, outlet):
        outlet.delete()


class CiteError(Exception):
    """The article cannot be cited on that story; the message is shown to the editor."""


def article_topic_decide(*, link: ArticleTopic, status: str, actor) -> ArticleTopic:
    """Confirm or remove a topic match, recording who decided and when."""
    if status not in ArticleTopic.Status.values:
        raise ValueError(f"unknown status {status!r}")
    link.status = status
    link.decided_by = actor
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at"] if link.pk else None)
    return link


def article_topics_decide(*, links, status: str, actor) -> int:
    """The same for many matches at once (admin list action)."""
    return links.update(status=status, decided_by=actor, decided_at=timezone.now())


@transaction.atomic
def story_cite_article(*, story, article: SourceArticle, actor):
    """Add ``article`` to the story's working copy as a citation, recorded as a save.

    The claim starts as the article's headline for the editor to rewrite. Citing
    the same URL twice returns the existing citation (a double click adds nothing).
    """
    from stories import workflow
    from stories.models import Citation

    if not workflow.story_can_edit(story=story, actor=actor):
        raise CiteError("You may not edit this story in its current state.")
    story = workflow.story_lock_for_save(story=story, expected_version=None)
    existing = story.citations.filter(url=article.url).first()
    if existing is not None:
        return existing
    position = (story.citations.aggregate(last=Max("position"))["last"] or 0) + 1
    citation = Citation.objects.create(
        story=story, position=position, outlet_id=article.outlet_id, url=article.url, source_article=article,
        claim=article.title[:600],
    )
    workflow.story_saved(story=story, actor=actor, message=f"Cited {article.outlet}: {article.title[:200]}")
    return citation
