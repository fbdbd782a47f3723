"""Read queries for common-question pages: published questions only."""

from django.db.models import Prefetch

from stories.selectors import story_list_live

from .models import CommonQuestion


def question_page(*, slug: str) -> CommonQuestion:
    """A published question with its items, topics and live stories prefetched."""
    return (
        CommonQuestion.objects.published()
        .prefetch_related("items", "topics", Prefetch("live_stories", queryset=story_list_live()))
        .get(slug=slug)
    )
