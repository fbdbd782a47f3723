"""The image library: each picture once (by content hash), with what a newsroom must say about it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Image(models.Model):
    """A library image: a re-encoded master without metadata, and its renditions (``images/renditions.py``)."""

    file = models.FileField(
        "file", max_length=300, editable=False,
        help_text="The master: the upload re-encoded, orientation applied, every metadata field removed.",
    )  # fmt: skip
    title = models.CharField("title", max_length=200, help_text="For finding it in the library; not shown to readers.")
    alt_text = models.CharField(
        "alt text", max_length=300, blank=True,
        help_text="What the picture shows, for readers who cannot see it. Required before a story shows it, "
        "unless the image is marked decorative.",
    )  # fmt: skip
    decorative = models.BooleanField(
        "decorative", default=False, help_text="Purely decorative: screen readers skip it, so it needs no alt text."
    )
    caption = models.CharField("caption", max_length=500, blank=True, help_text="Shown under the picture.")
    credit = models.CharField(
        "credit", max_length=200, blank=True,
        help_text="Photographer or agency, as it must be printed (“Reuters/Jane Doe”). Required before a story shows it.",
    )  # fmt: skip
    licence = models.CharField(
        "licence or source", max_length=300, blank=True, help_text="Under what terms we may use it, or where it came from."
    )
    focal_x = models.FloatField(
        "focal point, across", default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right: crops keep this point in view.",
    )  # fmt: skip
    focal_y = models.FloatField(
        "focal point, down", default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom.",
    )  # fmt: skip
    width = models.PositiveIntegerField("width", editable=False, help_text="Of the master, in pixels.")
    height = models.PositiveIntegerField("height", editable=False, help_text="Of the master, in pixels.")
    content_hash = models.CharField(
        "content hash", max_length=64, unique=True, editable=False,
        help_text="SHA-256 of the uploaded bytes: the same file uploaded twice is one image.",
    )  # fmt: skip
    file_size = models.PositiveIntegerField("size of the upload", editable=False, help_text="In bytes.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name="uploaded by",
    )  # fmt: skip
    uploaded_at = models.DateTimeField("uploaded", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "image"
        verbose_name_plural = "images"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.file.url  # the picture itself (the admin's "View on site")

    @property
    def missing(self) -> list[str]:
        """What a story may not show it without: alt text (unless decorative) and credit."""
        gaps = [] if self.decorative or self.alt_text.strip() else ["alt text"]
        return gaps + ([] if self.credit.strip() else ["credit"])


class Rendition(models.Model):
    """One derived file of an image: a width, a crop and a format, named by its content so it can be cached forever."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions", verbose_name="image")
    spec = models.CharField("specification", max_length=40, help_text="Shape, width and format, e.g. “16x9-1280.webp”.")
    file = models.FileField("file", max_length=300)
    width = models.PositiveIntegerField("width")
    height = models.PositiveIntegerField("height")
    format = models.CharField("format", max_length=10, help_text="webp or jpeg.")

    class Meta:
        ordering = ["image", "spec"]
        verbose_name = "rendition"
        verbose_name_plural = "renditions"
        constraints = [models.UniqueConstraint(fields=["image", "spec"], name="rendition_once_per_spec")]

    def __str__(self) -> str:
        return f"{self.image} {self.spec}"

    def get_absolute_url(self) -> str:
        return self.file.url


def picture_described(image: Image | None, field: str) -> None:
    """Refuse, on form ``field``, a picture a page would show without alt text (unless decorative) or credit."""
    if image is not None and image.missing:
        raise ValidationError(
            {field: f"The picture “{image}” has no {' and no '.join(image.missing)}: add it in the image library, "
             "then choose it here again."}
        )  # fmt: skip
