"""Celery tasks of the image library: thin wrappers that take ids."""

from celery import shared_task

from .models import Image
from .renditions import renditions_make


@shared_task(name="images.tasks.image_renditions", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def image_renditions(image_id: int) -> int:
    """Make every missing rendition of an image (safe to run twice); returns how many were made."""
    image = Image.objects.filter(pk=image_id).first()
    return 0 if image is None else len(renditions_make(image=image))
