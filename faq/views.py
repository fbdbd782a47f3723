from django.http import Http404
from django.shortcuts import render

from .models import CommonQuestion
from .selectors import question_page


def question_detail(request, slug: str):
    try:
        question = question_page(slug=slug)
    except CommonQuestion.DoesNotExist:
        raise Http404("No published answer here.") from None
    return render(request, "faq/commonquestion_detail.html", {"question": question})
