"""Renditions: made by the Celery task after the upload commits, capped at the master's size, cropped around
the focal point, named by their content, without metadata, and made once."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from images.ingest import image_ingest
from images.models import Rendition
from images.renditions import crop_box, renditions_make, specs_for
from tests.images.test_ingest import encode, photo_with_gps_and_rotation, upload

pytestmark = pytest.mark.django_db


def _two_halves(width: int, height: int) -> bytes:
    """Left half red, right half blue."""
    picture = PILImage.new("RGB", (width, height), "red")
    picture.paste(PILImage.new("RGB", (width // 2, height), "blue"), (width // 2, 0))
    return encode(picture, "PNG")


def _open(rendition: Rendition) -> PILImage.Image:
    with default_storage.open(rendition.file.name, "rb") as f:
        picture = PILImage.open(io.BytesIO(f.read()))
        picture.load()
    return picture


def test_the_upload_commit_makes_every_rendition(commit):
    with commit():
        image = image_ingest(upload=upload(_two_halves(2400, 1600), "wide.png"))
    specs = {r.spec: r for r in image.renditions.all()}
    assert set(specs) == {s.name for s in specs_for(image)}
    assert {"full-320.webp", "full-1920.jpeg", "16x9-1280.webp", "1x1-640.jpeg", "social-1200.jpeg"} <= set(specs)
    for rendition in specs.values():
        picture = _open(rendition)
        assert picture.size == (rendition.width, rendition.height)
        assert picture.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
        assert rendition.file.name.startswith(f"renditions/{image.content_hash[:2]}/{image.content_hash[:24]}-")
    assert (specs["16x9-1280.webp"].width, specs["16x9-1280.webp"].height) == (1280, 720)
    assert (specs["1x1-640.jpeg"].width, specs["1x1-640.jpeg"].height) == (640, 640)
    assert (specs["social-1200.jpeg"].width, specs["social-1200.jpeg"].height) == (1200, 630)


def test_widths_never_exceed_the_master():
    image = image_ingest(upload=upload(_two_halves(500, 300), "small.png"))
    renditions_make(image=image)
    widths = {r.width for r in image.renditions.all()}
    assert max(widths) <= 500 and {320, 500} <= widths
    assert not image.renditions.filter(spec__startswith="full-640").exists()


def test_crops_keep_the_focal_point_in_view():
    image = image_ingest(upload=upload(_two_halves(1600, 400), "halves.png"), focal_x=0.95, focal_y=0.5)
    renditions_make(image=image)
    square = _open(image.renditions.get(spec="1x1-320.jpeg")).convert("RGB")
    red, green, blue = square.getpixel((160, 160))
    assert blue > 200 and red < 60  # the right (blue) half, where the focal point is
    assert crop_box(1600, 400, (1, 1), (0.05, 0.5))[0] == 0 and crop_box(1600, 400, (1, 1), (0.95, 0.5))[0] == 1200


def test_making_them_again_makes_nothing_and_a_lost_file_is_made_again():
    image = image_ingest(upload=upload(_two_halves(800, 600), "again.png"))
    first = renditions_make(image=image)
    assert first and renditions_make(image=image) == []
    lost = first[0]
    default_storage.delete(lost.file.name)
    again = renditions_make(image=image)
    assert [r.spec for r in again] == [lost.spec] and default_storage.exists(lost.file.name)
    assert Rendition.objects.filter(image=image).count() == len(first)


def test_renditions_carry_no_metadata_and_transparency_is_flattened_for_jpeg():
    photo = image_ingest(upload=upload(photo_with_gps_and_rotation(), "gps.jpg"))
    renditions_make(image=photo)
    for rendition in photo.renditions.all():
        with default_storage.open(rendition.file.name, "rb") as f:
            data = f.read()
        assert b"SecretCam" not in data and b"Exif" not in data
    clear = PILImage.new("RGBA", (400, 400), (0, 0, 0, 0))
    image = image_ingest(upload=upload(encode(clear, "PNG"), "clear.png"))
    renditions_make(image=image)
    assert _open(image.renditions.get(spec="full-320.jpeg")).convert("RGB").getpixel((5, 5)) == (255, 255, 255)
    assert _open(image.renditions.get(spec="full-320.webp")).mode == "RGBA"


def test_moving_the_focal_point_cuts_the_crops_again_and_the_page_follows(commit):
    from images.services import image_save

    with commit():
        image = image_ingest(upload=upload(_two_halves(2400, 1600), "halves.png"))
    square = image.renditions.get(spec="1x1-320.jpeg")
    assert _open(square).getpixel((200, 160))[2] > 200  # centred on the seam: this point is in the blue half
    untouched = image.renditions.get(spec="full-320.jpeg").file.name
    image.focal_x = 0.05  # the red left edge
    with commit():
        image_save(image=image)
    moved = image.renditions.get(spec="1x1-320.jpeg")
    assert moved.file.name != square.file.name
    red, _, blue = _open(moved).getpixel((200, 160))  # the square now starts at the left edge: the same point is red
    assert red > 200 and blue < 60
    assert {r.spec for r in image.renditions.all()} == {s.name for s in specs_for(image)}
    assert image.renditions.get(spec="full-320.jpeg").file.name == untouched  # the uncropped ones stay
