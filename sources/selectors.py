"""Read queries for editors' coverage views: what outlets published on a story's topics."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import ArticleTopic, SourceArticle

# --- coverage for editors (admin) -------------------------------------------

#: For a story never published, "new" coverage means this recent.
COVERAGE_WINDOW_UNPUBLISHED = timedelta(days=7)


def story_new_coverage(*, story, limit: int = 20) -> list:
    """Recent articles on the story's (working-copy) topics published since it was last published.

    Articles already cited on the story are left out. Ordered newest first;
    one query, outlets joined. Undated articles count from when we first saw them.
    """
    topic_ids = list(story.story_topics.values_list("topic_id", flat=True))
    if not topic_ids:
        return []
    since = story.last_published_at or timezone.now() - COVERAGE_WINDOW_UNPUBLISHED
    on_topics = ArticleTopic.objects.filter(article=OuterRef("pk"), topic_id__in=topic_ids).exclude(
        status=ArticleTopic.Status.REMOVED
    )
    return list(
        SourceArticle.objects.annotate(seen_at=Coalesce("published_at", "created_at"))
        .filter(Exists(on_topics), seen_at__gt=since)
        .exclude(url__in=story.citations.values("url"))
        .select_related("outlet")
        .order_by("-seen_at", "-id")[:limit]
    )


def story_list_with_coverage_flag(queryset):
    """Annotate ``has_new_coverage``: an article on one of the story's topics published since its last publication."""
    new_links = (
        ArticleTopic.objects.filter(topic__story_links__story=OuterRef("pk"))
        .exclude(status=ArticleTopic.Status.REMOVED)
        .annotate(seen_at=Coalesce("article__published_at", "article__created_at"))
        .filter(seen_at__gt=OuterRef("last_published_at"))
    )
    return queryset.annotate(has_new_coverage=Exists(new_links))
