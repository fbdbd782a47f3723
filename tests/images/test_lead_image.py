"""A story's lead image, from the library to every surface: the publishing refusal, the page, link previews,
structured data, the API, and an edit of the image reaching the stories that show it."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from images.ingest import image_ingest
from images.services import image_save
from newsroom.changes.models import ChangeEvent
from stories.models import Story
from stories.workflow import WorkflowError, story_publish, story_restore
from tests.factories import build_story
from tests.images.test_ingest import encode, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(commit):
    """A 1600 × 1000 library image with its renditions made (the upload committed)."""
    with commit():
        return image_ingest(upload=upload(encode(PILImage.new("RGB", (1600, 1000), "navy"), "PNG"), "harbour.png"))


def _with_lead(image, **fields) -> Story:
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(lead_image=image, **fields)
    return Story.objects.get(pk=story.pk)


@pytest.mark.parametrize(
    ("alt", "credit", "decorative", "missing"),
    [("", "", False, "no alt text and no credit"), ("The harbour", "", False, "no credit"), ("", "AP", False, "no alt text")],
)
def test_publishing_is_refused_while_the_lead_image_lacks_alt_text_or_credit(picture, alt, credit, decorative, missing):
    picture.alt_text, picture.credit, picture.decorative = alt, credit, decorative
    picture.save()
    story = _with_lead(picture)
    with pytest.raises(WorkflowError) as refusal:
        story_publish(story=story, actor=None)
    assert f"the lead image “harbour” has {missing}" in str(refusal.value)
    assert not Story.objects.get(pk=story.pk).is_live and not ChangeEvent.objects.filter(object_id=story.pk).exists()


def test_a_decorative_image_needs_no_alt_text(picture):
    picture.decorative, picture.credit = True, "Newsroom"
    picture.save()
    assert story_publish(story=_with_lead(picture), actor=None).is_live


def test_the_page_shows_it_with_renditions_and_link_previews_use_it(client, picture, commit):
    picture.alt_text, picture.credit, picture.caption = "Boats in the harbour at dawn", "Ana Q./Newsroom", "Library caption"
    picture.save()
    with commit():
        story = story_publish(story=_with_lead(picture, lead_image_caption="Callao, Monday"), actor=None)
    html = client.get(story.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="lead-image">.*?</figure>', html, re.S).group(0)
    assert 'type="image/webp"' in figure and "16x9-640" in figure and "16x9-1280" in figure and " 1280w" in figure
    assert 'width="1280" height="720"' in figure and 'alt="Boats in the harbour at dawn"' in figure
    assert 'fetchpriority="high"' in figure and "Callao, Monday" in figure and "Ana Q./Newsroom" in figure
    assert "Library caption" not in figure  # the story's own caption wins
    og = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert og.startswith("http") and "social-1200" in og and '<meta name="twitter:card" content="summary_large_image">' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert [url.rsplit("/", 1)[1].split("-")[1:3] for url in ld["image"]] == [
        ["16x9", "1280"],
        ["4x3", "1200"],
        ["1x1", "640"],
        ["social", "1200"],
    ]
    with CaptureQueriesContext(connection) as ctx:  # no rendering: the page was rendered at publish
        assert client.get(story.get_absolute_url(), HTTP_COOKIE="").status_code == 200
    assert len(ctx.captured_queries) <= 2  # the page rendered at publish, and its related stories


def test_the_api_shows_the_image_object(client, picture, commit):
    picture.alt_text, picture.credit = "Boats", "AP"
    picture.save()
    with commit():
        story = story_publish(story=_with_lead(picture), actor=None)
    lead = client.get(f"/api/v1/stories/{story.live_slug}/").json()["lead_image"]
    assert (lead["id"], lead["alt"], lead["credit"], lead["width"], lead["height"]) == (picture.pk, "Boats", "AP", 1600, 1000)
    assert lead["focal_point"] == {"x": 0.5, "y": 0.5}
    shapes = {(r["shape"], r["width"], r["format"]) for r in lead["renditions"]}
    assert {("16x9", 1280, "webp"), ("1x1", 640, "jpeg"), ("social", 1200, "jpeg")} <= shapes
    assert all(r["url"].startswith("http") for r in lead["renditions"])
    (feature,) = client.get(f"/api/v1/stories/{story.live_slug}/ninjs/").json()["associations"]
    assert {(r["name"], r["contenttype"]) for r in feature["renditions"]} >= {
        ("16x9-1280.webp", "image/webp"), ("social-1200.jpeg", "image/jpeg")
    }  # fmt: skip
    plain = build_story()  # no lead image: null, not absent
    assert client.get(f"/api/v1/stories/{plain.live_slug}/").json()["lead_image"] is None


def test_editing_the_image_reaches_the_page_the_api_and_the_sync_feed(client, picture, commit, settings):
    settings.PUBLIC_PAGE_CACHE = True
    picture.alt_text, picture.credit = "Boats", "AP"
    picture.save()
    with commit():
        story = story_publish(story=_with_lead(picture), actor=None)
    client.get(story.get_absolute_url())  # cached now
    before = ChangeEvent.objects.count()
    picture.alt_text = "Fishing boats moored in Callao"
    with commit():
        image_save(image=picture)
    assert 'alt="Fishing boats moored in Callao"' in client.get(story.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/stories/{story.live_slug}/").json()["lead_image"]["alt"] == "Fishing boats moored in Callao"
    assert list(ChangeEvent.objects.all()[before:].values_list("kind", "object_id")) == [("story", story.pk)]


def test_a_revision_remembers_and_restores_the_lead_image(picture):
    picture.alt_text, picture.credit = "Boats", "AP"
    picture.save()
    story = story_publish(story=_with_lead(picture, lead_image_caption="First caption"), actor=None)
    revision = story.live_revision
    Story.objects.filter(pk=story.pk).update(lead_image=None, lead_image_caption="")
    restored = story_restore(story=Story.objects.get(pk=story.pk), revision=revision, actor=None)
    assert (restored.lead_image_id, restored.lead_image_caption) == (picture.pk, "First caption")


def test_a_story_published_before_its_renditions_exist_gets_them_when_they_are_made(client, commit):
    from images.renditions import renditions_make

    image = image_ingest(upload=upload(encode(PILImage.new("RGB", (1600, 1000), "teal"), "PNG"), "late.png"))  # no commit
    image.alt_text, image.credit = "Teal", "AP"
    image.save()
    with commit():
        story = story_publish(story=_with_lead(image), actor=None)
    first = client.get(story.get_absolute_url()).content.decode()
    assert image.file.url in first and "16x9-640" not in first  # the master meanwhile
    with commit():
        renditions_make(image=image)
    assert "16x9-640" in client.get(story.get_absolute_url()).content.decode()


def test_a_sync_page_reads_its_stories_lead_images_in_one_round_whatever_their_number(client, settings):
    """Stories whose details are not kept (published without the after-commit steps) are built from their
    revisions: their lead images come in two queries for the page, not two per story."""
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0
    counts = []
    for n in (1, 6):
        for i in range(n):
            picture = image_ingest(upload=upload(encode(PILImage.new("RGB", (40 + i, 30 + n), "gray"), "PNG"), f"p{n}-{i}.png"))
            picture.alt_text, picture.credit = "Grey", "AP"
            picture.save()
            story_publish(story=_with_lead(picture), actor=None)
        client.get("/api/v1/stories/?page_size=1")  # the reference maps reload after the change
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/api/v1/sync/?since=0&limit=500").json()
        counts.append(len(ctx.captured_queries))
        assert all(c["data"]["lead_image"]["alt"] == "Grey" for c in page["changes"] if c["kind"] == "story")
    assert counts[0] == counts[1], counts
