from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .models import Outlet
from .selectors import outlet_get, outlet_stories


def outlet_detail(request, slug: str):
    try:
        outlet = outlet_get(slug=slug)
    except Outlet.DoesNotExist:
        raise Http404("No such outlet.") from None
    page = Paginator(outlet_stories(outlet=outlet), 20).get_page(request.GET.get("page"))
    return render(
        request, "sources/outlet_detail.html", {"outlet": outlet, "page_obj": page, "stories": page.object_list}
    )
