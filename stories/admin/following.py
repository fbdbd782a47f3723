"""The story admin's side of developing events: "Start a story" from an event, and a story that follows one.

"Start a story" (a button on the board and on an event's page) posts here; a
draft is made (``stories.starting``) and the writer lands on its form. If
stories already follow the event, a page lists them and offers to open one or
to start another anyway, so a double click never leaves two drafts. A story's
page gets a "Developing event" section: the event it follows (chosen with the
autocomplete) and what arrived since it was last published, each citable with
the same Cite button as New coverage.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from events.models import Event
from events.selectors import event_arrivals_since
from newsroom.formats import when

from ..starting import EventAlreadyFollowed, StartNotAllowed, story_start_from_event


class StoryFollowingAdminMixin:
    following_field = "event_arrivals"

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), "follows_event"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, self.following_field] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.follows_event_id:
            since = (
                when(obj.last_published_at) if obj.last_published_at else f"its start, {when(obj.created_at)} (never published)"
            )
            description = (
                f"Articles that joined the event since the story was last published ({since}). “Cite” adds one "
                "to the citations below, its headline as the claim to rewrite; saving the story keeps it."
            )
        else:
            description = "Follow a developing event to see here what arrives after the story is published."
        fields = ["follows_event", self.following_field] if obj is not None else ["follows_event"]
        return [*fieldsets, ("Developing event", {"fields": fields, "description": description})]

    @admin.display(description="what arrived since it was last published")
    def event_arrivals(self, obj):
        if not obj.follows_event_id:
            return "This story follows no event."
        since = obj.last_published_at or obj.created_at
        articles = event_arrivals_since(
            event=obj.follows_event, since=since, exclude_urls=obj.citations.values_list("url", flat=True)
        )
        if not articles:
            return "Nothing new: no article joined the event since then (or each is cited already)."
        rows = format_html_join(
            "",
            '<li class="event-arrival"><b>{}</b> · <a href="{}" target="_blank" rel="noopener noreferrer">{}</a> '
            '<span style="color:var(--body-quiet-color)">{} · joined {}</span> '
            '<button type="submit" class="button" name="_cite" value="{}" data-cite-outlet="{}" data-cite-outlet-name="{}" '
            'data-cite-url="{}" data-cite-title="{}">Cite</button></li>',
            (
                (a.outlet.name, a.url, a.title, a.language or a.outlet.language or "language unknown", when(a.joined_at),
                 a.pk, a.outlet_id, a.outlet.name, a.url, a.title)
                for a in articles
            ),
        )  # fmt: skip
        board = reverse("admin:events_event_change", args=[obj.follows_event_id])
        return format_html(
            '<ul class="event-arrivals" style="margin-left:0;padding-left:1em">{}</ul><a href="{}">The event’s page</a>',
            rows,
            board,
        )

    # --- Start a story -------------------------------------------------------

    def get_urls(self):
        start = path("start-from-event/<int:event_id>/", self.admin_site.admin_view(self.start_view), name="stories_story_start")
        return [start, *super().get_urls()]

    def start_view(self, request, event_id: int):
        """POST (``anyway=1`` to start another when stories already follow the event): make the draft, open it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        try:
            story = story_start_from_event(event=event, actor=request.user, anyway=request.POST.get("anyway") == "1")
        except StartNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except EventAlreadyFollowed as followed:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "A story already follows this event",
                "event": followed.event,
                "stories": followed.stories,
                "merged_from": event if event.pk != followed.event.pk else None,
            }
            return TemplateResponse(request, "admin/stories/story/start_from_event.html", context)
        survivor = story.follows_event
        note = f" (“{event.title}” was merged into it)" if survivor.pk != event.pk else ""
        citations, topics = story.citations.count(), story.story_topics.count()
        messages.success(
            request,
            f"A draft from “{survivor.title}”{note}: the four sections hold material from the event, {citations} "
            f"citation{'s' if citations != 1 else ''} (one per outlet, its latest article; the claims are the headlines: "
            f"rewrite them) and {topics} topic{'s' if topics != 1 else ''}. Rewrite, then save.",
        )
        return HttpResponseRedirect(reverse("admin:stories_story_change", args=[story.pk]))
