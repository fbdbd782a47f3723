from django.http import Http404
from django.shortcuts import render

from newsroom import seo
from newsroom.cache import public_page

from .models import CommonQuestion
from .selectors import question_page


@public_page
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
