"""Topic matches an event supports: the matcher run again over an event's articles, each with the others as context.

Matching at ingestion sees one article. A headline naming only "Chávez" is not
linked to *Betssy Chávez* unless the article itself names her in full or
speaks of what she is known for; once it has joined an event whose other
articles do, the event is the context (``topics/matching.py``). Context only
supports a match the article's own text makes (a surname, a common-word name):
it adds no topic of its own. Links already stored are kept as they are, so a
second run changes nothing, and a match an editor removed is never added back.
"""

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from sources.ingest import article_groups_topics_match
from sources.models import SourceArticle

from .models import EventArticle

CONTEXT_ARTICLES = 20  # an event's most recent articles, matched again and each one's context


def event_topics_match(*, article_ids: list[int]) -> int:
    """Match again the recent articles of the events that ``article_ids`` are in, each with its event's other
    articles as context; returns how many links were offered (stored ones are kept). Two queries."""
    event_ids = set(EventArticle.objects.filter(article_id__in=article_ids).values_list("event_id", flat=True))
    if not event_ids:
        return 0
    rows = (
        SourceArticle.objects.filter(event_link__event_id__in=event_ids)
        .annotate(
            event_id=F("event_link__event_id"),
            recent=Window(
                RowNumber(), partition_by=F("event_link__event_id"), order_by=[F("published_at").desc(nulls_last=True)]
            ),
        )
        .filter(recent__lte=CONTEXT_ARTICLES)
        .only("id", "title", "summary")
    )
    members: dict[int, list[SourceArticle]] = {}
    for article in rows:
        members.setdefault(article.event_id, []).append(article)
    # An event of one article: nothing more than ingestion saw. Each text is read once for its group.
    return article_groups_topics_match(groups=[group for group in members.values() if len(group) > 1])
