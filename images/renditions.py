"""Renditions: the files pages and apps are served, made from an image's master.

Responsive widths (never wider than the master) in WebP with a JPEG fallback,
and crops for the shapes pages use: 16:9 for a lead image, 4:3 (structured data),
1:1 for cards, and 1200 × 630 for social previews, each around the image's
focal point (moving it makes the crops again: ``crops_forget``). Every
file is stored through Django's storage API under a name that ends in a digest
of its bytes, so it can be cached forever; making them again is a no-op
(``renditions_make`` skips what exists), so the task is safe to run twice. New
renditions are recorded as a change of the image, so the live stories showing
it are rendered again with them (a story published before they existed shows
the master meanwhile).
"""

import hashlib
import io
from dataclasses import dataclass
from math import ceil

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage

from newsroom.changes.record import change_record
from newsroom.changes.shows import IMAGE

from .models import Image, Rendition

WIDTHS = (320, 640, 960, 1280, 1920)
SHAPES = {"full": None, "16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1), "social": (1200, 630)}
CROPPED = ("16x9", "4x3", "1x1", "social")  # the shapes cut around the focal point: made again when it moves
QUALITY = {"webp": 80, "jpeg": 82}


@dataclass(frozen=True)
class Spec:
    shape: str
    width: int
    format: str  # "webp" or "jpeg"

    @property
    def name(self) -> str:
        return f"{self.shape}-{self.width}.{self.format}"


def specs_for(image: Image) -> list[Spec]:
    """Every rendition an image gets: widths capped at what its master (or its crop) holds."""
    specs = []
    for shape, widths in (("full", WIDTHS), ("16x9", (640, 1280)), ("4x3", (640, 1200)), ("1x1", (320, 640))):
        box_width = crop_box(image.width, image.height, SHAPES[shape], (image.focal_x, image.focal_y))[2]
        capped = sorted({min(w, box_width) for w in widths})
        specs += [Spec(shape, w, fmt) for w in capped for fmt in ("webp", "jpeg")]
    return [*specs, Spec("social", 1200, "jpeg")]


def crop_box(width: int, height: int, ratio: tuple[int, int] | None, focus: tuple[float, float]) -> tuple[int, int, int, int]:
    """(left, top, box width, box height): the largest box of ``ratio`` inside the picture, centred on ``focus``
    as far as the edges allow."""
    if ratio is None:
        return 0, 0, width, height
    aspect = ratio[0] / ratio[1]
    if width / height > aspect:
        box_w, box_h = max(1, round(height * aspect)), height
    else:
        box_w, box_h = width, max(1, round(width / aspect))
    left = min(max(round(focus[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focus[1] * height - box_h / 2), 0), height - box_h)
    return left, top, box_w, box_h


def renditions_make(*, image: Image) -> list[Rendition]:
    """Make the renditions of ``image`` that are missing (no row, or its file gone); returns those made."""
    have = {r.spec: r for r in image.renditions.all()}
    wanted = [s for s in specs_for(image) if s.name not in have or not default_storage.exists(have[s.name].file.name)]
    if not wanted:
        return []
    with default_storage.open(image.file.name, "rb") as master_file:
        master = PILImage.open(master_file)
        # Decode a JPEG master only as large as the largest rendition needs (its DCT scaling, 1/2 to 1/8):
        # a 50 MP master then costs a quarter of the memory and time.
        master.draft(master.mode, _decode_size(image, specs_for(image)))  # all specs: the same bytes every time
        master.load()
    made = []
    for spec in wanted:
        data, size = render(master, spec, focus=(image.focal_x, image.focal_y))
        digest = hashlib.sha256(data).hexdigest()[:12]
        name = f"renditions/{image.content_hash[:2]}/{image.content_hash[:24]}-{spec.shape}-{spec.width}-{digest}.{_ext(spec)}"
        stored = name if default_storage.exists(name) else default_storage.save(name, ContentFile(data))
        rendition, _ = Rendition.objects.update_or_create(
            image=image, spec=spec.name, defaults={"file": stored, "width": size[0], "height": size[1], "format": spec.format}
        )
        made.append(rendition)
    with transaction.atomic():  # the stories showing it are rendered again, now with these files
        change_record(IMAGE, image)
    return made


def _decode_size(image: Image, specs: list[Spec]) -> tuple[int, int]:
    """The smallest size of the master from which every spec can still be cut at its full width."""
    scale = 0.0
    for spec in specs:
        box_width = crop_box(image.width, image.height, SHAPES[spec.shape], (image.focal_x, image.focal_y))[2]
        scale = max(scale, min(1.0, (1200 if spec.shape == "social" else spec.width) / box_width))
    return max(1, ceil(image.width * scale)), max(1, ceil(image.height * scale))


def render(master: PILImage.Image, spec: Spec, *, focus: tuple[float, float]) -> tuple[bytes, tuple[int, int]]:
    """The bytes of one rendition of ``master``, and its size."""
    ratio = SHAPES[spec.shape]
    left, top, box_w, box_h = crop_box(master.width, master.height, ratio, focus)
    if spec.shape == "social":
        target = (1200, 630) if box_w >= 1200 else (box_w, max(1, round(box_w * 630 / 1200)))
    else:
        width = min(spec.width, box_w)
        target = (width, max(1, round(box_h * width / box_w)))
    picture = master.crop((left, top, left + box_w, top + box_h)) if ratio else master
    if picture.size != target:
        picture = picture.resize(target, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    if spec.format == "jpeg" and picture.mode == "RGBA":  # no transparency in JPEG: on white
        flat = PILImage.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    out = io.BytesIO()
    if spec.format == "webp":
        picture.save(out, "WEBP", quality=QUALITY["webp"], method=4)
    else:
        picture.save(out, "JPEG", quality=QUALITY["jpeg"], optimize=True, progressive=True)
    return out.getvalue(), picture.size


def _ext(spec: Spec) -> str:
    return "jpg" if spec.format == "jpeg" else spec.format


def crops_forget(*, image: Image) -> int:
    """Forget the cropped renditions of ``image`` (its focal point moved); the task makes them again.

    Their files stay: pages rendered before still name them until they are rendered again with the new ones.
    """
    deleted, _ = image.renditions.filter(spec__regex=rf"^({'|'.join(CROPPED)})-").delete()
    return deleted
