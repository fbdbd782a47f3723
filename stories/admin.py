"""The editorial desk: story editing, workflow buttons, history, compare, restore and preview.

The admin stays thin: every status change and every write of the working
copy's version and revisions goes through ``stories.workflow``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import workflow
from .models import (
    Citation,
    Revision,
    SectionBlock,
    SlugRedirect,
    Story,
    StoryQuestion,
    StoryTopic,
    Transition,
    UpdateNote,
)
from .revisions import snapshot_diff, story_snapshot
from .selectors import PREVIEW_MAX_AGE, story_page_from_snapshot, story_preview_token

REORDER_JS = "newsroom/admin/inline-reorder.js"


class _RefusedSave(Exception):
    """Raised inside the admin's save transaction to roll a conflicting save back."""

    def __init__(self, *, conflict: workflow.StoryConflict, data: dict):
        super().__init__(str(conflict))
        self.conflict, self.data = conflict, data


class StoryChildInline:
    """Inlines of a story: editable exactly when the story is; ordered by dragging."""

    extra = 0
    related = ()  # joined for each row's title (its __str__)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.related) if self.related else queryset

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)


class SectionBlockInline(StoryChildInline, admin.StackedInline):
    model = SectionBlock
    fields = ["position", "kind", "heading", "body"]
    classes = ["sortable-inline"]


class CitationInline(StoryChildInline, admin.StackedInline):
    model = Citation
    fields = ["position", "outlet", "url", "claim", "quote", "source_article"]
    autocomplete_fields = ["outlet", "source_article"]
    related = ("outlet",)
    classes = ["sortable-inline"]


class StoryTopicInline(StoryChildInline, admin.TabularInline):
    model = StoryTopic
    fields = ["position", "topic"]
    autocomplete_fields = ["topic"]
    related = ("topic",)
    classes = ["sortable-inline"]


class StoryQuestionInline(StoryChildInline, admin.TabularInline):
    model = StoryQuestion
    fields = ["position", "question"]
    autocomplete_fields = ["question"]
    related = ("question",)
    classes = ["sortable-inline"]


class StoryAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False,
        help_text="The version this form was opened at; a save based on an older one is refused.",
    )

    class Meta:
        model = Story
        fields = ["headline", "slug", "summary", "event_date", "author"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


class OverdueFilter(admin.SimpleListFilter):
    title = "schedule"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue (> 5 min)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            from .models import SCHEDULE_GRACE

            return queryset.filter(status=Story.Status.SCHEDULED, publish_at__lt=timezone.now() - SCHEDULE_GRACE)
        return queryset


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    form = StoryAdminForm
    list_display = ["headline", "state", "author", "has_unpublished_changes", "publish_at", "last_published_at", "updated_at"]
    list_filter = ["status", OverdueFilter, "has_unpublished_changes", "author", "topics"]
    search_fields = ["headline", "summary", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    fieldsets = [
        (None, {"fields": ["headline", "slug", "summary", "event_date", "author", "expected_version"]}),
        ("Workflow", {"fields": ["state", "publish_at", "live_link", "first_published_at", "last_published_at"]}),
    ]
    readonly_fields = ["state", "publish_at", "live_link", "first_published_at", "last_published_at"]
    inlines = [SectionBlockInline, CitationInline, StoryTopicInline, StoryQuestionInline]
    list_select_related = ["author"]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    change_form_template = "admin/stories/story/change_form.html"

    class Media:
        js = [REORDER_JS]

    # --- display ---------------------------------------------------------

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        if obj.pk is None:
            return "Draft (new)"
        label = obj.get_status_display()
        if obj.status == Story.Status.SCHEDULED and obj.publish_at:
            label += f" for {timezone.localtime(obj.publish_at):%d %b %Y %H:%M}"
        if obj.is_overdue():
            label += " — OVERDUE: not published yet"
        return label

    @admin.display(description="public address")
    def live_link(self, obj):
        return obj.get_absolute_url() if obj.live_slug else "—"

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    # --- permissions -----------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.story_can_edit(
            story=obj, actor=request.user
        )

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        # A live story is unpublished first, so that readers get a 410 and the sync feed a tombstone.
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_live)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A story's history (revisions, transitions, notes, redirects) goes with it; no separate right needed.
        owned = {m._meta.verbose_name for m in (Revision, Transition, UpdateNote, SlugRedirect)}
        return deleted, counts, perms_needed - owned, protected

    def delete_queryset(self, request, queryset):
        live = queryset.filter(status=Story.Status.PUBLISHED)
        if live.exists():
            messages.error(request, f"Not deleted (unpublish them first): {', '.join(map(str, live))}.")
        super().delete_queryset(request, queryset.exclude(status=Story.Status.PUBLISHED))

    # --- saving: conflict-safe, one revision per save --------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _RefusedSave as refused:
            # The save's transaction is rolled back; keep what was typed as a revision.
            story = get_object_or_404(Story, pk=object_id)
            workflow.story_keep_conflict(story=story, data=refused.data, actor=request.user)
            messages.error(request, str(refused.conflict))
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        if change:
            try:
                workflow.story_lock_for_save(story=obj, expected_version=form.cleaned_data.get("expected_version"))
            except workflow.StoryConflict as conflict:
                request._story_conflict = conflict
        elif obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        conflict = getattr(request, "_story_conflict", None)
        if conflict is not None:
            raise _RefusedSave(conflict=conflict, data=story_snapshot(story=form.instance))
        workflow.story_saved(story=form.instance, actor=request.user, message="Saved in the admin")

    # --- change page context ---------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        story = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if story is not None:
            actions = workflow.story_actions_available(story=story, actor=request.user)
            token = story_preview_token(story=story)
            extra_context.update(
                workflow_actions=[(name, workflow.RULES[name].label) for name in actions],
                transitions=story.transitions.select_related("actor")[:50],
                update_notes=story.update_notes.all(),
                revisions=story.revisions.select_related("author").defer("data")[:50],
                is_overdue=story.is_overdue(),
                share_url=request.build_absolute_uri(reverse("stories:preview", args=[token])),
                share_days=PREVIEW_MAX_AGE // 86400,
                now_local=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- extra views -----------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/transition/<str:action>/", view(self.transition_view), name="stories_story_transition"),
            path("<int:object_id>/preview/", view(self.preview_view), name="stories_story_preview"),
            path("<int:object_id>/compare/", view(self.compare_view), name="stories_story_compare"),
            path(
                "<int:object_id>/restore/<int:revision_id>/", view(self.restore_view), name="stories_story_restore"
            ),
        ] + super().get_urls()

    def _story_or_404(self, request, object_id) -> Story:
        story = get_object_or_404(Story.objects.select_related("live_revision", "author"), pk=object_id)
        if not self.has_view_permission(request, story):
            raise PermissionDenied
        return story

    def _change_url(self, story) -> str:
        return reverse("admin:stories_story_change", args=[story.pk])

    def transition_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, object_id)
        if action not in workflow.RULES:
            raise Http404("No such workflow action.")
        try:
            self._run_transition(request, story, action)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{workflow.RULES[action].label}: done.")
        return HttpResponseRedirect(self._change_url(story))

    def _run_transition(self, request, story, action):
        comment = request.POST.get("comment", "")
        actor = request.user
        if action == "submit":
            workflow.story_submit(story=story, actor=actor, comment=comment)
        elif action == "return":
            workflow.story_return(story=story, actor=actor, comment=comment)
        elif action == "schedule":
            publish_at = parse_datetime(request.POST.get("publish_at", "") or "")
            if publish_at is not None and timezone.is_naive(publish_at):
                publish_at = timezone.make_aware(publish_at)
            workflow.story_schedule(story=story, actor=actor, publish_at=publish_at, comment=comment)
        elif action == "publish":
            workflow.story_publish(story=story, actor=actor, message=comment, note=request.POST.get("note", ""))
        elif action == "unpublish":
            workflow.story_unpublish(story=story, actor=actor, comment=comment)

    def preview_view(self, request, object_id):
        story = self._story_or_404(request, object_id)
        data, label = story_snapshot(story=story), ""
        revision_id = request.GET.get("revision")
        if revision_id:
            revision = get_object_or_404(Revision.objects.select_related("author"), pk=revision_id, story=story)
            data, label = revision.data, self._revision_label(revision)
        page = story_page_from_snapshot(story=story, data=data)
        response = render(request, "stories/story_preview.html", {"page": page, "revision_label": label})
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def compare_view(self, request, object_id):
        story = self._story_or_404(request, object_id)
        revisions = list(story.revisions.select_related("author"))
        a, b = request.GET.get("a"), request.GET.get("b", "working")
        old = self._version(story, revisions, a or (str(story.live_revision_id) if story.live_revision_id else ""))
        new = self._version(story, revisions, b)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "original": story, "title": f"Compare versions of “{story}”",
            "revisions": revisions, "a": a or str(story.live_revision_id or ""), "b": b,
            "old_label": old[0], "new_label": new[0],
            "diffs": snapshot_diff(old=old[1], new=new[1]) if old[1] and new[1] else None,
        }
        return TemplateResponse(request, "admin/stories/story/revision_compare.html", context)

    def _version(self, story, revisions, key) -> tuple[str, dict | None]:
        if key == "working":
            return "the working copy (now)", story_snapshot(story=story)
        for revision in revisions:
            if str(revision.pk) == key:
                return self._revision_label(revision), revision.data
        return "—", None

    @staticmethod
    def _revision_label(revision) -> str:
        who = revision.author.get_username() if revision.author_id else "system"
        when = timezone.localtime(revision.created_at)
        return f"#{revision.pk} {revision.get_kind_display()} by {who}, {when:%d %b %Y %H:%M:%S}"

    def restore_view(self, request, object_id, revision_id):
        story = self._story_or_404(request, object_id)
        revision = get_object_or_404(Revision, pk=revision_id, story=story)
        if request.method == "POST":
            try:
                workflow.story_restore(story=story, revision=revision, actor=request.user)
            except workflow.WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Restored into the working copy. Publish to make it public.")
            return HttpResponseRedirect(self._change_url(story))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "original": story, "title": f"Restore a revision of “{story}”",
            "revision_label": self._revision_label(revision),
            "can_restore": workflow.story_can_edit(story=story, actor=request.user),
            "diffs": snapshot_diff(old=story_snapshot(story=story), new=revision.data),
        }
        return TemplateResponse(request, "admin/stories/story/revision_restore.html", context)

    # --- list actions ----------------------------------------------------

    def _bulk(self, request, queryset, action, call):
        done = 0
        for story in queryset:
            try:
                call(story)
                done += 1
            except workflow.WorkflowError as exc:
                messages.error(request, f"“{story}”: {exc}")
        if done:
            messages.success(request, f"{workflow.RULES[action].label}: {done} story(ies).")

    def has_submit_permission(self, request):
        return request.user.has_perm(workflow.WRITE_PERM)

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.EDITOR_PERM)

    @admin.action(description="Submit selected stories for review", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit", lambda s: workflow.story_submit(story=s, actor=request.user))

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish", lambda s: workflow.story_publish(story=s, actor=request.user))

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "unpublish", lambda s: workflow.story_unpublish(story=s, actor=request.user))


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["story", "kind", "author", "message", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["story", "author"]
    search_fields = ["story__headline", "message"]
    readonly_fields = ["story", "kind", "data", "author", "message", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["story", "action", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["action", "to_status"]
    list_select_related = ["story", "actor"]
    search_fields = ["story__headline", "comment"]
    readonly_fields = ["story", "action", "from_status", "to_status", "actor", "comment", "revision", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "story", "created_at"]
    search_fields = ["old_slug", "story__headline"]
    list_select_related = ["story"]
    readonly_fields = ["story"]

    def has_add_permission(self, request):
        return False
