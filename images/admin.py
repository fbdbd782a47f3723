"""The image library in the admin: upload one or many (through ``images.ingest``), describe, set the focal
point by clicking, see where each is used, find what is missing; and the chooser the image fields and the
editor open (``choose/``)."""

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from newsroom.admin_mixins import BoundedSearchMixin

from .ingest import ImageRefused, image_ingest, image_prepare
from .models import Image, Rendition
from .services import image_delete, image_save
from .widgets import thumbnail_url

CHOOSER_PAGE = 48  # images the chooser lists at once, newest first; a search narrows them

# Where an image can be used, named by label (this app imports none of them): (model, field, what it is).
USES = [
    ("stories.Story", "lead_image", "lead image of the story"),
    ("stories.Story", "live_images", "shown by the live story"),
    ("topics.Topic", "image", "picture of the topic"),
    ("faq.CommonQuestion", "image", "picture of the question"),
    ("sources.Outlet", "logo", "logo of the outlet"),
]

DESCRIPTIVE = ["title", "alt_text", "decorative", "caption", "credit", "licence", "focal_x", "focal_y"]


class ImageUploadForm(forms.ModelForm):
    """Adding an image: the file is checked as the form is validated, so a refusal shows beside the field."""

    upload = forms.FileField(
        label="file", help_text="JPEG, PNG, GIF, WebP or HEIC. It is re-encoded: orientation applied, metadata (GPS…) removed."
    )

    class Meta:
        model = Image
        fields = DESCRIPTIVE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text += " Empty: taken from the file's name."

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            self.prepared = image_prepare(upload)  # decoded once: image_ingest stores it
        except ImageRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        existing = self.prepared.existing
        if existing is not None:
            raise forms.ValidationError(f"This file is already in the library as “{existing}” (image {existing.pk}).")
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        """Each file checked as a single file field checks it; none at all is the field's "required" error."""
        one = super().clean
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return [one(f, initial) for f in files] or one(None, initial)


class ImageBatchUploadForm(forms.Form):
    """Several files at once; the credit and licence typed here go to each of them (alt text is per picture)."""

    files = MultipleFileField(label="files", help_text="Choose or drop several pictures: JPEG, PNG, GIF, WebP or HEIC.")
    credit = forms.CharField(label="credit", max_length=200, required=False, help_text="For all of them, e.g. “Reuters”.")
    licence = forms.CharField(label="licence or source", max_length=300, required=False)


class MissingFilter(admin.SimpleListFilter):
    title = "missing"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("alt", "alt text"), ("credit", "credit")]

    def queryset(self, request, queryset):
        if self.value() == "alt":
            return queryset.filter(alt_text="", decorative=False)
        if self.value() == "credit":
            return queryset.filter(credit="")
        return queryset


def _used_condition() -> Q:
    """Images something points at: a story (working or live), a topic, a question or an outlet."""
    condition = Q()
    for label, field, _ in USES:
        model = apps.get_model(label)
        ids = model._default_manager.exclude(**{f"{field}__isnull": True}).values(field)
        condition |= Q(pk__in=ids)
    return condition


class UseFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("unused", "unused"), ("used", "used")]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.exclude(_used_condition())
        if self.value() == "used":
            return queryset.filter(_used_condition())
        return queryset


@admin.register(Image)
class ImageAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["thumbnail", "title", "size", "credit", "missing_list", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    list_filter = [MissingFilter, UseFilter, "decorative", ("uploaded_at", admin.DateFieldListFilter)]
    search_fields = ["title", "alt_text", "caption", "credit", "licence"]
    readonly_fields = [
        "preview", "used_in", "size", "content_hash", "file_size", "uploaded_by", "uploaded_at", "rendition_list",
    ]  # fmt: skip
    list_per_page = 50
    change_list_template = "admin/images/image/change_list.html"

    class Media:
        css = {"all": ["newsroom/admin/image-chooser.css"]}
        js = ["newsroom/admin/image-focal.js"]

    def get_urls(self):
        own = [
            path("choose/", self.admin_site.admin_view(self.choose_view), name="images_image_choose"),
            path("upload/", self.admin_site.admin_view(self.upload_view), name="images_image_upload"),
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="images_image_preview"),
        ]
        return own + super().get_urls()

    def choose_view(self, request):
        """The chooser's list (JSON): the newest images, or those matching ``q``, with thumbnails."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        images = self.get_queryset(request)
        query = request.GET.get("q", "").strip()[:200]
        if query:
            images, _ = self.get_search_results(request, images, query)
        page = list(images[: CHOOSER_PAGE + 1])
        results = [
            {"id": i.pk, "title": i.title, "thumb": thumbnail_url(i), "alt": i.alt_text, "missing": i.missing,
             "width": i.width, "height": i.height}
            for i in page[:CHOOSER_PAGE]
        ]  # fmt: skip
        return JsonResponse({"results": results, "more": len(page) > CHOOSER_PAGE})

    def preview_view(self, request, pk):
        """The picture at a size the editor shows (a 640-wide rendition, or the master until it exists)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        image = get_object_or_404(Image, pk=pk)
        full = image.renditions.filter(spec__startswith="full-")
        rendition = full.filter(spec="full-640.webp").first() or full.first()
        return HttpResponseRedirect((rendition or image).file.url)

    def upload_view(self, request):
        """Several files at once: each is stored or refused on its own, and the page says which and why."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImageBatchUploadForm(request.POST or None, request.FILES or None)
        outcomes = []
        if request.method == "POST" and form.is_valid():
            for upload in form.cleaned_data["files"]:
                try:
                    prepared = image_prepare(upload)
                except ImageRefused as exc:
                    outcomes.append({"name": upload.name, "refused": str(exc)})
                    continue
                if prepared.existing is not None:
                    outcomes.append({"name": upload.name, "image": prepared.existing, "existing": True})
                    continue
                image = image_ingest(
                    prepared=prepared, actor=request.user,
                    credit=form.cleaned_data["credit"], licence=form.cleaned_data["licence"],
                )  # fmt: skip
                outcomes.append({"name": upload.name, "image": image, "existing": False})
            added = sum(1 for o in outcomes if o.get("image") and not o["existing"])
            level = messages.SUCCESS if added == len(outcomes) else messages.WARNING
            self.message_user(request, f"{added} of {len(outcomes)} files added to the library.", level)
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload images",
            "opts": self.model._meta,
            "form": form,
            "outcomes": outcomes,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/images/image/upload.html", context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", *DESCRIPTIVE]
        return [
            "preview", *DESCRIPTIVE, "used_in", "size", "rendition_list", "content_hash", "file_size", "uploaded_by",
            "uploaded_at",
        ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            image_save(image=obj)  # recorded: the stories showing it are re-rendered and re-sent
        else:
            image_ingest(prepared=form.prepared, actor=request.user, image=obj)

    def delete_model(self, request, obj):
        image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            image_delete(image=image)

    def get_queryset(self, request):
        # Each row's square WebP renditions in one prefetch query, for the thumbnail (not the full-size master).
        squares = Rendition.objects.filter(spec__startswith="1x1-", format="webp").order_by("width")
        return super().get_queryset(request).prefetch_related(Prefetch("renditions", queryset=squares, to_attr="squares"))

    @admin.display(description="")
    def thumbnail(self, obj):
        return format_html('<img src="{}" alt="" width="80" height="60" style="object-fit:cover">', thumbnail_url(obj))

    @admin.display(description="preview")
    def preview(self, obj):
        return format_html(
            '<span class="image-preview" title="Click the picture to set its focal point">'
            '<img src="{}" alt="{}" width="{}" height="{}"></span>'
            '<p class="help">Click the point crops must keep in view (a face, say): it fills the focal point below.</p>',
            obj.file.url, obj.alt_text, obj.width, obj.height,
        )  # fmt: skip

    @admin.display(description="used in")
    def used_in(self, obj):
        uses = image_uses(obj)
        if not uses:
            return "Nowhere yet: it can be deleted."
        items = format_html_join("", '<li><a href="{}">{}</a> ({})</li>', ((u["url"], u["title"], u["what"]) for u in uses))
        return format_html('<div class="image-used-in"><ul>{}</ul></div>', items)

    @admin.display(description="size")
    def size(self, obj):
        return f"{obj.width} × {obj.height}"

    @admin.display(description="missing")
    def missing_list(self, obj):
        return ", ".join(obj.missing) or "—"

    @admin.display(description="renditions")
    def rendition_list(self, obj):
        renditions = list(obj.renditions.all())
        if not renditions:
            return "Being made (they appear within a minute of the upload)."
        return format_html_join(
            ", ", '<a href="{}">{}</a> ({}×{})', ((r.file.url, r.spec, r.width, r.height) for r in renditions)
        )


def image_uses(image: Image) -> list[dict]:
    """Where ``image`` is used, with an admin link each: stories (lead image, live), topics, questions, outlets,
    and stories whose sections show it inline."""
    uses = []
    for label, field, what in USES:
        model = apps.get_model(label)
        for obj in model._default_manager.filter(**{field: image}).distinct()[:50]:
            uses.append({"url": _admin_url(obj), "title": str(obj), "what": what})
    block_model = apps.get_model("stories.SectionBlock")
    marker = f'data-image-id="{image.pk}"'
    for block in block_model.objects.filter(body__contains=marker).select_related("story")[:50]:
        uses.append({"url": _admin_url(block.story), "title": str(block.story), "what": "inline in a section's text"})
    return list({(u["url"], u["what"]): u for u in uses}.values())


def _admin_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
