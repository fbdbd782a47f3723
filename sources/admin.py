"""Admin for outlets, feeds (with their health) and ingested articles.

Thin: “fetch now” queues the same Celery task beat does; confirming or removing
a topic match goes through ``sources.services``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from images.widgets import ImageChooserAdminMixin
from newsroom.admin_mixins import BoundedSearchMixin, ServiceBackedAdminMixin
from topics.models import Topic

from .ingest import FeedUnreachable, feed_ingest
from .models import ArticleTopic, Feed, Outlet, SourceArticle
from .opml import MAX_BYTES, OpmlError, opml_import, opml_preview
from .services import article_topic_decide, article_topics_decide, outlet_delete, outlet_save, topic_aliases_recount
from .tasks import feed_fetch

# A feed's health, shown read-only on its page (what ingestion records).
HEALTH_FIELDS = [
    "health", "last_fetched_at", "last_http_status", "last_error", "consecutive_failures", "items_seen",
    "articles_added", "last_new_article_at", "etag", "last_modified",
]  # fmt: skip
_STATUS_COLOURS = {True: "#2e7d32", False: "#c62828", None: "#6d6d6d"}


def _fetch_now(modeladmin, request, feed_ids: list[int]) -> None:
    """Queue one fetch per feed, as beat does; without a broker, fetch here (once, no retries)."""
    if not feed_fetch.app.conf.task_always_eager:
        for feed_id in feed_ids:
            feed_fetch.delay(feed_id)
        modeladmin.message_user(
            request, f"Fetching {len(feed_ids)} feed(s) now. Their health updates when each fetch ends.", messages.SUCCESS
        )
        return
    outcomes: dict[str, int] = {}
    for feed_id in feed_ids:
        try:
            status = feed_ingest(feed_id=feed_id).status
        except FeedUnreachable:  # recorded in the feed's health
            status = Feed.objects.values_list("last_status", flat=True).get(pk=feed_id)
        label = Feed.Status(status).label if status in Feed.Status.values else status
        outcomes[label] = outcomes.get(label, 0) + 1
    summary = ", ".join(f"{count} {label}" for label, count in outcomes.items())
    modeladmin.message_user(request, f"Fetched {len(feed_ids)} feed(s) now: {summary}.", messages.SUCCESS)


class FeedInline(admin.TabularInline):
    model = Feed
    extra = 0
    fields = ["url", "title", "is_active", "fetch_interval", "health", "last_fetched_at"]
    readonly_fields = ["health", "last_fetched_at"]

    @admin.display(description="health")
    def health(self, obj):
        return feed_health_badge(obj) if obj.pk else "—"


def feed_health_badge(feed: Feed):
    if feed.last_status == Feed.Status.NEW:
        healthy = None
    else:
        healthy = feed.last_status in Feed.HEALTHY
    label = feed.get_last_status_display()
    if feed.consecutive_failures > 1:
        label += f" ×{feed.consecutive_failures}"
    if feed.is_quiet:
        label += " · quiet"
    return format_html(
        '<span style="color:{};font-weight:600" title="{}">{} {}</span>',
        _STATUS_COLOURS[healthy],
        feed.last_error,
        {True: "●", False: "▲", None: "○"}[healthy],
        label,
    )


@admin.register(Outlet)
class OutletAdmin(ImageChooserAdminMixin, ServiceBackedAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "country", "language", "feed_count", "failing_feeds", "homepage"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FeedInline]
    actions = ["fetch_feeds_now"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _feeds=Count("feeds", distinct=True),
                _failing=Count("feeds", filter=Q(feeds__consecutive_failures__gt=0, feeds__is_active=True), distinct=True),
            )
        )

    save_service = staticmethod(outlet_save)
    delete_service = staticmethod(outlet_delete)
    service_argument = "outlet"

    @admin.display(description="feeds", ordering="_feeds")
    def feed_count(self, obj):
        return obj._feeds

    @admin.display(description="failing", ordering="_failing")
    def failing_feeds(self, obj):
        return format_html('<b style="color:#c62828">{}</b>', obj._failing) if obj._failing else "0"

    @admin.action(description="Fetch these outlets' feeds now", permissions=["change"])
    def fetch_feeds_now(self, request, queryset):
        _fetch_now(self, request, list(Feed.objects.filter(outlet__in=queryset, is_active=True).values_list("pk", flat=True)))


class QuietFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("failing", "Failing"), ("quiet", "Quiet"), ("healthy", "Healthy"), ("new", "Not fetched yet")]

    def queryset(self, request, queryset):
        match self.value():
            case "failing":
                return queryset.filter(consecutive_failures__gt=0)
            case "quiet":
                return queryset.filter(is_quiet=True)
            case "healthy":
                return queryset.filter(last_status__in=Feed.HEALTHY, is_quiet=False)
            case "new":
                return queryset.filter(last_status=Feed.Status.NEW)
        return queryset


class OpmlUploadForm(forms.Form):
    file = forms.FileField(
        label="OPML file", help_text=f"A feed list exported from a reader (.opml), up to {MAX_BYTES // 1_000_000} MB."
    )


@admin.register(Feed)
class FeedAdmin(BoundedSearchMixin, admin.ModelAdmin):
    change_list_template = "admin/sources/feed/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.opml_view)
        return [path("import-opml/", view, name="sources_feed_import_opml"), *super().get_urls()]

    def opml_view(self, request):
        """Upload an OPML feed list, see what it would add, confirm: nothing is created before the confirmation."""
        if not (self.has_add_permission(request) and request.user.has_perm("sources.add_outlet")):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Import feeds from OPML"}
        form = OpmlUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            source = request.POST.get("opml", "").encode()
            try:
                result = opml_import(source=source)
            except OpmlError as exc:
                self.message_user(request, f"Nothing imported: {exc}.", messages.ERROR)
            else:
                feeds, outlets = result.feeds_created, len(result.outlets_created)
                self.message_user(
                    request,
                    f"Imported {feeds} feed{pluralize(feeds)} and {outlets} new outlet{pluralize(outlets)} "
                    f"({result.feeds_existing} already here, {len(result.skipped)} skipped).",
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:sources_feed_changelist"))
        if request.method == "POST":
            form = OpmlUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                source = upload.read(MAX_BYTES + 1)
                try:
                    context["preview"] = opml_preview(source=source)
                    context["opml_text"] = source.decode("utf-8", errors="replace")
                except OpmlError as exc:
                    form.add_error("file", f"This file cannot be imported: {exc}.")
        context["form"] = form
        return TemplateResponse(request, "admin/sources/feed/import_opml.html", context)

    list_display = [
        "__str__",
        "outlet",
        "health",
        "last_fetched_at",
        "next_fetch_at",
        "consecutive_failures",
        "items_seen",
        "articles_added",
        "last_new_article_at",
        "is_active",
    ]
    list_filter = [QuietFilter, "last_status", "is_active", "outlet"]
    search_fields = ["url", "title", "outlet__name"]
    autocomplete_fields = ["outlet"]
    list_select_related = ["outlet"]
    actions = ["fetch_now"]
    fieldsets = [
        (None, {"fields": ["outlet", "url", "title", "is_active"]}),
        ("Polling", {"fields": ["fetch_interval", "quiet_after", "next_fetch_at"]}),
        (
            "Health",
            {"fields": HEALTH_FIELDS},
        ),
    ]
    readonly_fields = HEALTH_FIELDS

    @admin.display(description="health", ordering="last_status")
    def health(self, obj):
        return feed_health_badge(obj)

    @admin.action(description="Fetch now", permissions=["change"])
    def fetch_now(self, request, queryset):
        _fetch_now(self, request, list(queryset.values_list("pk", flat=True)))


class TopicFilter(admin.SimpleListFilter):
    """Articles on a topic (editor-removed matches excluded)."""

    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return list(Topic.objects.filter(article_links__isnull=False).distinct().values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            links = ArticleTopic.objects.filter(topic_id=self.value()).exclude(status=ArticleTopic.Status.REMOVED)
            return queryset.filter(pk__in=links.values("article_id"))
        return queryset


class ArticleTopicInline(admin.TabularInline):
    model = ArticleTopic
    extra = 0
    fields = ["topic", "status", "matched_as", "matched_at", "decided_by", "decided_at"]
    readonly_fields = ["matched_as", "matched_at", "decided_by", "decided_at"]
    autocomplete_fields = ["topic"]


@admin.register(SourceArticle)
class SourceArticleAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["title", "outlet", "published_at", "created_at", "topic_names", "link"]
    list_filter = [TopicFilter, "outlet", ("published_at", admin.DateFieldListFilter), "language"]
    search_fields = ["title", "summary", "url", "outlet__name"]
    date_hierarchy = "published_at"
    list_select_related = ["outlet"]
    autocomplete_fields = ["outlet", "feed"]
    readonly_fields = ["content_hash", "created_at", "updated_at"]
    inlines = [ArticleTopicInline]

    def get_queryset(self, request):
        # One query for every row's topics, not one per row.
        links = ArticleTopic.objects.exclude(status=ArticleTopic.Status.REMOVED).select_related("topic")
        return super().get_queryset(request).prefetch_related(Prefetch("article_topics", queryset=links, to_attr="_links"))

    @admin.display(description="topics")
    def topic_names(self, obj):
        links = getattr(obj, "_links", None)
        if links is None:
            return ""
        return format_html_join(
            ", ", "{}{}", ((link.topic.name, " ✓" if link.status == ArticleTopic.Status.CONFIRMED else "") for link in links)
        )

    @admin.display(description="link")
    def link(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">open ↗</a>', obj.url)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ArticleTopic:
            return super().save_formset(request, form, formset, change)
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            link.delete()
        if formset.deleted_objects:
            topic_aliases_recount(pairs={(link.topic_id, link.matched_as) for link in formset.deleted_objects})
        for link in links:  # new or changed rows only
            if link.status == ArticleTopic.Status.MATCHED:
                link.save()
            else:
                article_topic_decide(link=link, status=link.status, actor=request.user)


@admin.register(ArticleTopic)
class ArticleTopicAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["article", "topic", "status", "matched_as", "matched_at", "decided_by"]
    list_filter = ["status", "topic"]
    search_fields = ["article__title", "topic__name"]
    list_select_related = ["article", "topic", "decided_by"]
    autocomplete_fields = ["article", "topic"]
    actions = ["confirm", "remove"]

    @admin.action(description="Confirm these matches", permissions=["change"])
    def confirm(self, request, queryset):
        count = article_topics_decide(links=queryset, status=ArticleTopic.Status.CONFIRMED, actor=request.user)
        self.message_user(request, f"{count} match(es) confirmed.")

    @admin.action(description="Remove these matches (ingestion will not add them back)", permissions=["change"])
    def remove(self, request, queryset):
        count = article_topics_decide(links=queryset, status=ArticleTopic.Status.REMOVED, actor=request.user)
        self.message_user(request, f"{count} match(es) removed.")
