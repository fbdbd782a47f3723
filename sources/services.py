"""Editors' actions on outlets and ingested articles: save or delete an outlet,
confirm or remove a topic match, cite an article on a story."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newsroom.signals import public_content_changed

from .models import ArticleTopic, Outlet, SourceArticle


@transaction.atomic
def outlet_save(*, outlet: Outlet) -> Outlet:
    """Save ``outlet``; the live stories citing it change with it (their pages show its name).

    Outlets are not in the API change log themselves; the live stories that
    show the outlet are recorded as changed (API sync re-sends them), and the
    outlet change is announced on commit (their kept pages and cached pages expire).
    """
    outlet.save()
    _live_stories_changed(stories=outlet.live_stories.live().values_list("id", "live_slug"))
    _announce(outlet_id=outlet.pk, action="upsert")
    return outlet


@transaction.atomic
def outlet_delete(*, outlet: Outlet) -> None:
    """Delete ``outlet``; the live stories that showed it are recorded as changed."""
    from stories.models import Story

    story_ids = list(outlet.live_stories.live().values_list("id", flat=True))
    pk = outlet.pk
    outlet.delete()
    _live_stories_changed(stories=Story.objects.filter(pk__in=story_ids).values_list("id", "live_slug"))
    _announce(outlet_id=pk, action="delete")


def _live_stories_changed(*, stories) -> None:
    from stories.changes import change_record
    from stories.models import ChangeEvent

    for story_id, story_slug in stories:
        change_record(kind=ChangeEvent.Kind.STORY, object_id=story_id, slug=story_slug, action=ChangeEvent.Action.UPSERT)


def _announce(*, outlet_id: int, action: str) -> None:
    transaction.on_commit(
        lambda: public_content_changed.send(sender=Outlet, kind="outlet", object_id=outlet_id, action=action)
    )


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
