"""Safe ingest: every accepted picture becomes an upright, metadata-free master; every bad file is refused
with a message, leaving no row and no file behind."""

import io
import struct
import zlib
from pathlib import Path

import pillow_heif
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import PngImagePlugin

from images.ingest import ImageRefused, image_ingest
from images.models import Image

pytestmark = pytest.mark.django_db


def encode(picture: PILImage.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def master(image: Image) -> PILImage.Image:
    with image.file.open("rb") as f:
        picture = PILImage.open(io.BytesIO(f.read()))
        picture.load()
    return picture


def photo_with_gps_and_rotation() -> bytes:
    """A 60×40 JPEG whose camera stored it sideways (orientation 6) with GPS coordinates and a camera name."""
    picture = PILImage.new("RGB", (60, 40), "red")
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x0110] = "SecretCam 3000"  # model
    exif[0x8825] = {1: "S", 2: (12.0, 3.0, 0.0), 3: "W", 4: (77.0, 2.0, 0.0)}  # GPS: Lima
    return encode(picture, "JPEG", exif=exif.tobytes())


def test_orientation_is_applied_and_every_metadata_field_is_gone():
    data = photo_with_gps_and_rotation()
    assert b"SecretCam" in data
    image = image_ingest(upload=upload(data, "IMG_0001.JPG"))
    assert (image.width, image.height) == (40, 60)  # upright
    with image.file.open("rb") as f:
        kept = f.read()
    assert b"SecretCam" not in kept and b"Exif" not in kept and b"GPS" not in kept
    assert not dict(master(image).getexif()) and "icc_profile" not in master(image).info
    assert image.title == "IMG 0001" and image.file_size == len(data) and len(image.content_hash) == 64


def test_a_transparent_png_master_keeps_no_profile_text_or_exif():
    from PIL import ImageCms, PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "SecretCam owner, Lima")
    exif = PILImage.Exif()
    exif[0x0110] = "SecretCam 3000"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(PILImage.new("RGBA", (30, 20), (0, 0, 255, 128)), "PNG", pnginfo=text, exif=exif.tobytes(), icc_profile=icc)
    assert b"SecretCam" in data
    image = image_ingest(upload=upload(data, "layer.png"))
    with image.file.open("rb") as f:
        kept = f.read()
    assert image.file.name.endswith(".png") and b"SecretCam" not in kept and b"iCCP" not in kept and b"eXIf" not in kept


def test_the_same_file_uploaded_twice_is_one_image():
    data = photo_with_gps_and_rotation()
    first = image_ingest(upload=upload(data, "a.jpg"))
    second = image_ingest(upload=upload(data, "b.jpg"), title="Another title")
    assert first.pk == second.pk and Image.objects.count() == 1 and len(stored_files()) >= 1


@pytest.mark.parametrize(
    ("make", "mode", "extension"),
    [
        (lambda: encode(PILImage.new("CMYK", (30, 20), (0, 255, 255, 0)), "JPEG"), "RGB", "jpg"),
        (lambda: encode(PILImage.new("I;16", (30, 20), 40000), "PNG"), "L", "jpg"),
        (lambda: _palette_with_transparency(), "RGBA", "png"),
        (lambda: encode(PILImage.new("LA", (30, 20), (128, 100)), "PNG"), "RGBA", "png"),
        (lambda: encode(PILImage.new("RGB", (30, 20), "blue"), "WEBP"), "RGB", "jpg"),
        (lambda: encode(PILImage.new("1", (30, 20), 1), "PNG"), "RGB", "jpg"),
        (lambda: _heic(), "RGB", "jpg"),
    ],
    ids=["cmyk-jpeg", "16-bit-png", "palette-transparent-png", "grey-alpha-png", "webp", "1-bit-png", "heic"],
)
def test_every_kind_of_picture_becomes_an_8_bit_master(make, mode, extension):
    image = image_ingest(upload=upload(make(), "picture"))
    assert master(image).mode in (mode, "L" if mode == "RGB" else mode) and image.file.name.endswith(f".{extension}")
    assert (image.width, image.height) == (30, 20)


def test_an_animated_gif_keeps_its_first_frame():
    frames = [PILImage.new("RGB", (20, 20), colour) for colour in ("red", "lime", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = image_ingest(upload=upload(out.getvalue(), "anim.gif"))
    red, green, blue = master(image).convert("RGB").getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.jpg", "..\\..\\boot.ini.jpg", "fotografía_de_Perú_🇵🇪.jpg", "a\x00b.jpg", "x" * 500 + ".jpg"]
)
def test_file_names_are_harmless(name):
    image = image_ingest(upload=upload(encode(PILImage.new("RGB", (8, 8)), "JPEG"), name))
    assert image.file.name.startswith("images/") and ".." not in image.file.name
    assert "/" not in image.title and "\\" not in image.title and "\x00" not in image.title and len(image.title) <= 200
    assert Path(image.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def _palette_with_transparency() -> bytes:
    picture = PILImage.new("P", (30, 20), 1)
    picture.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    return encode(picture, "PNG", transparency=0)


def _heic() -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(PILImage.new("RGB", (30, 20), "green")).save(out, quality=80)
    return out.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_bomb(width: int, height: int) -> bytes:
    """A few hundred bytes that claim a huge picture: the header alone says its size."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def _png_with_text(key: str, value: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    out = io.BytesIO()
    PILImage.new("RGB", (9, 9), "white").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _jpeg() -> bytes:
    return encode(PILImage.new("RGB", (40, 30), "orange"), "JPEG")


BAD_FILES = {
    "empty": (b"", "empty"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    "svg with xml declaration": (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
    "text under an image name": (b"Dear editor, this is not a photo.\n" * 20, "not a picture"),
    "html under an image name": (b"<html><body><script>alert(1)</script></body></html>", "not a picture"),
    "pdf": (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "not a picture"),
    "bmp (not accepted)": (encode(PILImage.new("RGB", (10, 10)), "BMP"), "BMP files are not accepted"),
    "tiff (not accepted)": (encode(PILImage.new("RGB", (10, 10)), "TIFF"), "TIFF files are not accepted"),
    "truncated jpeg": (_jpeg()[:200], "damaged or cut short"),
    "jpeg with a zip after it": (_jpeg() + b"PK\x03\x04" + b"\x00" * 40, "two files in one"),
    "jpeg with html after it": (_jpeg() + b"<html><script>alert(1)</script></html>", "HTML or script"),
    "png with data after its end": (encode(PILImage.new("RGB", (9, 9)), "PNG") + b"#!/bin/sh\nrm -rf /\n", "two files in one"),
    "gif with script inside": (encode(PILImage.new("P", (9, 9)), "GIF", comment=b"<script>alert(1)</script>"), "HTML or script"),
    "png claiming 30000 x 30000 pixels": (_png_bomb(30000, 30000), "too large"),
    "png claiming 9000 x 9000 pixels": (_png_bomb(9000, 9000), "megapixels"),
    "png claiming 0 width": (_png_bomb(0, 10), ""),
    "random bytes": (bytes(range(256)) * 8, "not a picture"),
    "truncated png": (encode(PILImage.effect_noise((64, 64), 40).convert("RGB"), "PNG")[:300], "damaged or cut short"),
    "webp with data after its end": (encode(PILImage.new("RGB", (9, 9)), "WEBP") + b"MZ\x90\x00" * 16, "two files in one"),
    "gif with html after it": (encode(PILImage.new("P", (9, 9)), "GIF") + b"<html><body>hi</body></html>", "HTML or script"),
    "png with an iframe in a text chunk": (_png_with_text("Comment", '<iframe src="https://evil.example/">'), "HTML or script"),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_message_and_leaves_nothing(case):
    data, says = BAD_FILES[case]
    with pytest.raises(ImageRefused) as refusal:
        image_ingest(upload=upload(data, "bad.jpg"))
    assert says in str(refusal.value)
    assert Image.objects.count() == 0 and stored_files() == []


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(settings):
    settings.IMAGE_MAX_BYTES = 1000
    data = encode(PILImage.effect_noise((200, 200), 60).convert("RGB"), "JPEG")
    with pytest.raises(ImageRefused, match="the library takes files up to"):
        image_ingest(upload=upload(data))
    assert Image.objects.count() == 0 and stored_files() == []
