"""The story admin: list, change form (conflict-safe), workflow panel and list actions."""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from images.widgets import ImageChooserAdminMixin
from newsroom.admin_mixins import BoundedSearchMixin
from newsroom.auth import byline, display_name
from newsroom.formats import when
from newsroom.richtext import html_to_text, sanitize_html

from .. import workflow
from ..autosave import autosave_for, autosave_forget, autosave_keep, autosave_query
from ..models import SCHEDULE_GRACE, Revision, SectionBlock, SlugRedirect, Story, StoryAuthor, Transition, UpdateNote
from ..notify import notifications_read
from ..presence import BEAT_SECONDS, lock_holder_other, presence_beat
from ..preview import PREVIEW_MAX_AGE, story_preview_token
from ..revisions import story_snapshot
from .coverage import StoryCoverageAdminMixin  # new coverage on the change page, flag in the list
from .following import StoryFollowingAdminMixin  # Start a story from an event; what arrived on the followed event
from .inlines import (
    REORDER_JS,
    CitationInline,
    SectionBlockInline,
    StoryAuthorInline,
    StoryQuestionInline,
    StoryTopicInline,
)
from .story_views import StoryViewsMixin


class _RefusedSave(Exception):
    """Raised inside the admin's save transaction to roll a conflicting save back."""

    def __init__(self, *, conflict: workflow.StoryConflict, data: dict):
        super().__init__(str(conflict))
        self.conflict, self.data = conflict, data


# Not put back into a form restored after a refused save: the token and the button pressed.
NOT_TYPED = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_cite"}


def _typed(request, *, keep_version: bool) -> list[list[str]]:
    """A refused save's fields as [name, value] pairs, to put back in the form (``autosave_keep``); after a
    conflict the stale version is dropped (the caller gives the one now stored)."""
    dropped = NOT_TYPED if keep_version else NOT_TYPED | {"expected_version"}
    return [[k, v] for k in request.POST for v in request.POST.getlist(k) if k not in dropped]


class StoryAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        help_text="The version this form was opened at; a save based on an older one is refused.",
    )

    class Meta:
        model = Story
        fields = [
            "headline", "slug", "summary", "event_date", "lead_image", "lead_image_caption", "seo_title",
            "seo_description", "social_image", "follows_event",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("expected_version") is None:
            # Without it a save cannot tell whether it would overwrite someone else's newer one: refuse.
            raise forms.ValidationError(
                "This form does not say which version of the story it was opened at, so saving it could overwrite "
                "someone else's changes. Copy what you typed, reload the story and make your change again."
            )
        return cleaned


class OverdueFilter(admin.SimpleListFilter):
    title = "schedule"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue (> 5 min)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=Story.Status.SCHEDULED, publish_at__lt=timezone.now() - SCHEDULE_GRACE)
        return queryset


@admin.register(Story)
class StoryAdmin(
    ImageChooserAdminMixin,
    BoundedSearchMixin,
    StoryFollowingAdminMixin,
    StoryCoverageAdminMixin,
    StoryViewsMixin,
    admin.ModelAdmin,
):
    form = StoryAdminForm
    list_display = [
        "headline", "state", "workflow_note", "credited", "has_unpublished_changes", "publish_at", "last_published_at",
        "updated_at",
    ]  # fmt: skip
    list_filter = ["status", OverdueFilter, "has_unpublished_changes", "authors", "topics"]
    search_fields = ["headline", "summary", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    fieldsets = [
        (None, {"fields": ["headline", "slug", "summary", "event_date", "expected_version"]}),
        ("Lead image", {"fields": ["lead_image", "lead_image_caption"]}),
        (
            "Search and social",
            {
                "fields": ["seo_title", "seo_description", "social_image", "search_preview"],
                "description": "How the story looks in search results and link previews. Empty fields use the "
                "headline, the summary and the lead image.",
            },
        ),
        ("Publishing", {"fields": ["state", "publish_at", "live_link", "first_published_at", "last_published_at"]}),
    ]
    readonly_fields = ["state", "publish_at", "live_link", "first_published_at", "last_published_at", "search_preview"]
    inlines = [StoryAuthorInline, SectionBlockInline, CitationInline, StoryTopicInline, StoryQuestionInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    change_form_template = "admin/stories/story/change_form.html"

    class Media:
        js = [REORDER_JS, "newsroom/admin/story-form.js", "newsroom/admin/cite-in-place.js"]
        css = {"all": ["newsroom/admin/image-chooser.css"]}  # the chooser the editor's "Image from the library" opens

    # --- display ---------------------------------------------------------

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        if obj.pk is None:
            return "Draft (new)"
        label = obj.get_status_display()
        if obj.status == Story.Status.SCHEDULED and obj.publish_at:
            label += f" for {when(obj.publish_at)}"
        if obj.is_overdue():
            label += " — OVERDUE: not published yet"
        return label

    @admin.display(description="preview")
    def search_preview(self, obj):
        """A search result and a link preview, as the fields above make them (the page's script keeps them current)."""
        address = f"{settings.SITE_URL.rstrip('/')}/story/{obj.slug or '…'}/"
        return format_html(
            '<div class="search-preview" aria-label="Search result preview"><span class="sp-url">{}</span>'
            '<span class="sp-title">{}</span><span class="sp-desc">{}</span></div>'
            '<div class="social-card" aria-label="Link preview"><span class="sc-image"></span>'
            '<span class="sc-site">{}</span><span class="sc-title">{}</span><span class="sc-desc">{}</span></div>',
            address, obj.seo_title or obj.headline or "Headline", obj.seo_description or obj.summary or "",
            settings.SITE_NAME, obj.seo_title or obj.headline or "Headline", obj.seo_description or obj.summary or "",
        )  # fmt: skip

    @admin.display(description="authors")
    def credited(self, obj):
        return byline(obj.author_names())

    @admin.display(description="last comment")
    def workflow_note(self, obj):
        """The comment of the story's latest workflow step (a return says what to change)."""
        comment = getattr(obj, "last_comment", "") or ""
        if not comment:
            return ""
        prefix = "Returned: " if getattr(obj, "last_action", "") == "return" else ""
        return f"{prefix}{comment[:140]}{'…' if len(comment) > 140 else ''}"

    def get_queryset(self, request):
        last = Transition.objects.filter(story=OuterRef("pk")).order_by("-created_at", "-id")
        return (
            super()
            .get_queryset(request)
            .annotate(last_action=Subquery(last.values("action")[:1]), last_comment=Subquery(last.values("comment")[:1]))
            .prefetch_related(Prefetch("story_authors", StoryAuthor.objects.select_related("user")))
        )

    @admin.display(description="public address")
    def live_link(self, obj):
        return obj.get_absolute_url() if obj.live_slug else "—"

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    # --- permissions -----------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)

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
        if request.method == "POST" and object_id and "_cite" not in request.POST:
            refused = self._refuse_while_locked(request, object_id)
            if refused is not None:
                return refused
        if request.method == "GET":
            kept = None
            if object_id is None or str(object_id).isdigit():  # by id: the story row is read once, by the admin
                kept = autosave_for(user=request.user, story_id=int(object_id) if object_id else None)
            if kept is not None and "restore" in request.GET:
                request._restored = autosave_query(kept)  # the form and its sections are shown with what was typed
            conflict = request.GET.get("conflict", "")
            conflict_revision = int(conflict) if conflict.isdigit() and kept else None
            extra_context = {
                **(extra_context or {}), "autosave": kept, "restored": "restore" in request.GET and kept,
                "conflict_revision": conflict_revision,
                "conflict_fields": _conflict_fields(object_id, kept) if conflict_revision else [],
            }  # fmt: skip
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _RefusedSave as refused:
            # The save's transaction is rolled back. What was typed is kept as a revision (to compare), and put
            # back in the form itself (as this user's autosave, on the version now stored), so they can compare,
            # keep what they want of each version, and save.
            story = get_object_or_404(Story, pk=object_id)
            revision = workflow.story_keep_conflict(story=story, data=refused.data, actor=request.user)
            typed = _typed(request, keep_version=False)
            autosave_keep(user=request.user, story=story, pairs=[*typed, ["expected_version", str(story.version)]])
            messages.error(request, str(refused.conflict))
            return HttpResponseRedirect(f"{request.path}?restore=1&conflict={revision.pk}")

    def _refuse_while_locked(self, request, object_id):
        """Someone else's open page holds the soft lock: refuse the save, keep the typing in the form."""
        story = Story.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if story is None or not self.has_change_permission(request, story):
            return None
        holder = lock_holder_other(story=story, user=request.user)
        if holder is None:
            return None
        autosave_keep(user=request.user, story=story, pairs=_typed(request, keep_version=True))
        messages.error(
            request,
            f"Not saved: {display_name(holder)} is editing this story and holds the lock. What you typed is back in "
            "the form below; take the lock over to save it.",
        )
        return HttpResponseRedirect(f"{request.path}?restore=1")

    def save_model(self, request, obj, form, change):
        if change:
            try:
                workflow.story_lock_for_save(story=obj, expected_version=form.cleaned_data.get("expected_version"))
            except workflow.StoryConflict as conflict:
                request._story_conflict = conflict
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.authors_forget()  # the list's prefetch of the byline predates the Authors box just saved
        if not change and not form.instance.story_authors.exists():
            StoryAuthor.objects.create(story=form.instance, user=request.user)  # a writer's new story is theirs
        conflict = getattr(request, "_story_conflict", None)
        if conflict is not None:
            raise _RefusedSave(conflict=conflict, data=story_snapshot(story=form.instance))
        workflow.story_saved(story=form.instance, actor=request.user, message="Saved in the admin")
        autosave_forget(user=request.user, story=form.instance)
        if not change:
            autosave_forget(user=request.user, story=None)  # the new story's form is saved now

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        restored = getattr(request, "_restored", None)
        if restored is not None:
            kwargs.update(data=restored, files={})
        elif obj.pk is None and request.method == "GET":
            kwargs["initial"] = inline.new_story_initial(request)
        return kwargs

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        restored = getattr(request, "_restored", None)
        if restored is None:
            return form_class

        class RestoredForm(form_class):  # bound to what was typed: shown, not saved (the page is a GET)
            def __init__(self, *args, **form_kwargs):
                form_kwargs.pop("initial", None)
                super().__init__(restored, {}, *args[2:], **form_kwargs)

        return RestoredForm

    # --- change page context ---------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The workflow panel is built from the story the change view already loaded (no second query).
        if obj is not None and obj.pk is not None:
            context.update(self._workflow_context(request, obj))
        context["error_summary"] = _error_summary(context)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _workflow_context(self, request, story) -> dict:
        actions = workflow.story_actions_available(story=story, actor=request.user)
        token = story_preview_token(story=story)
        presence = None
        if request.method == "GET":
            notifications_read(user=request.user, story=story)  # the desk stops listing what was about it
            if workflow.story_can_edit(story=story, actor=request.user) and request.user.has_perm("stories.change_story"):
                presence = presence_beat(story=story, user=request.user)
        transitions = list(story.transitions.select_related("actor")[:50])  # newest first: the first is the last step
        last = transitions[0] if transitions else None
        return dict(
            presence=presence,
            beat_seconds=BEAT_SECONDS,
            last_return=last if last is not None and last.action == "return" and story.status == Story.Status.DRAFT else None,
            workflow_actions=[(name, workflow.RULES[name].label) for name in actions],
            transitions=transitions,
            update_notes=story.update_notes.all(),
            revisions=story.revisions.select_related("author").defer("data")[:50],
            is_overdue=story.is_overdue(),
            share_url=request.build_absolute_uri(reverse("stories:preview", args=[token])),
            share_days=PREVIEW_MAX_AGE // 86400,
            can_revoke_previews=workflow.story_can_edit(story=story, actor=request.user),
            now_local=timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            newsroom_time_zone=timezone.get_current_timezone_name(),
        )

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


def _error_summary(context) -> list[dict]:
    """Every error of a refused save, each with a link to its field: shown at the top of the form."""
    entries = []
    adminform = context.get("adminform")
    form = adminform.form if adminform is not None else None
    if form is not None and form.is_bound:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else "Story"
            entries += [{"label": str(label or name).capitalize(), "message": e, "anchor": f"id_{name}"} for e in errors]
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        if not formset.is_bound:
            continue
        noun = str(formset.model._meta.verbose_name)
        entries += [
            {"label": noun.capitalize() + "s", "message": e, "anchor": f"{formset.prefix}-group"}
            for e in formset.non_form_errors()
        ]
        for number, subform in enumerate(formset.forms, start=1):
            for name, errors in subform.errors.items():
                field = subform.fields.get(name)
                where = f"{noun.capitalize()} {number}" + (f", {str(field.label).lower()}" if field is not None else "")
                anchor = f"id_{subform.prefix}-{name}" if field is not None else f"{subform.prefix}"
                entries += [{"label": where, "message": e, "anchor": anchor} for e in errors]
    return entries


# The story's own fields a conflict compares one by one; its sections are compared by id, heading and text.
MERGED_FIELDS = ["headline", "slug", "summary", "event_date", "lead_image_caption", "seo_title", "seo_description"]
SECTION_PREFIX = re.compile(r"^blocks-(\d+)-id$")


def _conflict_fields(object_id, kept) -> list[dict]:
    """Where what this editor typed (``kept``) and the version now saved differ, field by field and section by
    section, for "Use theirs" buttons beside the restored form. A section added or deleted on one side only is
    left to the compare page."""
    story = Story.objects.filter(pk=object_id).values(*MERGED_FIELDS).first()
    if story is None:
        return []
    mine = dict(kept.data)
    rows = []
    for name in MERGED_FIELDS:
        theirs = "" if story[name] is None else str(story[name])
        if name in mine and mine[name].strip() != theirs.strip():
            label = Story._meta.get_field(name).verbose_name
            rows.append({"name": name, "label": str(label).capitalize(), "theirs": theirs, "mine": mine[name]})
    typed = {int(mine[key]): match[1] for key in mine if (match := SECTION_PREFIX.match(key)) and mine[key].isdigit()}
    saved = SectionBlock.objects.filter(story_id=object_id, pk__in=typed).values("pk", "heading", "body")
    for section in sorted(saved, key=lambda s: int(typed[s["pk"]])):
        index = typed[section["pk"]]
        for part, label in (("heading", "heading"), ("body", "text")):
            yours, theirs = mine.get(f"blocks-{index}-{part}", ""), section[part] or ""
            if part == "body":
                yours = sanitize_html(yours)  # as it would be saved: markup the editor merely spells differently is no change
            if " ".join(yours.split()) != " ".join(theirs.split()):
                shown = (html_to_text(theirs), html_to_text(yours)) if part == "body" else (theirs, yours)
                rows.append({
                    "name": f"blocks-{index}-{part}", "label": f"Section {int(index) + 1}, {label}",
                    "theirs": theirs, "theirs_shown": shown[0], "mine": shown[1],
                })  # fmt: skip
    return rows
