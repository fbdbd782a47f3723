"""Editors' actions on outlets and ingested articles: save or delete an outlet,
confirm or remove a topic match, cite an article on a story."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import ArticleTopic, Outlet, SourceArticle


@transaction.atomic
def outlet_save(*, outlet: Outlet) -> Outlet:
    """Save ``outlet``; it and the live stories citing it (their pages show its name) are recorded as changed."""
    outlet.save()
    outlet_record_change(outlet=outlet)
    return outlet


def outlet_record_change(*, outlet: Outlet) -> None:
    """Log a created or changed outlet for API sync, with the live stories that show it.

    On commit the receivers expire those stories' kept and cached pages. Every
    path that creates or changes an outlet calls this (the admin through
    ``outlet_save``, OPML import, the demo loader), so replaying the log gives every outlet.
    """
    from stories.changes import change_record, stories_record_change
    from stories.models import ChangeEvent

    change_record(kind=ChangeEvent.Kind.OUTLET, object_id=outlet.pk, slug=outlet.slug, action=ChangeEvent.Action.UPSERT)
    stories_record_change(stories=outlet.live_stories)


@transaction.atomic
def outlet_delete(*, outlet: Outlet) -> None:
    """Delete ``outlet``; it is logged as gone and the live stories that showed it as changed."""
    from stories.changes import change_record, stories_record_change
    from stories.models import ChangeEvent, Story

    story_ids = list(outlet.live_stories.values_list("id", flat=True))
    pk, slug = outlet.pk, outlet.slug
    outlet.delete()
    change_record(kind=ChangeEvent.Kind.OUTLET, object_id=pk, slug=slug, action=ChangeEvent.Action.DELETE)
    stories_record_change(stories=Story.objects.filter(pk__in=story_ids))


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
