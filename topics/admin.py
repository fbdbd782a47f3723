"""Admin for topics: the topic itself, and how its names fare in matching.

The change page shows every name and alias of the topic, and every other form
that matched it (a surname, a country's adjective), with the matches editors
confirmed and removed and whether the matcher still uses it. An alias whose
matches editors keep removing is switched off by ``sources.services.topic_aliases_recount``;
here an editor switches it back on (marked reviewed) or off by hand, through
``topics.services.topic_alias_review``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from images.widgets import ImageChooserAdminMixin
from newsroom.admin_mixins import BoundedSearchMixin, ServiceBackedAdminMixin

from .matching import text_fold
from .models import Topic, TopicAlias
from .services import (
    ALIAS_REVIEW_MIN_DECISIONS,
    ALIAS_REVIEW_REMOVED_SHARE,
    topic_alias_review,
    topic_alias_state,
    topic_delete,
    topic_save,
)


class AliasReviewFilter(admin.SimpleListFilter):
    title = "aliases"
    parameter_name = "aliases"

    def lookups(self, request, model_admin):
        return [("off", "With an alias switched off"), ("flagged", "Flagged, not reviewed since")]

    def queryset(self, request, queryset):
        match self.value():
            case "off":
                return queryset.filter(alias_states__is_disabled=True).distinct()
            case "flagged":
                flagged = TopicAlias.objects.filter(is_disabled=True, flagged_at__isnull=False).filter(
                    Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=F("flagged_at"))
                )
                return queryset.filter(pk__in=flagged.values("topic_id"))
        return queryset


@admin.register(Topic)
class TopicAdmin(ImageChooserAdminMixin, ServiceBackedAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "aliases_off", "updated_at"]
    list_filter = ["kind", AliasReviewFilter]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    save_service = staticmethod(topic_save)
    delete_service = staticmethod(topic_delete)
    service_argument = "topic"

    def get_queryset(self, request):
        # Ordered explicitly: a query with an aggregate drops the model's default ordering, and the autocomplete's
        # pages would then come in no stable order.
        return (
            super()
            .get_queryset(request)
            .annotate(_off=Count("alias_states", filter=Q(alias_states__is_disabled=True)))
            .order_by("name", "pk")
        )

    @admin.display(description="aliases off", ordering="_off")
    def aliases_off(self, obj):
        off = getattr(obj, "_off", 0)
        return format_html('<b style="color:#c62828">{}</b>', off) if off else "0"

    def get_urls(self):
        view = self.admin_site.admin_view(self.alias_view)
        return [path("<int:object_id>/alias/", view, name="topics_topic_alias"), *super().get_urls()]

    def alias_view(self, request, object_id: int):
        """Switch one of the topic's aliases on (reviewed) or off: a button on the topic's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        topic = get_object_or_404(Topic, pk=object_id)
        if not self.has_change_permission(request, topic):
            raise PermissionDenied
        action, _, alias = request.POST.get("alias_toggle", "").partition(":")
        alias = alias.strip()[:200]
        if not alias or action not in ("on", "off"):
            self.message_user(request, "Nothing changed: no alias or action given.", messages.ERROR)
        else:
            state = topic_alias_state(topic=topic, alias=alias)
            topic_alias_review(state=state, enabled=action == "on", actor=request.user)
            if action == "on":
                self.message_user(request, f"“{alias}” is on again and marked reviewed.", messages.SUCCESS)
            else:
                self.message_user(request, f"“{alias}” is switched off: new articles are not matched by it.")
        return HttpResponseRedirect(reverse("admin:topics_topic_change", args=[topic.pk]) + "#aliases")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The topic's page, with each of its names as matching uses it (below the form, each with its own button)."""
        topic = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if topic is not None:
            extra_context.update(
                alias_rows=alias_rows(topic),
                alias_can_change=self.has_change_permission(request, topic),
                alias_action_url=reverse("admin:topics_topic_alias", args=[topic.pk]),
                alias_min_decisions=ALIAS_REVIEW_MIN_DECISIONS,
                alias_removed_percent=round(ALIAS_REVIEW_REMOVED_SHARE * 100),
            )
        return super().change_view(request, object_id, form_url, extra_context)


def alias_rows(topic: Topic) -> list[dict]:
    """The topic's name and aliases, then every other form that matched it, with editors' counts and state."""
    states = {text_fold(s.alias): s for s in TopicAlias.objects.filter(topic=topic)}
    names = list(dict.fromkeys([topic.name, *topic.alias_list]))
    pairs = [(name, states.pop(text_fold(name), None)) for name in names]
    pairs += [(state.alias, state) for state in sorted(states.values(), key=lambda s: s.alias)]
    return [
        {
            "name": name,
            "confirmed": state.confirmed if state else 0,
            "removed": state.removed if state else 0,
            "disabled": bool(state and state.is_disabled),
            "flagged": bool(state and state.flagged_at),
            "reviewed": bool(state and state.reviewed_at),
        }
        for name, state in pairs
    ]
