"""Editors' actions on outlets and ingested articles: save or delete an outlet,
confirm or remove a topic match. (Citing an article on a story is a story write: ``stories/citing.py``.)"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import public_change
from topics.models import TopicAlias
from topics.services import alias_needs_review

from .models import ArticleTopic, Outlet


@transaction.atomic
def outlet_save(*, outlet: Outlet, related: Callable[[], object] | None = None) -> Outlet:
    """Save ``outlet``; it and what shows it (live stories citing it) are recorded as changed.

    Every path that creates or changes an outlet goes through here (the admin,
    OPML import, the demo loader), so replaying the log gives every outlet.
    """
    with public_change(ChangeEvent.Kind.OUTLET, outlet):
        outlet.save()
        if related is not None:
            related()  # its many-to-many fields and inlines (the admin), inside the recorded change
    return outlet


@transaction.atomic
def outlet_delete(*, outlet: Outlet) -> None:
    """Delete ``outlet``; it is logged as gone and the live stories that showed it as changed."""
    with public_change(ChangeEvent.Kind.OUTLET, outlet):
        outlet.delete()


def article_topic_decide(*, link: ArticleTopic, status: str, actor) -> ArticleTopic:
    """Confirm or remove a topic match, recording who decided and when; the alias that made it is recounted."""
    if status not in ArticleTopic.Status.values:
        raise ValueError(f"unknown status {status!r}")
    link.status = status
    link.decided_by = actor
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at"] if link.pk else None)
    topic_aliases_recount(pairs={(link.topic_id, link.matched_as)})
    return link


def article_topics_decide(*, links, status: str, actor) -> int:
    """The same for many matches at once (admin list action)."""
    pairs = set(links.order_by().values_list("topic_id", "matched_as").distinct())
    count = links.update(status=status, decided_by=actor, decided_at=timezone.now())
    topic_aliases_recount(pairs=pairs)
    return count


def topic_aliases_recount(*, pairs: Iterable[tuple[int, str]]) -> list[TopicAlias]:
    """Count editors' decisions per (topic, alias) and switch off an alias editors keep removing.

    For each pair: the confirmed and removed matches that alias produced (all
    time); then, counting only decisions made since an editor last reviewed the
    alias, ``ALIAS_REVIEW_MIN_DECISIONS`` decisions or more of which
    ``ALIAS_REVIEW_REMOVED_SHARE`` or more were removals flag it and switch it
    off for future matching (``topics.matching`` leaves it out). Idempotent:
    counts are recomputed, never incremented.
    """
    states = []
    now = timezone.now()
    for topic_id, alias in pairs:
        if not alias:
            continue  # a link added by hand, or matched before aliases were recorded
        links = ArticleTopic.objects.filter(topic_id=topic_id, matched_as=alias)
        counts = links.aggregate(
            confirmed=Count("id", filter=Q(status=ArticleTopic.Status.CONFIRMED)),
            removed=Count("id", filter=Q(status=ArticleTopic.Status.REMOVED)),
        )
        with transaction.atomic():
            state, _ = TopicAlias.objects.select_for_update().get_or_create(topic_id=topic_id, alias=alias)
            state.confirmed, state.removed = counts["confirmed"], counts["removed"]
            if not state.is_disabled:
                recent = links.exclude(status=ArticleTopic.Status.MATCHED)
                if state.reviewed_at is not None:
                    recent = recent.filter(decided_at__gt=state.reviewed_at)
                recent_counts = recent.aggregate(
                    decisions=Count("id"), removed=Count("id", filter=Q(status=ArticleTopic.Status.REMOVED))
                )
                if alias_needs_review(decisions=recent_counts["decisions"], removed=recent_counts["removed"]):
                    state.is_disabled = True
                    state.flagged_at = now
            state.save()
        states.append(state)
    return states
