"""Writes of library images after their upload (``images/ingest.py``): each recorded as a public change,
so the stories showing an image are re-rendered and re-sent with its new alt text, caption or credit."""

from collections.abc import Callable

from django.db import transaction

from newsroom.changes.record import public_change
from newsroom.changes.shows import IMAGE

from .models import Image
from .renditions import crops_forget
from .tasks import image_renditions


@transaction.atomic
def image_save(*, image: Image, related: Callable[[], object] | None = None) -> Image:
    """Save an image's description (alt text, caption, credit, focal point …) and record what shows it as changed.

    A moved focal point makes the crops again, after commit (``images.tasks.image_renditions``).
    """
    before = Image.objects.filter(pk=image.pk).values_list("focal_x", "focal_y").first()
    with public_change(IMAGE, image):
        image.save()
        if related is not None:
            related()
    if before is not None and before != (image.focal_x, image.focal_y):
        crops_forget(image=image)
        transaction.on_commit(lambda: image_renditions.delay(image.pk))
    return image


@transaction.atomic
def image_delete(*, image: Image) -> None:
    """Delete an image no story uses (a story holding it protects it)."""
    with public_change(IMAGE, image):
        image.delete()
