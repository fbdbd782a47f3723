"""Read queries for public pages and the API: live stories only, prefetched."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from faq.models import CommonQuestion
from sources.models import Outlet
from topics.models import Topic

from .models import Story
from .revisions import snapshot_event_date


def story_list_live() -> QuerySet[Story]:
    """Live stories, newest first, with only the columns a list shows."""
    return Story.objects.live().only(
        "id", "live_slug", "live_headline", "live_summary", "first_published_at", "last_published_at",
        "status", "live_revision_id",
    ).order_by("-first_published_at", "-id")


@dataclass
class CitationView:
    outlet: Outlet
    url: str
    claim: str
    quote: str


@dataclass
class StoryPage:
    """Everything a story page shows, read from the live revision."""

    story: Story
    headline: str
    summary: str
    event_date: date | None
    author_name: str
    published_at: datetime
    updated_at: datetime
    blocks: list[dict]
    citations: list[CitationView]
    topics: list[Topic]
    questions: list[CommonQuestion]
    notes: list[dict] = field(default_factory=list)


def story_live_queryset() -> QuerySet[Story]:
    # One query for the story and its live revision, one each for topics,
    # published questions and cited outlets: four in all, whatever the
    # number of blocks, citations, topics or questions.
    return Story.objects.live().select_related("live_revision").prefetch_related(
        "live_topics",
        "live_outlets",
        Prefetch("live_questions", queryset=CommonQuestion.objects.published()),
    )


def story_page_from(story: Story) -> StoryPage:
    """Build the page of a story fetched with ``story_live_queryset``."""
    data = story.live_revision.data
    topics = {t.id: t for t in story.live_topics.all()}
    questions = {q.id: q for q in story.live_questions.all()}
    outlets = {o.id: o for o in story.live_outlets.all()}
    blocks = list(data["blocks"])
    if data["citations"] and not any(b["kind"] == "papers_say" for b in blocks):
        # Citations are shown under “What the papers say”; give them one.
        blocks.append({"kind": "papers_say", "heading": "What the papers say", "body": ""})
    return StoryPage(
        story=story,
        headline=data["headline"],
        summary=data["summary"],
        event_date=snapshot_event_date(data),
        author_name=data.get("author_name", ""),
        published_at=story.first_published_at,
        updated_at=story.last_published_at,
        blocks=blocks,
        citations=[
            CitationView(outlet=outlets[c["outlet_id"]], url=c["url"], claim=c["claim"], quote=c["quote"])
            for c in data["citations"]
            if c["outlet_id"] in outlets
        ],
        topics=[topics[i] for i in data["topic_ids"] if i in topics],
        questions=[questions[i] for i in data["question_ids"] if i in questions],
        notes=data.get("notes", []),
    )


def story_page(*, slug: str) -> StoryPage:
    """The live page for ``slug``; raises ``Story.DoesNotExist`` when there is none."""
    return story_page_from(story_live_queryset().get(live_slug=slug))
