"""Admin for webhook endpoints (editors only) and their delivery log (read-only).

Thin: saves, rotation, enabling, disabling, pings and retries call ``webhooks.services``.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from newsroom.admin_mixins import BoundedSearchMixin, ReadOnlyAdminMixin
from newsroom.changes.models import ChangeEvent
from stories.admin.desk import Item, Panel

from .models import Delivery, Endpoint
from .services import (
    deliveries_retry,
    endpoint_disable,
    endpoint_enable,
    endpoint_ping,
    endpoint_save,
    endpoint_secret_rotate,
    endpoint_url_problem,
)

CHANGE_PERM = "webhooks.change_endpoint"
# An endpoint's health, shown read-only on its page.
HEALTH_FIELDS = ["state", "disabled_reason", "consecutive_failures", "failing_since", "log_link", "created_by", "created_at"]
SIGNING_HELP = (
    "Give the secret to the receiver's team: docs/webhooks.md says how they check signatures."
    " “Rotate the secret” makes a new one; the old one signs too for a while."
)
_COLOURS = {"ok": "#2e7d32", "bad": "#c62828", "wait": "#6d6d6d"}


def _badge(tone: str, mark: str, label: str, title: str = ""):
    return format_html('<span style="color:{};font-weight:600" title="{}">{} {}</span>', _COLOURS[tone], title, mark, label)


class EndpointForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label="Kinds",
        choices=ChangeEvent.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The public changes it receives: publish, update and unpublish of each kind checked.",
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "kinds"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        problem = endpoint_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


@admin.register(Endpoint)
class EndpointAdmin(BoundedSearchMixin, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "kinds_display", "state_and_reason", "consecutive_failures", "log_link"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    actions = ["send_ping", "rotate_secret", "enable", "disable"]
    view_on_site = False

    def get_readonly_fields(self, request, obj=None):
        return ["secret_display", *HEALTH_FIELDS] if obj else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["name", "url", "kinds"]})]
        if obj:
            fieldsets += [
                ("Signing", {"fields": ["secret_display"], "description": SIGNING_HELP}),
                ("Health", {"fields": HEALTH_FIELDS}),
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        endpoint_save(endpoint=obj, actor=request.user)

    def response_change(self, request, obj):
        """The change page's own buttons (``_ping``, ``_rotate_secret``, ``_enable``): saved, then done, then back."""
        tools = {"_ping": self.send_ping, "_rotate_secret": self.rotate_secret, "_enable": self.enable}
        for name, action in tools.items():
            if name in request.POST:
                action(request, Endpoint.objects.filter(pk=obj.pk))
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.display(description="kinds")
    def kinds_display(self, obj):
        labels = dict(ChangeEvent.Kind.choices)
        return ", ".join(labels.get(k, k) for k in obj.kinds) or "none"

    @admin.display(description="state", ordering="active")
    def state(self, obj):
        if obj.active and obj.consecutive_failures:
            return _badge("bad", "●", f"Active, failing ×{obj.consecutive_failures}")
        if obj.active:
            return _badge("ok", "●", "Active")
        return _badge("bad", "▲", "Disabled")

    @admin.display(description="state", ordering="active")
    def state_and_reason(self, obj):
        if obj.active:
            return self.state(obj)
        reason = Truncator(obj.disabled_reason).chars(90)  # in full on its page
        return format_html('{}<br><span title="{}">{}</span>', self.state(obj), obj.disabled_reason, reason)

    @admin.display(description="signing secret")
    def secret_display(self, obj):
        note = ""
        if obj.previous_secret_until:
            note = f" The previous secret also signs until {obj.previous_secret_until:%-d %b %Y %H:%M} UTC."
        return format_html("<code>{}</code>{}", obj.secret, note)

    @admin.display(description="deliveries")
    def log_link(self, obj):
        url = f"{reverse('admin:webhooks_delivery_changelist')}?{urlencode({'endpoint__id__exact': obj.pk})}"
        return format_html('<a href="{}">Delivery log</a>', url)

    @admin.action(description="Send a test ping", permissions=["change"])
    def send_ping(self, request, queryset):
        for endpoint in queryset:
            delivery = endpoint_ping(endpoint=endpoint)
            if delivery.status == Delivery.Status.DELIVERED:
                self.message_user(request, f"{endpoint}: ping answered HTTP {delivery.response_status}.", messages.SUCCESS)
            else:
                self.message_user(request, f"{endpoint}: ping failed: {delivery.error}", messages.ERROR)

    @admin.action(description="Rotate the secret", permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            endpoint_secret_rotate(endpoint=endpoint)
        count = queryset.count()
        self.message_user(
            request, f"New secret for {count} endpoint{pluralize(count)}; the old one also signs for a while.", messages.SUCCESS
        )

    @admin.action(description="Re-enable (send what waited)", permissions=["change"])
    def enable(self, request, queryset):
        endpoints = list(queryset.filter(active=False))
        for endpoint in endpoints:
            endpoint_enable(endpoint=endpoint)
        self.message_user(request, f"Re-enabled {len(endpoints)} endpoint{pluralize(len(endpoints))}.", messages.SUCCESS)

    @admin.action(description="Disable (changes wait)", permissions=["change"])
    def disable(self, request, queryset):
        endpoints = list(queryset.filter(active=True))
        for endpoint in endpoints:
            endpoint_disable(endpoint=endpoint, actor=request.user)
        self.message_user(request, f"Disabled {len(endpoints)} endpoint{pluralize(len(endpoints))}.", messages.SUCCESS)


class DeliveryStatusFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("delivered", "Delivered"), ("retrying", "Retrying"), ("waiting", "Waiting"), ("failed", "Gave up")]

    def queryset(self, request, queryset):
        match self.value():
            case "delivered":
                return queryset.filter(status=Delivery.Status.DELIVERED)
            case "retrying":
                return queryset.filter(status=Delivery.Status.PENDING, attempts__gt=0)
            case "waiting":
                return queryset.filter(status=Delivery.Status.PENDING, attempts=0)
            case "failed":
                return queryset.filter(status=Delivery.Status.FAILED)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["event", "endpoint", "outcome", "attempts", "response_status", "short_error", "last_attempt_at"]
    list_display_links = ["event"]
    view_on_site = False
    list_filter = ["endpoint", DeliveryStatusFilter, "kind"]
    list_select_related = ["endpoint"]
    search_fields = ["slug", "=event_id"]
    actions = ["retry_now"]
    fields = readonly_fields = [
        "endpoint", "event_id", "kind", "object_id", "slug", "cursor", "action", "outcome", "attempts", "next_attempt_at",
        "last_attempt_at", "delivered_at", "response_status", "response_excerpt", "error", "created_at",
    ]  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        days = settings.WEBHOOK_LOG_DAYS
        retention = f"Delivered and given-up deliveries are kept {days} day{'s' if days != 1 else ''}; pending ones until done."
        return super().changelist_view(request, {"retention": retention, **(extra_context or {})})

    @admin.display(description="event")
    def event(self, obj):
        return f"{obj.kind} {obj.slug or obj.object_id}" if obj.kind != Delivery.PING else "ping"

    @admin.display(description="outcome", ordering="status")
    def outcome(self, obj):
        if obj.status == Delivery.Status.DELIVERED:
            return _badge("ok", "●", "Delivered")
        if obj.status == Delivery.Status.FAILED:
            return _badge("bad", "▲", "Gave up" if obj.kind != Delivery.PING else "Failed", obj.error)
        if obj.attempts:
            return _badge("bad", "↻", f"Retrying ({obj.attempts} failed)", obj.error)
        return _badge("wait", "○", "Waiting")

    @admin.display(description="error")
    def short_error(self, obj):
        return obj.error[:80]

    def has_retry_permission(self, request):
        return request.user.has_perm(CHANGE_PERM)

    @admin.action(description="Send again now", permissions=["retry"])
    def retry_now(self, request, queryset):
        count = deliveries_retry(deliveries=queryset)
        self.message_user(request, f"{count} deliver{pluralize(count, 'y,ies')} queued to be sent again.", messages.SUCCESS)


def desk_panels(request) -> list[Panel]:
    """On the editors' desk: endpoints that are disabled, with why (``settings.ADMIN_DESK_PANELS``)."""
    if not request.user.has_perm(CHANGE_PERM):
        return []
    disabled = list(Endpoint.objects.filter(active=False).order_by("-disabled_at")[:8])
    if not disabled:
        return []
    items = [
        Item(e.name, reverse("admin:webhooks_endpoint_change", args=[e.pk]), e.url, note=e.disabled_reason) for e in disabled
    ]
    return [
        Panel(
            "webhooks", "Webhooks disabled", items, count=len(items), attention=True,
            empty="", help="These app backends receive no changes until re-enabled (changes wait).",
            more_url=f"{reverse('admin:webhooks_endpoint_changelist')}?active__exact=0",
        )
    ]  # fmt: skip
