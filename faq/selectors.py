"""Read queries for common-question pages: published questions only."""

from stories.selectors import story_list_live

from .models import CommonQuestion

# A question may be linked from thousands of stories; its page lists the newest.
RELATED_STORIES_MAX = 20


def question_page(*, slug: str) -> CommonQuestion:
    """A published question with its items and topics prefetched, and in ``related_stories``
    the newest ``RELATED_STORIES_MAX`` live stories linking to it (one sliced query)."""
    question = CommonQuestion.objects.published().prefetch_related("items", "topics").get(slug=slug)
    question.related_stories = list(story_list_live().filter(live_questions=question)[:RELATED_STORIES_MAX])
    return question
