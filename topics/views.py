from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from newsroom.cache import public_page

from .models import Topic
from .selectors import topic_get, topic_questions, topic_stories


@public_page
def topic_detail(request, slug: str):
    try:
        topic = topic_get(slug=slug)
    except Topic.DoesNotExist:
        raise Http404("No such topic.") from None
    page = Paginator(topic_stories(topic=topic), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "topics/topic_detail.html",
        {"topic": topic, "page_obj": page, "stories": page.object_list, "questions": topic_questions(topic=topic)},
    )
