"""Read queries for outlet pages."""

from stories.selectors import story_list_live

from .models import Outlet


def outlet_get(*, slug: str) -> Outlet:
    return Outlet.objects.get(slug=slug)


def outlet_stories(*, outlet: Outlet):
    """Live stories that cite ``outlet`` in their live revision."""
    return story_list_live().filter(live_outlets=outlet)
