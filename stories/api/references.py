"""The reference data stories show (topics, outlets, published questions), kept per process.

A story detail needs its topics, outlets and questions; fetching them per
request costs three queries. They are small tables that change only with a
public change, so each process keeps them in memory, keyed by the content
fingerprint that every API request computes first: any change (a topic
saved, a question published, an outlet edited) gives a new fingerprint and
the next request reloads them (three queries, once per change per process).
Nothing is shared between processes; each checks the database's fingerprint.
"""

import threading
from dataclasses import dataclass, field

from django.db.models import CharField, Expression, F, Window
from django.db.models.functions import RowNumber

from faq.models import CommonQuestion
from newsroom.api import Fingerprint, api_fingerprint
from sources.models import Outlet
from stories.models import Story
from stories.selectors import story_list_live, with_picture
from topics.models import Topic

from .serializers import references_signature

# What a topic's references and its detail show (the sync feed serialises details from these rows).
TOPIC_FIELDS = ("id", "slug", "name", "kind", "description", "external_url", "updated_at", "image")
OUTLET_FIELDS = ("id", "slug", "name", "homepage", "country", "language", "logo")


SIGNATURES_KEPT = 50_000  # distinct reference lists whose signature a map keeps (about one per story)


@dataclass(frozen=True)
class References:
    key: str
    topics: dict
    outlets: dict
    questions: dict
    signatures: dict = field(default_factory=dict, compare=False, repr=False)

    def signature(self, references: str) -> str:
        """``references_signature`` of ``references`` against these maps, computed once per list of ids (the maps
        never change: a change of any of them makes new maps)."""
        found = self.signatures.get(references)
        if found is None:
            if len(self.signatures) >= SIGNATURES_KEPT:
                self.signatures.clear()
            found = self.signatures[references] = references_signature(
                references, topics=self.topics, outlets=self.outlets, questions=self.questions
            )
        return found


_lock = threading.Lock()
_current: References | None = None


def references_for(*, fingerprint: Fingerprint) -> References:
    """The reference maps as of ``fingerprint``, loaded when it moved."""
    global _current
    current = _current
    if current is not None and current.key == fingerprint.key:
        return current
    with _lock:
        fresh = References(
            key=fingerprint.key,
            topics=with_picture(Topic.objects.only(*TOPIC_FIELDS)).in_bulk(),
            outlets=with_picture(Outlet.objects.only(*OUTLET_FIELDS), "logo").in_bulk(),
            questions=with_picture(
                CommonQuestion.objects.published().only("id", "slug", "question", "teaser", "image")
            ).in_bulk(),
        )
        _current = fresh
    return fresh


# What a story page needs from the story row and its live revision (not the working copy, not the search text).
PAGE_FIELDS = ("id", "status", "live_slug", "live_revision", "first_published_at", "last_published_at", "live_revision__data")


def reset() -> None:
    """Forget the maps (tests roll the database back under an unchanged fingerprint)."""
    global _current
    _current = None


def view_references(view) -> References:
    """The references for a request, from the fingerprint its view computed first."""
    return references_for(fingerprint=getattr(view, "fingerprint", None) or api_fingerprint())


class LiveTopicIds(Expression):
    """A story's live topics' ids ("3,8,12"): a correlated subquery written out once. The ORM's version (a
    Subquery of a StringAgg of a Cast) cost more to compile at every request than to run (0.4 ms of a list)."""

    output_field = CharField()

    def as_sql(self, compiler, connection, aggregate="string_agg(topic_id::text, ',')"):
        links = connection.ops.quote_name(Story.live_topics.through._meta.db_table)
        story = compiler.quote_name(compiler.query.get_initial_alias())
        return f"(SELECT {aggregate} FROM {links} WHERE story_id = {story}.id)", []

    def as_sqlite(self, compiler, connection):
        return self.as_sql(compiler, connection, aggregate="group_concat(topic_id, ',')")


def with_topic_ids(queryset):
    """Each story with its live topics' ids ("3,8,12") from a correlated subquery in the same query,
    so a page of stories needs no second query for its topics."""
    return queryset.annotate(api_topic_ids=LiveTopicIds())


def attach_topics(stories: list[Story], refs: References) -> list[Story]:
    """Give each story of ``with_topic_ids`` its topics (``api_topics``, by name) from the reference maps."""
    for story in stories:
        topics = (refs.topics.get(int(i)) for i in (story.api_topic_ids or "").split(",") if i)
        story.api_topics = sorted((t for t in topics if t is not None), key=lambda t: (t.name, t.id))
    return stories


EMBEDDED_STORIES = 20


def latest_live_stories(view, **filters) -> list[Story]:
    """The ``EMBEDDED_STORIES`` newest live stories matching ``filters``, with their topics,
    for a topic's or an outlet's detail: one query (the topics come from the reference maps)."""
    stories = list(with_topic_ids(story_list_live().filter(**filters))[:EMBEDDED_STORIES])
    return attach_topics(stories, view_references(view))


def latest_live_stories_by(relation: str, ids: list[int], refs: References) -> dict[int, list[Story]]:
    """``latest_live_stories`` for many topics (``relation="live_topics"``) or outlets at once: one query.

    Ranks each one's live stories in the list's order (newest first) with a
    window function and keeps the first ``EMBEDDED_STORIES`` of each.
    """
    order = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in story_list_live().query.order_by]
    ranked = (
        with_topic_ids(story_list_live().filter(**{f"{relation}__in": ids}))
        .annotate(owner=F(relation), rank=Window(RowNumber(), partition_by=F(relation), order_by=order))
        .filter(rank__lte=EMBEDDED_STORIES)
    )
    found: dict[int, list[Story]] = {pk: [] for pk in ids}
    for story in attach_topics(sorted(ranked, key=lambda s: (s.owner, s.rank)), refs):
        found[story.owner].append(story)
    return found
