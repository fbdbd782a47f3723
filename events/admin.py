"""The "Developing" board (the events' list in the admin), an event's page, and editors' corrections.

The admin's list of events *is* the board: the sidebar's and the desk's links
to events land on it. An event's page lists its articles and, for editors,
moves some of them to another or a new event, or merges the event into another.
"Start a story" on both pages posts to the stories side's view
(``admin:stories_story_start``), named by URL only: this app never imports
``stories``.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from newsroom.desk import Item, Panel

from .forms import MergeForm, MoveForm
from .models import Event
from .selectors import (
    BOARD_DAYS,
    SPARK_BINS,
    VELOCITY_WINDOW,
    board_ranked,
    board_rows,
    event_articles,
    event_move_targets,
    events_live,
)
from .services import EDIT_PERM, EventEditNotAllowed, EventEditStale, event_articles_move, event_merge
from .sparkline import sparkline_svg, sparkline_text

RECENT_HOURS = int(VELOCITY_WINDOW.total_seconds() // 3600)


class BoardForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Seen in the last", coerce=int, required=False, choices=[(d, f"{d} day{'s' if d > 1 else ''}") for d in BOARD_DAYS]
    )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    search_fields = ["title"]  # the story form's "follows event" autocomplete
    ordering = ["-last_seen_at"]

    # Events are made by clustering; editors correct them on the event's page, never by hand-editing rows.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):  # a story follows a live event, never a merged or empty one
            queryset = queryset.filter(pk__in=events_live().values("pk"))
        return queryset, duplicates

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/move/", view(self.move_view), name="events_event_move"),
            path("<int:object_id>/merge/", view(self.merge_view), name="events_event_merge"),
            *super().get_urls(),
        ]

    # --- the board ---------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        form = BoardForm(request.GET or None)
        days = BOARD_DAYS[0]
        if form.is_bound:
            if form.is_valid():
                days = form.cleaned_data["days"] or days
            else:
                messages.error(request, f"Showing the last {days} days: choose 1, 3 or 7 days.")
        now = timezone.now()
        rows = board_rows(now=now, days=days)
        step = timedelta(days=days) / SPARK_BINS
        for row in rows:
            label = sparkline_text(
                bins=row.bins, start=now - timedelta(days=days), step=step, recent=row.recent, recent_hours=RECENT_HOURS
            )
            row.spark_label, row.spark = label, sparkline_svg(bins=row.bins, label=label)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Developing",
            "rows": rows,
            "days": days,
            "day_links": [(d, f"?{urlencode({'days': d})}", d == days) for d in BOARD_DAYS],
            "recent_hours": RECENT_HOURS,
            "now": now,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/events/event/board.html", context)

    # --- an event's page -----------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        event = self._event(request, object_id)
        return self._event_page(request, event)

    def _event(self, request, object_id) -> Event:
        event = get_object_or_404(Event.objects.select_related("merged_into"), pk=object_id)
        if not self.has_view_or_change_permission(request, event):
            raise PermissionDenied
        return event

    def _event_page(self, request, event, *, move_form=None, merge_form=None, status=200):
        articles = event_articles(event=event)
        can_edit = request.user.has_perm(EDIT_PERM) and event.merged_into_id is None
        targets = event_move_targets(event=event) if can_edit else []
        ids = [a.pk for a in articles]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": event.title,
            "event": event,
            "articles": articles,
            "can_edit": can_edit,
            "move_form": move_form or MoveForm(article_ids=ids, targets=targets),
            "merge_form": merge_form or MergeForm(targets=targets),
            "ticked": {int(v) for v in move_form.data.getlist("articles") if v.isdigit()} if move_form else set(),
        }
        return TemplateResponse(request, "admin/events/event/detail.html", context, status=status)

    def move_view(self, request, object_id):
        """POST articles, to_event ("new" or an id), new_title: move the ticked articles; back to this event."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event = self._event(request, object_id)
        form = MoveForm(request.POST, article_ids=[], targets=event_move_targets(event=event))
        if not form.is_valid():
            return self._event_page(request, event, move_form=form, status=400)
        data = form.cleaned_data
        try:
            target = event_articles_move(
                article_ids=data["articles"], from_event_id=event.pk, to_event=data["to_event"], actor=request.user,
                new_title=data["new_title"],
            )  # fmt: skip
        except EventEditNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except EventEditStale as exc:
            messages.error(request, str(exc))
            return self._event_page(request, self._event(request, object_id), move_form=form, status=409)
        count = len(data["articles"])
        messages.success(
            request,
            f"Moved {count} article{'s' if count > 1 else ''} to “{target.title}”; clustering will leave "
            f"{'them' if count > 1 else 'it'} there.",
        )
        return HttpResponseRedirect(reverse("admin:events_event_change", args=[event.pk]))

    def merge_view(self, request, object_id):
        """POST into=<id>: merge this event into that one; then show the merged event."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event = self._event(request, object_id)
        form = MergeForm(request.POST, targets=event_move_targets(event=event))
        if not form.is_valid():
            return self._event_page(request, event, merge_form=form, status=400)
        try:
            into = event_merge(event=event, into=form.cleaned_data["into"], actor=request.user)
        except EventEditNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except EventEditStale as exc:
            messages.error(request, str(exc))
            return self._event_page(request, self._event(request, object_id), merge_form=form, status=409)
        messages.success(request, f"Merged “{event.title}” into this event: its articles are here now.")
        return HttpResponseRedirect(reverse("admin:events_event_change", args=[into.pk]))


def desk_panels(request) -> list[Panel]:
    """On the desk (``settings.ADMIN_DESK_PANELS``): the board's top five, one query, and the way to the board."""
    if not request.user.has_perm("events.view_event"):
        return []
    top = list(board_ranked(limit=5))
    items = [
        Item(
            e.title,
            reverse("admin:events_event_change", args=[e.pk]),
            f"{e.outlet_count} outlet{'s' if e.outlet_count != 1 else ''} · {e.countries} "
            f"countr{'ies' if e.countries != 1 else 'y'} · {e.recent} new in {RECENT_HOURS} h",
        )
        for e in top
    ]
    return [
        Panel(
            "developing", "Developing", items, count=len(items), more_url=reverse("admin:events_event_changelist"),
            empty="No events in the last days: clustering groups new articles as they arrive.",
            help="Events many outlets report, growing fastest first.", extra={"more_label": "Open the board →"},
        )
    ]  # fmt: skip
