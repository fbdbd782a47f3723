"""The editorial desk: the admin's home page, per role (``newsroom/admin_site.py`` shows these panels).

An editor sees what waits on them: the review queue (oldest first, with how
long each has waited), scheduled stories (overdue ones flagged), live stories
with unpublished changes, what was published lately, feeds that fail, and live
stories with new coverage on their topics. A writer sees their own stories:
returned to them (with the editor's comment), drafts, in review, published.
Each item links straight to the story (or the feed): one click from the desk.
"""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from events.selectors import event_arrivals_count
from newsroom.auth import byline, display_name
from newsroom.desk import Item, Panel
from newsroom.formats import when
from sources.models import Feed
from sources.selectors import story_list_with_coverage_flag

from ..models import SCHEDULE_GRACE, Notification, Story, StoryAuthor, Transition
from ..workflow import EDITOR_PERM

S = Story.Status
SHOWN = 8  # items a panel lists; "all …" leads to the filtered list


def desk_panels(request) -> list[Panel]:
    user = request.user
    if not user.has_perm("stories.view_story"):
        return []
    now = timezone.now()
    panels = _editor_panels(now) if user.has_perm(EDITOR_PERM) else _writer_panels(user, now)
    return [_notifications_panel(user, now), *panels]


def _notifications_panel(user, now) -> Panel:
    """What happened to the user's stories (or, for editors, what was submitted), unread: until they open the story."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    notes = list(unread.order_by("-created_at", "-id")[:SHOWN])
    return Panel(
        "notifications", "For you", attention=bool(notes),
        count=unread.count() if len(notes) == SHOWN else len(notes),
        items=[Item(n.text, reverse("admin:stories_story_change", args=[n.story_id]), _ago(n.created_at, now)) for n in notes],
        empty="Nothing new. Steps taken on your stories (and, for editors, submissions) show here.",
    )  # fmt: skip


def _with_last_transition(queryset):
    last = Transition.objects.filter(story=OuterRef("pk")).order_by("-created_at", "-id")
    return queryset.annotate(
        last_action=Subquery(last.values("action")[:1]),
        last_comment=Subquery(last.values("comment")[:1]),
        last_at=Subquery(last.values("created_at")[:1]),
        last_actor_id=Subquery(last.values("actor")[:1]),
    )


def _with_event_arrivals(queryset):
    """Annotate ``event_arrivals``: articles that joined the followed event since the story was last published."""
    return queryset.annotate(event_arrivals=event_arrivals_count(event_field="follows_event", since_field="last_published_at"))


def _story_url(story: Story) -> str:
    return reverse("admin:stories_story_change", args=[story.pk])


def _list_url(**filters) -> str:
    return f"{reverse('admin:stories_story_changelist')}?{urlencode(filters)}"


def _names(stories) -> dict:
    """Display names of the rows' last actors: one query."""
    users = get_user_model().objects.in_bulk({s.last_actor_id for s in stories if s.last_actor_id})
    return {pk: display_name(u) for pk, u in users.items()}


def _bylines(stories) -> dict:
    """Each row's byline ("by Ana and Ben"), by story id: one query."""
    names: dict[int, list[str]] = {}
    for credit in StoryAuthor.objects.filter(story__in=[s.pk for s in stories]).select_related("user"):
        names.setdefault(credit.story_id, []).append(display_name(credit.user))
    return {pk: f"by {byline(people)}" for pk, people in names.items()}


def _since(moment, now) -> str:
    """ "5 hours" (the largest unit only), or '' with no moment."""
    return timesince(moment, now).split(",")[0] if moment else ""


def _ago(moment, now) -> str:
    if not moment:
        return ""
    since = _since(moment, now)
    return "just now" if since.startswith("0\xa0") else f"{since} ago"


def _editor_panels(now) -> list[Panel]:
    stories = Story.objects.select_related(None)
    queue_qs = _with_last_transition(stories.filter(status=S.IN_REVIEW)).order_by("last_at", "id")
    queue = list(queue_qs[:SHOWN])
    scheduled = list(stories.filter(status=S.SCHEDULED).order_by("publish_at", "id")[:SHOWN])
    changed = list(stories.filter(status=S.PUBLISHED, has_unpublished_changes=True).order_by("-updated_at")[:SHOWN])
    recent = list(stories.filter(status=S.PUBLISHED).order_by("-last_published_at", "-id")[:SHOWN])
    followed = list(
        _with_event_arrivals(stories.filter(status=S.PUBLISHED)).filter(event_arrivals__gt=0)
        .select_related("follows_event").order_by("-last_published_at", "-id")[:SHOWN]
    )  # fmt: skip
    coverage = list(
        story_list_with_coverage_flag(stories.filter(status=S.PUBLISHED))
        .filter(has_new_coverage=True)
        .order_by("-last_published_at", "-id")[:SHOWN]
    )
    feeds = list(
        Feed.objects.filter(is_active=True, consecutive_failures__gt=0)
        .select_related("outlet")
        .order_by("-consecutive_failures", "id")[:SHOWN]
    )
    bylines = _bylines(queue + recent)
    counts = {
        "queue": queue_qs.count() if len(queue) == SHOWN else len(queue),
        "scheduled": stories.filter(status=S.SCHEDULED).count() if len(scheduled) == SHOWN else len(scheduled),
    }
    overdue_before = now - SCHEDULE_GRACE
    return [
        Panel(
            "review", "Waiting for review", attention=bool(queue), count=counts["queue"],
            items=[
                Item(s.headline, _story_url(s), f"{bylines.get(s.pk, 'no author')} · waiting {_since(s.last_at, now)}",
                     note=s.last_comment or "")
                for s in queue
            ],
            empty="Nothing waits for review.", more_url=_list_url(status__exact=S.IN_REVIEW),
            help="Oldest first: the story that has waited longest is at the top.",
        ),
        Panel(
            "scheduled", "Scheduled", count=counts["scheduled"],
            items=[
                Item(s.headline, _story_url(s), f"for {when(s.publish_at)}",
                     flag="overdue" if s.publish_at and s.publish_at < overdue_before else "")
                for s in scheduled
            ],
            empty="Nothing is scheduled.", more_url=_list_url(status__exact=S.SCHEDULED),
        ),
        Panel(
            "changed", "Live, with unpublished changes", count=len(changed),
            items=[Item(s.headline, _story_url(s), f"edited {_ago(s.updated_at, now)}") for s in changed],
            empty="Every live story is as its readers see it.",
            more_url=_list_url(status__exact=S.PUBLISHED, has_unpublished_changes__exact=1),
        ),
        Panel(
            "followed", "New on the events they follow", count=len(followed), attention=bool(followed),
            items=[
                Item(s.headline, _story_url(s),
                     f"{s.event_arrivals} new article{'s' if s.event_arrivals != 1 else ''} on “{s.follows_event}” since "
                     f"published")
                for s in followed
            ],
            empty="No article joined an event a live story follows since it was published.",
            help="Live stories following a developing event: what arrived is on each story's page, citable.",
        ),
        Panel(
            "coverage", "New coverage on live stories", count=len(coverage),
            items=[Item(s.headline, _story_url(s), "new articles on its topics (its page's New coverage)") for s in coverage],
            empty="No new articles on the topics of live stories.",
        ),
        Panel(
            "feeds", "Feeds with problems", count=len(feeds),
            items=[
                Item(f"{f.outlet} · {f.title or f.url}", reverse("admin:sources_feed_change", args=[f.pk]),
                     f"{f.consecutive_failures} failed fetches in a row", note=f.last_error[:200])
                for f in feeds
            ],
            empty="Every active feed fetches fine.",
            more_url=f"{reverse('admin:sources_feed_changelist')}",
        ),
        Panel(
            "recent", "Recently published", count=len(recent),
            items=[
                Item(s.live_headline or s.headline, _story_url(s),
                     f"{_ago(s.last_published_at, now)} · {bylines.get(s.pk, 'no author')}")
                for s in recent
            ],
            empty="Nothing published yet.", more_url=_list_url(status__exact=S.PUBLISHED),
        ),
    ]  # fmt: skip


def _with_editors_meta(story: Story, now) -> str:
    if story.status == S.SCHEDULED and story.publish_at:
        return f"scheduled for {when(story.publish_at)}"
    return f"submitted {_ago(story.last_at, now)}"


def _writer_panels(user, now) -> list[Panel]:
    mine = _with_last_transition(Story.objects.filter(story_authors__user=user))
    drafts = list(mine.filter(status=S.DRAFT).order_by("-updated_at", "-id")[: SHOWN * 2])
    returned = [s for s in drafts if s.last_action == "return"]
    drafts = [s for s in drafts if s.last_action != "return"][:SHOWN]
    in_review = list(mine.filter(status__in=[S.IN_REVIEW, S.SCHEDULED]).order_by("last_at", "id")[:SHOWN])
    published = list(_with_event_arrivals(mine.filter(status=S.PUBLISHED)).order_by("-last_published_at", "-id")[:SHOWN])
    names = _names(returned)
    return [
        Panel(
            "returned", "Returned to you", attention=bool(returned), count=len(returned),
            items=[
                Item(s.headline, _story_url(s), f"by {names.get(s.last_actor_id, 'an editor')} · {_ago(s.last_at, now)}",
                     note=s.last_comment or "")
                for s in returned[:SHOWN]
            ],
            empty="Nothing has been returned to you.",
        ),
        Panel(
            "drafts", "Your drafts", count=len(drafts),
            items=[Item(s.headline, _story_url(s), f"edited {_ago(s.updated_at, now)}") for s in drafts],
            empty="No drafts. Start one with “Write a story”.", more_url=_list_url(status__exact=S.DRAFT),
        ),
        Panel(
            "in_review", "With the editors", count=len(in_review),
            items=[
                Item(s.headline, _story_url(s), _with_editors_meta(s, now))
                for s in in_review
            ],
            empty="Nothing of yours is waiting for review.",
        ),
        Panel(
            "published", "Your stories, published", count=len(published),
            items=[
                Item(s.live_headline or s.headline, _story_url(s), _ago(s.last_published_at, now),
                     flag=f"{s.event_arrivals} new on its event" if s.event_arrivals else "")
                for s in published
            ],
            empty="Nothing of yours is published yet.",
        ),
    ]  # fmt: skip
