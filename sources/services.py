"""Editors' actions on outlets and ingested articles: save or delete an outlet,
confirm or remove a topic match. (Citing an article on a story is a story write: ``stories/citing.py``.)"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import public_change

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
