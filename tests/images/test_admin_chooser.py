"""The library as editors use it in the admin: the chooser's list, the preview the editor shows, uploading several
files at once, where an image is used, the unused filter, and image fields on the topic form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from images.ingest import image_ingest
from images.models import Image
from tests.factories import TopicFactory, build_story
from tests.images.test_ingest import encode, upload

pytestmark = pytest.mark.django_db


def _picture(name, colour="navy", **fields):
    image = image_ingest(upload=upload(encode(PILImage.new("RGB", (200, 120), colour), "PNG"), f"{name}.png"))
    Image.objects.filter(pk=image.pk).update(**fields)
    return Image.objects.get(pk=image.pk)


def test_the_chooser_lists_images_newest_first_searchable_with_what_each_lacks(admin_client):
    old = _picture("harbour", "navy", alt_text="Boats", credit="AP")
    new = _picture("market", "green", alt_text="", credit="")
    results = admin_client.get("/admin/images/image/choose/").json()["results"]
    assert [r["id"] for r in results] == [new.pk, old.pk]
    assert results[0]["missing"] == ["alt text", "credit"] and results[1]["missing"] == []
    assert all(r["thumb"].startswith("/media/") for r in results)
    assert [r["id"] for r in admin_client.get("/admin/images/image/choose/?q=boats").json()["results"]] == [old.pk]


def test_the_chooser_and_the_preview_are_for_signed_in_staff_only(client):
    image = _picture("harbour")
    for address in ("/admin/images/image/choose/", f"/admin/images/image/{image.pk}/preview/"):
        response = client.get(address)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_preview_points_at_the_picture(admin_client):
    image = _picture("harbour")
    response = admin_client.get(f"/admin/images/image/{image.pk}/preview/")
    assert response.status_code == 302 and response["Location"].startswith("/media/")
    assert admin_client.get("/admin/images/image/999999/preview/").status_code == 404


def test_several_files_at_once_each_stored_or_refused_with_its_reason(admin_client):
    good = [SimpleUploadedFile(f"p{i}.png", encode(PILImage.new("RGB", (50, 40), c), "PNG"), "image/png")
            for i, c in enumerate(["red", "blue"])]  # fmt: skip
    bad = SimpleUploadedFile("notes.png", b"this is not a picture at all", "image/png")
    response = admin_client.post(
        "/admin/images/image/upload/", {"files": [*good, bad], "credit": "Reuters", "licence": "Agency feed"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "2 of 3 files added to the library." in page
    assert "notes.png" in page and "refused" in page
    assert '<ol class="breadcrumbs">' in page and "admin/css/forms.css" in page  # styled as the admin's own pages
    assert sorted(Image.objects.values_list("title", "credit", "licence")) == [
        ("p0", "Reuters", "Agency feed"), ("p1", "Reuters", "Agency feed")
    ]  # fmt: skip
    again = admin_client.post("/admin/images/image/upload/", {"files": [SimpleUploadedFile(
        "copy.png", encode(PILImage.new("RGB", (50, 40), "red"), "PNG"), "image/png")]})  # fmt: skip
    assert "already in the library as" in again.content.decode() and Image.objects.count() == 2


def test_an_image_page_says_where_it_is_used_and_the_list_finds_unused_ones(admin_client):
    used, unused = _picture("harbour", alt_text="Boats", credit="AP"), _picture("market", "green")
    topic = TopicFactory(name="Peru", image=used)
    story = build_story(publish=False)
    story.lead_image = used
    story.save()
    page = admin_client.get(f"/admin/images/image/{used.pk}/change/").content.decode()
    assert f"/admin/topics/topic/{topic.pk}/change/" in page and "picture of the topic" in page
    assert f"/admin/stories/story/{story.pk}/change/" in page and "lead image of the story" in page
    assert "Nowhere yet" in admin_client.get(f"/admin/images/image/{unused.pk}/change/").content.decode()
    listed = admin_client.get("/admin/images/image/?use=unused").context["cl"].result_list
    assert list(listed) == [unused]


def test_the_topic_form_chooses_a_picture_by_id_and_shows_it(admin_client):
    image = _picture("flag", "red", alt_text="A flag", credit="Newsroom")
    topic = TopicFactory(name="Peru")
    form = admin_client.get(f"/admin/topics/topic/{topic.pk}/change/").content.decode()
    assert "data-image-field" in form and "Choose from the library" in form and "image-field.js" in form
    data = {"name": "Peru", "slug": topic.slug, "kind": topic.kind, "description": "", "aliases": "", "external_url": "",
            "image": str(image.pk)}  # fmt: skip
    response = admin_client.post(f"/admin/topics/topic/{topic.pk}/change/", data)
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.image == image
    assert "A flag" not in form and image.title in admin_client.get(f"/admin/topics/topic/{topic.pk}/change/").content.decode()


def test_a_topic_cannot_be_given_a_picture_without_alt_text_or_credit(admin_client):
    bare = _picture("bare", "gray")  # no alt text, no credit
    topic = TopicFactory(name="Peru")
    data = {"name": "Peru", "slug": topic.slug, "kind": topic.kind, "description": "", "aliases": "", "external_url": "",
            "image": str(bare.pk)}  # fmt: skip
    page = admin_client.post(f"/admin/topics/topic/{topic.pk}/change/", data).content.decode()
    assert "The picture “bare” has no alt text and no credit" in page
    topic.refresh_from_db()
    assert topic.image is None
