"""The story admin's own pages: workflow buttons, preview, compare and restore."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from newsroom.auth import display_name
from newsroom.formats import when

from .. import workflow
from ..autosave import autosave_forget, autosave_keep
from ..models import Revision, Story
from ..presence import lock_take_over, presence_beat
from ..revisions import snapshot_diff, story_snapshot
from ..selectors import story_page_from_snapshot

# How many revisions the compare page's selects offer, newest first.
COMPARE_LISTED = 200


class TransitionForm(forms.Form):
    """What the workflow buttons post: an optional comment or note, and the publish time for Schedule."""

    comment = forms.CharField(label="Comment", required=False, max_length=5000, help_text="Shown in the history.")
    note = forms.CharField(label="Public update note", required=False, max_length=500, help_text="Shown to readers.")
    # A naive time is read in the newsroom's time zone (TIME_ZONE), as the datetime-local input sends it.
    publish_at = forms.DateTimeField(label="Publish at", required=False, help_text="When the story goes live.")

    def error_text(self) -> str:
        return " ".join(f"{self.fields[name].label}: {' '.join(errors)}" for name, errors in self.errors.items())


class StoryViewsMixin:
    """Extra admin views of a story; each one calls the workflow or a selector and renders."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/transition/<str:action>/", view(self.transition_view), name="stories_story_transition"),
            path("<int:object_id>/preview/", view(self.preview_view), name="stories_story_preview"),
            path("<int:object_id>/preview/revoke/", view(self.preview_revoke_view), name="stories_story_preview_revoke"),
            path("<int:object_id>/compare/", view(self.compare_view), name="stories_story_compare"),
            path("<int:object_id>/restore/<int:revision_id>/", view(self.restore_view), name="stories_story_restore"),
            path("<int:object_id>/autosave/", view(self.autosave_view), name="stories_story_autosave"),
            path("autosave/", view(self.autosave_view), name="stories_story_autosave_new"),
            path("<int:object_id>/autosave/discard/", view(self.autosave_discard_view), name="stories_story_autosave_discard"),
            path("autosave/discard/", view(self.autosave_discard_view), name="stories_story_autosave_discard_new"),
            path("<int:object_id>/presence/", view(self.presence_view), name="stories_story_presence"),
            path("<int:object_id>/lock/take/", view(self.lock_take_view), name="stories_story_lock_take"),
        ] + super().get_urls()

    def _autosave_story(self, request, object_id) -> Story | None:
        """The story whose form is autosaved (None: a new one), if the user may edit it."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        story = get_object_or_404(Story, pk=object_id)
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        return story

    def autosave_view(self, request, object_id=None):
        """POST the form's fields as JSON ``{"fields": [[name, value], …]}``: kept as this user's unsaved edits."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._autosave_story(request, object_id)
        try:
            fields = json.loads(request.body or b"{}").get("fields")
            kept = autosave_keep(user=request.user, story=story, pairs=fields)
        except (ValueError, AttributeError) as exc:
            return JsonResponse({"error": f"Not kept: {exc}"}, status=400)
        return JsonResponse({"saved_at": timezone.localtime(kept.saved_at).strftime("%H:%M:%S")})

    def presence_view(self, request, object_id):
        """The form's heartbeat: I have it open. Answers who else has, and who holds the lock."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._autosave_story(request, object_id)
        return JsonResponse(presence_beat(story=story, user=request.user))

    def lock_take_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._autosave_story(request, object_id)
        lock_take_over(story=story, user=request.user)
        messages.success(request, "You hold the lock now: your saves go through. Whoever had it keeps their typing.")
        return HttpResponseRedirect(self._change_url(story))

    def autosave_discard_view(self, request, object_id=None):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._autosave_story(request, object_id)
        autosave_forget(user=request.user, story=story)
        messages.info(request, "The autosaved edits were discarded.")
        target = self._change_url(story) if story is not None else reverse("admin:stories_story_add")
        return HttpResponseRedirect(target)

    def _story_or_404(self, request, object_id) -> Story:
        # Not the live revision: its snapshot is only read when a page compares it (the workflow re-reads it locked).
        story = get_object_or_404(Story.objects.all(), pk=object_id)
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
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"{workflow.RULES[action].label}: nothing changed. {form.error_text()}")
            return HttpResponseRedirect(self._change_url(story))
        try:
            self._run_transition(request, story, action, form.cleaned_data)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{workflow.RULES[action].label}: done.")
        return HttpResponseRedirect(self._change_url(story))

    def _run_transition(self, request, story, action, data):
        comment, actor = data["comment"], request.user
        if action == "submit":
            workflow.story_submit(story=story, actor=actor, comment=comment)
        elif action == "return":
            workflow.story_return(story=story, actor=actor, comment=comment)
        elif action == "schedule":
            workflow.story_schedule(story=story, actor=actor, publish_at=data["publish_at"], comment=comment)
        elif action == "publish":
            workflow.story_publish(story=story, actor=actor, message=comment, note=data["note"])
        elif action == "unpublish":
            workflow.story_unpublish(story=story, actor=actor, comment=comment)
        elif action == "withdraw":
            workflow.story_withdraw(story=story, actor=actor, comment=comment)
        elif action == "unschedule":
            workflow.story_unschedule(story=story, actor=actor, comment=comment)

    def preview_view(self, request, object_id):
        story = self._story_or_404(request, object_id)
        data, label = story_snapshot(story=story), ""
        revision_id = request.GET.get("revision")
        if revision_id:
            if not revision_id.isdigit():  # a hand-typed or truncated id is a missing page, not a crash
                raise Http404("No such revision.")
            revision = get_object_or_404(Revision.objects.select_related("author"), pk=int(revision_id), story=story)
            data, label = revision.data, self._revision_label(revision)
        page = story_page_from_snapshot(story=story, data=data)
        response = render(request, "stories/story_preview.html", {"page": page, "revision_label": label})
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def preview_revoke_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, object_id)
        try:
            workflow.story_preview_revoke(story=story, actor=request.user)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            self.log_change(request, story, "Revoked the shared preview links.")
            messages.success(request, "The preview links shared so far no longer work; the link below is a new one.")
        return HttpResponseRedirect(self._change_url(story))

    def compare_view(self, request, object_id):
        story = self._story_or_404(request, object_id)
        # The selects need labels only: leave every snapshot's JSON in the database, and list the latest few.
        listed = story.revisions.select_related("author").defer("data")[:COMPARE_LISTED]
        a, b = request.GET.get("a"), request.GET.get("b", "working")
        old = self._version(story, a or (str(story.live_revision_id) if story.live_revision_id else ""))
        new = self._version(story, b)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": story,
            "title": f"Compare versions of “{story}”",
            "revisions": listed,
            "a": a or str(story.live_revision_id or ""),
            "b": b,
            "old_label": old[0],
            "new_label": new[0],
            "diffs": snapshot_diff(old=old[1], new=new[1]) if old[1] and new[1] else None,
        }
        return TemplateResponse(request, "admin/stories/story/revision_compare.html", context)

    def _version(self, story, key) -> tuple[str, dict | None]:
        """The label and snapshot for a select's value: "working" or the id of one of this story's revisions."""
        if key == "working":
            return "the working copy (now)", story_snapshot(story=story)
        revision = None
        if key and key.isdigit():
            revision = Revision.objects.select_related("author").filter(story=story, pk=int(key)).first()
        if revision is None:
            return "—", None
        return self._revision_label(revision), revision.data

    @staticmethod
    def _revision_label(revision) -> str:
        who = display_name(revision.author if revision.author_id else None, nobody="the system")
        return f"#{revision.pk} {revision.get_kind_display()} by {who}, {when(revision.created_at, seconds=True)}"

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
            "opts": self.model._meta,
            "original": story,
            "title": f"Restore a revision of “{story}”",
            "revision_label": self._revision_label(revision),
            "can_restore": workflow.story_can_edit(story=story, actor=request.user),
            "diffs": snapshot_diff(old=story_snapshot(story=story), new=revision.data),
        }
        return TemplateResponse(request, "admin/stories/story/revision_restore.html", context)
