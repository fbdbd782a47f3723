from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .models import Story
from .selectors import story_list_live, story_page


def home(request):
    """Latest live stories, newest first."""
    page = Paginator(story_list_live(), 20).get_page(request.GET.get("page"))
    return render(request, "stories/story_list.html", {"page_obj": page, "stories": page.object_list})


def story_detail(request, slug: str):
    try:
        page = story_page(slug=slug)
    except Story.DoesNotExist:
        raise Http404("No published story here.") from None
    return render(request, "stories/story_detail.html", {"page": page})
