"""Starting a story from a developing event: a draft that already holds what the board knows.

The draft has the four standard sections in order, one citation per outlet
(its most recent article in the event, the headline as the claim to rewrite),
the event's topics, and in "How we got here" links to earlier live stories on
those topics. It follows the event, so its page lists what arrives next.
A second start for the same event is refused unless asked for: a double click
must not leave two drafts.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from events.models import Event
from events.selectors import event_latest_per_outlet, event_survivor, event_topic_ids
from newsroom.formats import day, when

from . import workflow
from .models import Citation, SectionBlock, Story, StoryAuthor, StoryTopic

K = SectionBlock.Kind
#: What starting a story writes; writers and editors hold all of it (stories/roles.py).
START_PERMS = ("stories.add_story", "stories.add_sectionblock", "stories.add_citation", "stories.add_storytopic")
#: Earlier live stories linked from "How we got here", most recent first.
EARLIER_LINKS = 5
#: Summaries of cited articles put in "What's behind the headline?" as material to rewrite.
SUMMARIES = 3


class StartNotAllowed(Exception):
    """The user may not start stories (a 403)."""


class EventAlreadyFollowed(Exception):
    """Stories already follow the event; starting another needs ``anyway=True`` (a double click is not that)."""

    def __init__(self, *, event: Event, stories: list[Story]):
        self.event, self.stories = event, stories
        super().__init__(f"{len(stories)} story(ies) already follow “{event.title}”.")


@transaction.atomic
def story_start_from_event(*, event: Event, actor, anyway: bool = False) -> Story:
    """Create a draft from ``event`` (or the event it was merged into) credited to ``actor``, following it."""
    if actor is None or not (actor.is_active and all(actor.has_perm(p) for p in START_PERMS)):
        raise StartNotAllowed("Only writers and editors may start a story.")
    # The event's row lock serialises two starts of the same event: the second sees the first's draft. An event
    # merged before the lock was taken is followed to where it went, and locked there.
    for _ in range(3):  # bounded: a merge cycle (never made by event_merge) cannot spin here
        event = Event.objects.select_for_update().get(pk=event_survivor(event=event).pk)
        if event.merged_into_id is None:
            break
    if not anyway:
        existing = list(Story.objects.filter(follows_event=event).order_by("-created_at", "-id"))
        if existing:
            raise EventAlreadyFollowed(event=event, stories=existing)
    articles = event_latest_per_outlet(event=event)
    topic_ids = event_topic_ids(event=event)
    earlier = list(
        Story.objects.live().filter(live_topics__in=topic_ids).distinct().order_by("-first_published_at", "-id")[:EARLIER_LINKS]
    )
    story = Story.objects.create(
        headline=event.title[:300],
        slug=_free_slug(event),
        event_date=timezone.localdate(event.first_seen_at),
        follows_event=event,
        updated_by=actor,
    )
    StoryAuthor.objects.create(story=story, user=actor, position=0)
    SectionBlock.objects.bulk_create(
        SectionBlock(story=story, position=i, kind=kind, body=body)
        for i, (kind, body) in enumerate(_sections(event=event, articles=articles, earlier=earlier))
    )
    Citation.objects.bulk_create(
        Citation(story=story, position=i, outlet_id=a.outlet_id, url=a.url, source_article=a, claim=a.title[:600])
        for i, a in enumerate(articles)
    )
    StoryTopic.objects.bulk_create(StoryTopic(story=story, topic_id=t, position=i) for i, t in enumerate(topic_ids))
    workflow.story_saved(story=story, actor=actor, message=f"Started from the event “{event.title[:200]}”")
    return story


def _sections(*, event: Event, articles, earlier) -> list[tuple[str, str]]:
    """The four standard sections, in order, each with material from the event for the writer to rewrite
    ("What the papers say" stays empty: its citations fill it)."""
    outlets = ", ".join(a.outlet.name for a in articles)
    happened = format_html("<p>{}</p><p>Reported by {} since {}.</p>", event.title, outlets, when(event.first_seen_at))
    summaries = [a for a in articles if a.summary.strip()][:SUMMARIES]
    behind = format_html_join("", "<p>{}: {}</p>", ((a.outlet.name, a.summary.strip()[:600]) for a in summaries))
    if not summaries:
        behind = format_html("<p>{}</p>", articles[0].title if articles else event.title)
    first = min(articles, key=lambda a: (a.seen_at, a.pk)) if articles else None
    got_here = format_html(
        "<p>First reported on {}{}.</p>", day(event.first_seen_at), f" by {first.outlet.name}" if first else ""
    )
    if earlier:
        site = settings.SITE_URL.rstrip("/")
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            ((f"{site}{s.get_absolute_url()}", s.live_headline or s.headline, day(s.first_published_at)) for s in earlier),
        )
        got_here += format_html("<p>Earlier stories:</p><ul>{}</ul>", links)
    return [
        (K.WHATS_HAPPENED, happened),
        (K.BEHIND_HEADLINE, behind),
        (K.PAPERS_SAY, ""),
        (K.HOW_WE_GOT_HERE, got_here),
    ]


def _free_slug(event: Event) -> str:
    """The title's slug, or ``event-<id>`` for a title with no Latin letters; ``-2``, ``-3`` … when taken."""
    base = slugify(event.title)[:180].strip("-") or f"event-{event.pk}"
    taken = set(Story.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(Story.objects.filter(live_slug__startswith=base).values_list("live_slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
