from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from .models import Story
from .selectors import StoryGone, StoryMoved, story_list_live, story_page, story_preview_page


def home(request):
    """Latest live stories, newest first."""
    page = Paginator(story_list_live(), 20).get_page(request.GET.get("page"))
    return render(request, "stories/story_list.html", {"page_obj": page, "stories": page.object_list})


def story_detail(request, slug: str):
    try:
        page = story_page(slug=slug)
    except StoryMoved as moved:
        return HttpResponsePermanentRedirect(reverse("stories:detail", kwargs={"slug": moved.slug}))
    except StoryGone:
        return render(request, "stories/story_gone.html", status=410)
    except Story.DoesNotExist:
        raise Http404("No published story here.") from None
    return render(request, "stories/story_detail.html", {"page": page})


@never_cache
def story_preview(request, token: str):
    """A draft shared with a signed, expiring link: readable without an account, never cached or indexed."""
    try:
        page = story_preview_page(token=token)
    except (signing.BadSignature, Story.DoesNotExist):
        raise Http404("This preview link is invalid or has expired.") from None
    response = render(request, "stories/story_preview.html", {"page": page})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
