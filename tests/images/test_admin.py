"""The image library in the admin, as a writer uses it: upload, describe, find what is missing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from images.models import Image
from tests.images.test_ingest import encode, photo_with_gps_and_rotation, stored_files

pytestmark = pytest.mark.django_db

ADD = "/admin/images/image/add/"


def _form(data: bytes, name: str = "lima.jpg", **fields) -> dict:
    return {
        "upload": SimpleUploadedFile(name, data), "title": "", "alt_text": "", "caption": "", "credit": "",
        "licence": "", "focal_x": "0.5", "focal_y": "0.5", **fields,
    }  # fmt: skip


def test_a_writer_uploads_and_describes_an_image(client, writer, commit):
    client.force_login(writer)
    with commit():
        response = client.post(ADD, _form(photo_with_gps_and_rotation(), alt_text="Plaza Mayor at dusk", credit="Ana Q."))
    assert response.status_code == 302, response.content[:2000]
    image = Image.objects.get()
    assert (image.alt_text, image.credit, image.uploaded_by) == ("Plaza Mayor at dusk", "Ana Q.", writer)
    assert image.title == "lima" and image.missing == [] and image.renditions.exists()
    page = client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert (
        "Plaza Mayor at dusk" in page and image.file.url in page and "full-40.webp" in page
    )  # its renditions, capped at its 40 px


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG drawings are not accepted"),
        (b"not a picture at all", "not a picture Newsroom can read"),
    ],
)
def test_a_refused_file_shows_its_reason_on_the_form_and_stores_nothing(client, writer, data, says):
    client.force_login(writer)
    response = client.post(ADD, _form(data, alt_text="kept on the form"))
    assert response.status_code == 200
    assert says in response.content.decode() and "kept on the form" in response.content.decode()
    assert Image.objects.count() == 0 and stored_files() == []


def test_uploading_a_file_already_in_the_library_names_it(client, writer):
    client.force_login(writer)
    data = encode(PILImage.new("RGB", (50, 50), "purple"), "PNG")
    assert client.post(ADD, _form(data, "first.png", title="Purple square")).status_code == 302
    response = client.post(ADD, _form(data, "again.png"))
    assert response.status_code == 200 and "already in the library as “Purple square”" in response.content.decode()
    assert Image.objects.count() == 1


def test_the_library_lists_thumbnails_and_filters_what_is_missing(client, editor, commit):
    client.force_login(editor)
    for n, fields in enumerate([{"alt_text": "Described", "credit": "AP"}, {"credit": "AP"}, {"alt_text": "No credit"}]):
        data = encode(PILImage.new("RGB", (40 + n, 40), "teal"), "PNG")
        with commit():  # the upload commits: its renditions are made
            assert client.post(ADD, _form(data, f"image-{n}.png", **fields)).status_code == 302
    listing = client.get("/admin/images/image/").content.decode()
    assert listing.count('width="80"') == 3 and listing.count('src="/media/renditions/') == 3  # small squares, not masters
    no_alt = client.get("/admin/images/image/?missing=alt").content.decode()
    no_credit = client.get("/admin/images/image/?missing=credit").content.decode()
    assert "image-1" in no_alt and "image-0" not in no_alt and "image-2" not in no_alt
    assert "image-2" in no_credit and "image-1" not in no_credit


def test_an_admin_upload_decodes_the_file_once(client, writer, monkeypatch):
    """The form's check and the store share one decoding (a 50 MP photo costs 0.4 s and 300 MB to decode)."""
    from images import ingest

    decoded = []
    real = ingest.image_decode
    monkeypatch.setattr(ingest, "image_decode", lambda data: decoded.append(len(data)) or real(data))
    client.force_login(writer)
    assert client.post(ADD, _form(encode(PILImage.new("RGB", (30, 30), "olive"), "PNG"), "once.png")).status_code == 302
    assert len(decoded) == 1 and Image.objects.count() == 1
