"""Events for tests, built as clustering would leave them: plain Event and EventArticle rows over factory articles."""

from datetime import datetime, timedelta

from django.utils import timezone

from events.models import Event, EventArticle
from events.services import event_recount
from sources.models import ArticleTopic
from tests.factories import OutletFactory, SourceArticleFactory


def outlet(name: str, country: str = "", language: str = "en"):
    return OutletFactory(name=name, country=country, language=language)


def event_with(title: str, articles: list[dict], *, now: datetime | None = None) -> Event:
    """``articles``: dicts of ``outlet``, ``hours_ago`` (published), and optionally ``title``, ``summary``,
    ``language``, ``topics`` (matched), ``removed`` (topics an editor removed), ``joined_hours_ago``."""
    now = now or timezone.now()
    event = Event.objects.create(title=title, first_seen_at=now, last_seen_at=now)
    for i, spec in enumerate(articles):
        published = now - timedelta(hours=spec.get("hours_ago", 1))
        article = SourceArticleFactory(
            outlet=spec["outlet"],
            title=spec.get("title", f"{title}, report {i + 1}"),
            summary=spec.get("summary", ""),
            language=spec.get("language", ""),
            published_at=published,
        )
        link = EventArticle.objects.create(article=article, event=event, method=EventArticle.Method.SIMILAR)
        if "joined_hours_ago" in spec:
            EventArticle.objects.filter(pk=link.pk).update(joined_at=now - timedelta(hours=spec["joined_hours_ago"]))
        for topic in spec.get("topics", []):
            ArticleTopic.objects.create(article=article, topic=topic)
        for topic in spec.get("removed", []):
            ArticleTopic.objects.create(article=article, topic=topic, status=ArticleTopic.Status.REMOVED)
    return event_recount(event=event)
