"""The image field of a form (a story's lead image, a topic's picture …): a preview of the chosen
library image, with buttons to choose another from the library or to clear it."""

from django import forms
from django.forms import Script

from .models import Image


def thumbnail_url(image: Image) -> str:
    """The smallest square WebP rendition, or the master while renditions are being made."""
    squares = getattr(image, "squares", None)
    if squares is None:
        squares = [r for r in image.renditions.all() if r.spec.startswith("1x1-") and r.format == "webp"]
        squares.sort(key=lambda r: r.width)
    return squares[0].file.url if squares else image.file.url


class ImageChooserWidget(forms.Widget):
    """A hidden id and what it shows: thumbnail, title, what it lacks; "Choose…" opens the library dialog."""

    template_name = "images/widgets/image_chooser.html"

    @property
    def media(self):
        return forms.Media(
            css={"all": ["newsroom/admin/image-chooser.css"]},
            js=[Script("newsroom/admin/image-field.js", type="module")],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        image = None
        if value not in (None, ""):
            try:
                image = Image.objects.prefetch_related("renditions").filter(pk=int(value)).first()
            except (TypeError, ValueError):
                image = None
        context["image"] = image
        context["thumb"] = thumbnail_url(image) if image is not None else ""
        return context


class ImageChooserAdminMixin:
    """For ModelAdmins with library-image foreign keys: each is an image field with a preview and the chooser."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Image:
            kwargs["widget"] = ImageChooserWidget()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
