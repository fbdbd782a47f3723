from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from newsroom.cache import public_page

from .models import Outlet
from .selectors import outlet_claims, outlet_get, outlet_stories


@public_page
def outlet_detail(request, slug: str):
    """The stories that cite an outlet, and what the outlet said in each."""
    try:
        outlet = outlet_get(slug=slug)
    except Outlet.DoesNotExist:
        raise Http404("No such outlet.") from None
    page = Paginator(outlet_stories(outlet=outlet), 20).get_page(request.GET.get("page"))
    stories = list(page.object_list)
    claims = outlet_claims(outlet=outlet, stories=stories)
    return render(
        request,
        "sources/outlet_detail.html",
        {"outlet": outlet, "page_obj": page, "entries": [(story, claims[story.pk]) for story in stories]},
    )
