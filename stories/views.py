from urllib.parse import urlencode

from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from newsroom import seo
from newsroom.cache import page_last_modified, public_page, token_key
from newsroom.changes.models import ChangeEvent
from newsroom.edge import detail_keys, lists_keys

from .models import Story
from .preview import story_preview_expires, story_preview_page
from .rendering import RELATED_MARK, related_html, related_newest, story_live_page
from .search import search_hits, search_query_clean, story_search
from .selectors import StoryGone, StoryMoved, story_address_check, story_list_live

SEARCH_PAGE_SIZE = 10


@public_page(keys=lists_keys(ChangeEvent.Kind.STORY))
def home(request):
    """Latest live stories, newest first."""
    page = Paginator(story_list_live(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "stories/story_list.html",
        {"page_obj": page, "stories": page.object_list, "website_ld": seo.website()},
    )


def _story_tokens(request, slug: str) -> list[str]:
    # The story's own token, which a change of the story, or of a topic it
    # carries, replaces: a story published, corrected or withdrawn on one of its
    # topics records that topic, and the purge replaces the tokens of every live
    # story on it (stories/after_change.py), so its related stories stay true.
    return [token_key("story-slug", slug)]


@public_page(ignore_query=True, tokens=_story_tokens, keys=detail_keys(ChangeEvent.Kind.STORY))
def story_detail(request, slug: str):
    """A live story: one query for the page rendered when it was published and its related stories' cards."""
    try:
        kept = story_live_page(slug=slug)
    except Story.DoesNotExist:
        try:
            story_address_check(slug=slug)
        except StoryMoved as moved:
            return HttpResponsePermanentRedirect(reverse("stories:detail", kwargs={"slug": moved.slug}))
        except StoryGone:
            return render(request, "stories/story_gone.html", status=410)
        raise Http404("No published story here.") from None
    related = related_newest(kept.related)
    page_last_modified(request, max(kept.rendered_at, related) if related else kept.rendered_at)
    return HttpResponse(kept.html.replace(RELATED_MARK, related_html(kept.related), 1))


@public_page(timeout=300, keys=lists_keys(ChangeEvent.Kind.STORY))
def search(request):
    """Full-text search over live stories, ranked, with highlighted snippets."""
    query = search_query_clean(request.GET.get("q"))
    page = Paginator(story_search(query=query), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "stories/story_search.html",
        {
            "query": query,
            "page_obj": page,
            "page_query": urlencode({"q": query}),
            "hits": search_hits(stories=page.object_list, query=query),
        },
    )


@never_cache
def story_preview(request, token: str):
    """A draft shared with a signed, expiring link: readable without an account, never cached or indexed."""
    try:
        page = story_preview_page(token=token)
    except (signing.BadSignature, Story.DoesNotExist):
        raise Http404("This preview link is invalid or has expired.") from None
    expires = story_preview_expires(token=token)
    response = render(request, "stories/story_preview.html", {"page": page, "preview_expires": expires})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
