"""The public pages of topics, common questions, outlets and authors: each lists the live stories showing it,
so they live on the stories side (the reference apps import nothing from ``stories``)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from faq.models import CommonQuestion
from newsroom import seo
from newsroom.cache import public_page
from newsroom.changes.models import ChangeEvent
from newsroom.edge import detail_keys
from sources.models import Outlet
from topics.models import Topic

from .authors import author_page, author_stories
from .models import AuthorProfile
from .selectors import outlet_claims, outlet_stories, question_page, topic_questions, topic_stories, with_picture


@public_page(keys=detail_keys(ChangeEvent.Kind.TOPIC))
def topic_detail(request, slug: str):
    try:
        topic = with_picture(Topic.objects.all()).get(slug=slug)
    except Topic.DoesNotExist:
        raise Http404("No such topic.") from None
    page = Paginator(topic_stories(topic=topic), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "topics/topic_detail.html",
        {"topic": topic, "page_obj": page, "stories": page.object_list, "questions": topic_questions(topic=topic)},
    )


@public_page(keys=detail_keys(ChangeEvent.Kind.QUESTION))
def question_detail(request, slug: str):
    try:
        question = question_page(slug=slug)
    except CommonQuestion.DoesNotExist:
        raise Http404("No published answer here.") from None
    items = list(question.items.all())
    return render(
        request,
        "faq/commonquestion_detail.html",
        {
            "question": question,
            "items": items,
            "faq_ld": seo.faq_page(question, items),
            "breadcrumbs_ld": seo.breadcrumbs([("Home", "/"), (question.question, question.get_absolute_url())]),
        },
    )


@public_page(keys=detail_keys(ChangeEvent.Kind.OUTLET))
def outlet_detail(request, slug: str):
    """The stories that cite an outlet, and what the outlet said in each."""
    try:
        outlet = with_picture(Outlet.objects.all(), "logo").get(slug=slug)
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


@public_page
def author_detail(request, slug: str):
    """A person credited on live stories: name, role, photo, short bio and those stories, newest first."""
    try:
        profile = author_page(slug=slug)
    except AuthorProfile.DoesNotExist:
        raise Http404("No author page here.") from None
    page = Paginator(author_stories(profile=profile), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "stories/authorprofile_detail.html",
        {
            "profile": profile,
            "page_obj": page,
            "stories": page.object_list,
            "person_ld": seo.person(profile),
            "breadcrumbs_ld": seo.breadcrumbs([("Home", "/"), (profile.public_name, profile.get_absolute_url())]),
        },
    )
