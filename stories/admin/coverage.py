"""The story admin's view of outlets' coverage: new articles on the story's topics, each citable in one click."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from newsroom.formats import when
from sources.models import SourceArticle
from sources.selectors import story_list_with_coverage_flag, story_new_coverage

from ..citing import CiteError, story_cite_article
from ..models import Story


class StoryCoverageAdminMixin:
    """Mixed into the story admin: new coverage on the story's topics, each citable in one click.

    The change page gets a "New coverage since last publication" section (the
    articles from ``sources.selectors.story_new_coverage``, each with a Cite
    button that posts to ``cite_view``); the list gets a
    "new coverage" flag, annotated in the list's one query.
    """

    coverage_field = "new_coverage"

    def get_queryset(self, request):
        return story_list_with_coverage_flag(super().get_queryset(request))

    def get_list_display(self, request):
        return [*super().get_list_display(request), "new_coverage_flag"]

    @admin.display(description="new coverage", boolean=True, ordering="has_new_coverage")
    def new_coverage_flag(self, obj):
        return bool(getattr(obj, "has_new_coverage", False)) if obj.last_published_at else None

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, self.coverage_field] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        others = [
            (name, {**options, "fields": [f for f in options["fields"] if f != self.coverage_field]})
            for name, options in fieldsets
        ]
        since = (
            f"since it was last published ({when(obj.last_published_at)})"
            if obj.last_published_at
            else "in the last 7 days (never published)"
        )
        section = {
            "fields": [self.coverage_field],
            "description": f"Articles on this story's topics {since}. “Cite” adds the article to the citations "
            "below, its headline as the claim to rewrite; saving the story keeps it.",
        }
        return [*others, ("New coverage", section)]

    @admin.display(description="articles")
    def new_coverage(self, obj):
        articles = story_new_coverage(story=obj)
        if not articles:
            return "No new articles on this story's topics."
        rows = format_html_join(
            "",
            '<li style="margin-bottom:.4em"><b>{}</b> · <a href="{}" target="_blank" rel="noopener noreferrer">{}</a> '
            '<span style="color:#6d6d6d">{}</span> '
            '<button type="submit" class="button" name="_cite" value="{}" data-cite-outlet="{}" data-cite-outlet-name="{}" '
            'data-cite-url="{}" data-cite-title="{}">Cite</button></li>',
            (
                (
                    a.outlet.name,
                    a.url,
                    a.title,
                    when(a.seen_at),
                    a.pk,
                    a.outlet_id,
                    a.outlet.name,
                    a.url,
                    a.title,
                )
                for a in articles
            ),  # fmt: skip
        )
        return format_html('<ul style="margin-left:0;padding-left:1em">{}</ul>', rows)

    def response_change(self, request, obj):
        """“Cite” without the page's script submits the whole form: what was typed is saved first, then the
        article is cited. With it, the button fills a new citation row in place (``cite-in-place.js``)."""
        article_id = request.POST.get("_cite", "")
        if not article_id:
            return super().response_change(request, obj)
        self._cite(request, obj, article_id)
        return HttpResponseRedirect(reverse("admin:stories_story_change", args=[obj.pk]) + "#citations-group")

    def _cite(self, request, story, article_id: str) -> None:
        if not request.user.has_perm("stories.add_citation"):
            raise PermissionDenied
        article = get_object_or_404(
            SourceArticle.objects.select_related("outlet"), pk=int(article_id) if article_id.isdigit() else 0
        )
        try:
            story_cite_article(story=story, article=article, actor=request.user)
        except CiteError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request, f"Saved, and cited {article.outlet}: “{article.title}”. Rewrite its claim below.", messages.SUCCESS
            )

    def get_urls(self):
        cite = path("<int:story_id>/cite/", self.admin_site.admin_view(self.cite_view), name="stories_story_cite")
        return [cite, *super().get_urls()]

    def cite_view(self, request, story_id: int):
        """POST ``cite_article=<id>``: cite that article on the story, then go back to the story."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (request.user.has_perm("stories.change_story") and request.user.has_perm("stories.add_citation")):
            raise PermissionDenied
        story = get_object_or_404(Story, pk=story_id)
        article_id = request.POST.get("cite_article", "")
        article_pk = int(article_id) if article_id.isdigit() else 0
        article = get_object_or_404(SourceArticle.objects.select_related("outlet"), pk=article_pk)
        try:
            story_cite_article(story=story, article=article, actor=request.user)
        except CiteError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Cited {article.outlet}: “{article.title}”. Rewrite its claim below.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:stories_story_change", args=[story.pk]) + "#citations-group")
