"""Safe ingest of an uploaded file into the image library.

The uploaded bytes are never served: they are decoded (refused with a message
the editor can act on when they are not a picture we accept), turned upright
(EXIF orientation), brought to 8-bit RGB or RGBA, and re-encoded as the master
without any metadata (no EXIF, GPS, ICC or text chunks survive). An animated
GIF keeps its first frame: pages show a still, and a moving picture belongs in
a video player. The master is stored through Django's storage API under a
name made of the upload's SHA-256, so the same file uploaded twice is one
image and the name can be cached forever.

Refused, each with its own message: empty or oversized files, SVG (it can
carry script), anything Pillow cannot identify, formats we do not accept,
pictures over ``IMAGE_MAX_PIXELS`` (decompression bombs), truncated files,
and files that are two things at once (data after the picture's end, or HTML
or script inside it).
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from .models import Image
from .tasks import image_renditions

pillow_heif.register_heif_opener()  # photos from phones (HEIC/HEIF)

ACCEPTED = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP", "HEIF": "HEIC/HEIF", "MPO": "JPEG"}
_MARKUP = re.compile(rb"<\s*(script|html|iframe|svg|body)\b", re.IGNORECASE)


class ImageRefused(ValueError):
    """The file cannot become a library image; the message says why, for the editor."""


@dataclass(frozen=True)
class PreparedUpload:
    """An upload read, hashed and, when it is not in the library yet, decoded: ready to store."""

    name: str
    size: int
    digest: str
    existing: Image | None
    picture: PILImage.Image | None


def image_prepare(upload) -> PreparedUpload:
    """Read and check ``upload``: the image it already is, or its decoded picture. Raises ``ImageRefused``.

    The admin's form calls it while validating, so a refusal shows beside the
    field, and hands the result to ``image_ingest``: the file is decoded once.
    """
    data = _read(upload)
    digest = hashlib.sha256(data).hexdigest()
    existing = Image.objects.filter(content_hash=digest).first()
    picture = None if existing is not None else image_decode(data)
    return PreparedUpload(getattr(upload, "name", "") or "", len(data), digest, existing, picture)


def image_ingest(
    *, upload=None, prepared: PreparedUpload | None = None, actor=None, image: Image | None = None, **fields
) -> Image:
    """Add the uploaded file to the library (or return the image it already is); renditions follow after commit.

    ``upload`` is the file, or ``prepared`` what ``image_prepare`` made of it.
    ``fields`` are the new image's descriptive fields (title, alt_text, caption,
    credit, licence, decorative, focal_x, focal_y), or ``image`` an unsaved
    instance holding them (the admin's form). Raises ``ImageRefused``.
    """
    prepared = prepared or image_prepare(upload)
    if prepared.existing is not None:
        return prepared.existing
    picture, digest = prepared.picture, prepared.digest
    master, extension = _encode_master(picture)
    name = f"images/{digest[:2]}/{digest[:24]}.{extension}"
    created = not default_storage.exists(name)
    stored = default_storage.save(name, ContentFile(master)) if created else name
    image = image if image is not None else Image(**fields)
    image.title = image.title or _title_from(prepared.name)
    image.file, image.width, image.height = stored, picture.width, picture.height
    image.content_hash, image.file_size, image.uploaded_by = digest, prepared.size, actor
    try:
        with transaction.atomic():
            image.save(force_insert=True)
    except IntegrityError:  # the same bytes, uploaded at the same moment by someone else
        if stored != name:
            default_storage.delete(stored)
        return Image.objects.get(content_hash=digest)
    except Exception:
        if created and not Image.objects.filter(file=stored).exists():
            default_storage.delete(stored)  # never a file without its row
        raise
    transaction.on_commit(lambda: image_renditions.delay(image.pk))
    return image


def _read(upload) -> bytes:
    limit = settings.IMAGE_MAX_BYTES
    if getattr(upload, "size", None) and upload.size > limit:
        raise ImageRefused(f"The file is {upload.size / 1e6:.1f} MB; the library takes files up to {limit / 1e6:.0f} MB.")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ImageRefused(f"The file is larger than {limit / 1e6:.0f} MB, the most the library takes.")
    if not data:
        raise ImageRefused("The file is empty.")
    return data


def image_decode(data: bytes) -> PILImage.Image:
    """The picture in ``data``, upright and in 8-bit RGB, RGBA or L; raises ``ImageRefused`` with the reason."""
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        raise ImageRefused("SVG drawings are not accepted (they can carry script): export it as PNG and upload that.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(io.BytesIO(data))
            picture_format = picture.format
            _check_size(picture)
            if picture_format not in ACCEPTED:
                raise ImageRefused(f"{picture_format} files are not accepted: upload a JPEG, PNG, GIF, WebP or HEIC picture.")
            _check_single(data, picture_format)
            if getattr(picture, "is_animated", False):
                picture.seek(0)  # the first frame: pages show stills
            picture.load()
    except ImageRefused:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ImageRefused(f"The picture is too large to open safely: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise ImageRefused("This file is not a picture Newsroom can read: upload a JPEG, PNG, GIF, WebP or HEIC.") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused(f"The picture is damaged or cut short, so it cannot be read ({exc}). Upload it again.") from exc
    ImageOps.exif_transpose(picture, in_place=True)  # in place: a 50 MP picture is 200 MB a copy
    return _normalise(picture)


def stored_file_check(row, data: bytes) -> None:
    """A file coming back with an import (a master or a rendition): a picture the upload would accept,
    of the size its row says. Raises ``ImageRefused`` with the reason."""
    picture = image_decode(data)
    if picture.size != (row.width, row.height):
        raise ImageRefused(f"the picture is {picture.width} × {picture.height} pixels; its row says {row.width} × {row.height}")


def _check_size(picture: PILImage.Image) -> None:
    width, height = picture.size
    limit = settings.IMAGE_MAX_PIXELS
    if width < 1 or height < 1 or width * height > limit:
        raise ImageRefused(
            f"The picture is {width} × {height} pixels; the library takes pictures up to {limit / 1e6:.0f} megapixels."
        )


def _check_single(data: bytes, picture_format: str) -> None:
    """Refuse a file that is also something else: markup inside it, or data after the picture's end."""
    if _MARKUP.search(data):
        raise ImageRefused("The file carries HTML or script besides the picture, so it is refused.")
    tail = data.rstrip(b"\x00\r\n\t ")
    ends = {"JPEG": tail.endswith(b"\xff\xd9"), "MPO": True, "PNG": tail.endswith(b"IEND\xaeB`\x82"), "GIF": tail.endswith(b";")}
    if picture_format == "WEBP":
        ends["WEBP"] = int.from_bytes(data[4:8], "little") + 8 in (len(data), len(data) - 1)
    if not ends.get(picture_format, True):
        end_marker = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}.get(picture_format)
        if end_marker is not None and end_marker not in data:
            raise ImageRefused("The picture is damaged or cut short (its end is missing), so it cannot be read. Upload it again.")
        raise ImageRefused("The file has other data after the end of the picture (it is two files in one), so it is refused.")


def _normalise(picture: PILImage.Image) -> PILImage.Image:
    """8 bits per channel: RGB, RGBA when it has transparency, L for greyscale."""
    mode = picture.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode in ("L", "RGB", "RGBA"):
        return picture
    if mode in ("LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in picture.info):
        return picture.convert("RGBA")
    return picture.convert("RGB")  # CMYK, YCbCr, LAB, P, 1, F …


def _encode_master(picture: PILImage.Image) -> tuple[bytes, str]:
    """PNG when it has transparency, else JPEG; nothing but pixels (no EXIF, ICC or text is passed on)."""
    picture.info = {}  # PNG's encoder would otherwise copy an ICC profile (and more) from the decoded file
    out = io.BytesIO()
    if picture.mode == "RGBA":
        picture.save(out, "PNG")
        return out.getvalue(), "png"
    picture.save(out, "JPEG", quality=92, subsampling=0)
    return out.getvalue(), "jpg"


def _title_from(filename: str) -> str:
    """A readable title from an upload's name: no folders, no extension, no control characters."""
    stem = PurePosixPath(filename.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = re.sub(r"[\x00-\x1f\x7f]+", " ", stem).replace("_", " ").strip(" .-")
    return stem[:200] or "Untitled image"
