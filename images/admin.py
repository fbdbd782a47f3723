"""The image library in the admin: upload (through ``images.ingest``), describe, find what is missing."""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join

from newsroom.admin_mixins import BoundedSearchMixin

from .ingest import ImageRefused, image_ingest, image_prepare
from .models import Image, Rendition
from .services import image_delete, image_save

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


@admin.register(Image)
class ImageAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["thumbnail", "title", "size", "credit", "missing_list", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    list_filter = [MissingFilter, "decorative", ("uploaded_at", admin.DateFieldListFilter)]
    search_fields = ["title", "alt_text", "caption", "credit", "licence"]
    readonly_fields = ["preview", "size", "content_hash", "file_size", "uploaded_by", "uploaded_at", "rendition_list"]
    list_per_page = 50

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", *DESCRIPTIVE]
        return ["preview", *DESCRIPTIVE, "size", "rendition_list", "content_hash", "file_size", "uploaded_by", "uploaded_at"]

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
        squares = getattr(obj, "squares", None)
        url = squares[0].file.url if squares else obj.file.url  # the master until its renditions are made
        return format_html('<img src="{}" alt="" width="80" height="60" style="object-fit:cover">', url)

    @admin.display(description="preview")
    def preview(self, obj):
        return format_html(
            '<img src="{}" alt="{}" style="max-width:480px;width:100%;height:auto" width="{}" height="{}">',
            obj.file.url, obj.alt_text, obj.width, obj.height,
        )  # fmt: skip

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
