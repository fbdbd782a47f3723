"""The story's ordered children, edited inline and reordered by dragging."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import BaseInlineFormSet

from newsroom.auth import display_name
from newsroom.richtext import html_to_text

from .. import workflow
from ..models import Citation, SectionBlock, StoryAuthor, StoryQuestion, StoryTopic

REORDER_JS = "newsroom/admin/inline-reorder.js"


class StoryChildInline:
    """Inlines of a story: editable exactly when the story is; ordered by dragging."""

    extra = 0
    view_on_site = False  # a section of a draft has no public address; the story's Preview shows it
    related = ()  # joined for each row's title (its __str__)
    beside_story = False  # shown right under the story's own fields (change_form.html), not after them

    def new_story_initial(self, request) -> list[dict]:
        """The rows a new story's form starts with."""
        return []

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.related) if self.related else queryset

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)


K = SectionBlock.Kind
STANDARD_KINDS = [K.WHATS_HAPPENED, K.BEHIND_HEADLINE, K.PAPERS_SAY, K.HOW_WE_GOT_HERE]


class SectionFormSet(BaseInlineFormSet):
    """A story's sections as a whole: each standard kind at most once, a custom section needs a heading, and no
    section is empty (“What the papers say” may be: the citations fill it). A new section left blank (no
    heading, no text: one of a new story's four, not written yet) is not saved, and is no error."""

    def _should_delete_form(self, form):
        return super()._should_delete_form(form) or (form.instance.pk is None and _blank(form))

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            kind = form.cleaned_data.get("kind")
            body = html_to_text(form.cleaned_data.get("body") or "")
            if kind == K.CUSTOM and not (form.cleaned_data.get("heading") or "").strip():
                form.add_error("heading", "A custom section needs a heading: readers see it above the text.")
            if not body and kind != K.PAPERS_SAY:
                form.add_error("body", "This section is empty: write its text, or delete the section.")
            if kind in STANDARD_KINDS:
                if kind in seen:
                    form.add_error("kind", f"“{K(kind).label}” is already section {seen[kind]}: a story has each at most once.")
                else:
                    seen[kind] = form.cleaned_data.get("position", 0) + 1


def _blank(form) -> bool:
    return not html_to_text(form["body"].value() or "") and not (form["heading"].value() or "").strip()


class SectionBlockInline(StoryChildInline, admin.StackedInline):
    model = SectionBlock
    formset = SectionFormSet
    fields = ["position", "kind", "heading", "body"]
    classes = ["sortable-inline"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new story starts with the four standard sections in their order (untouched ones are not saved).
        return len(STANDARD_KINDS) if obj is None else 0

    def new_story_initial(self, request) -> list[dict]:
        return [{"kind": kind, "position": position} for position, kind in enumerate(STANDARD_KINDS)]


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


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = display_name(obj)
        return name if name == obj.get_username() else f"{name} ({obj.get_username()})"


class StoryAuthorInline(StoryChildInline, admin.TabularInline):
    """The byline, in order. Editors give authorship; writers see it (and edit the drafts they are an author
    of). A story saved with nobody credited gets the person who created it."""

    model = StoryAuthor
    fields = ["position", "user"]
    related = ("user",)
    classes = ["sortable-inline"]
    beside_story = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            people = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("first_name", "last_name")
            return PersonChoiceField(queryset=people, label="author", **{k: v for k, v in kwargs.items() if k == "widget"})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _editor(self, request) -> bool:
        return request.user.has_perm(workflow.EDITOR_PERM)

    def get_fields(self, request, obj=None):
        # Writers see the byline as readers will, in order: names, not accounts to follow.
        return self.fields if self._editor(request) else ["person"]

    def get_readonly_fields(self, request, obj=None):
        return [] if self._editor(request) else ["person"]

    @admin.display(description="author")
    def person(self, credit) -> str:
        return display_name(credit.user)

    def has_add_permission(self, request, obj=None):
        return self._editor(request) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editor(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editor(request) and super().has_delete_permission(request, obj)

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None and self._editor(request) else 0

    def new_story_initial(self, request) -> list[dict]:
        return [{"user": request.user.pk, "position": 0}] if self._editor(request) else []  # the one writing it
