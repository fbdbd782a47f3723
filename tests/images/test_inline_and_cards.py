"""Inline figures in section bodies, and the pictures of topics, questions and outlets: stored as references to
library images, shown on pages and in the API, protected while shown, and re-rendered when the image changes."""

import re

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from images.ingest import image_ingest
from images.services import image_delete, image_save
from newsroom.richtext import figure_ids, sanitize_html
from stories.models import SectionBlock, Story
from stories.workflow import WorkflowError, story_publish
from tests.factories import TopicFactory, build_story
from tests.images.test_ingest import encode, upload

pytestmark = pytest.mark.django_db


def _picture(name: str, colour: str = "navy", size=(1600, 1000), **fields):
    image = image_ingest(upload=upload(encode(PILImage.new("RGB", size, colour), "PNG"), f"{name}.png"))
    for field, value in fields.items():
        setattr(image, field, value)
    image.save()
    return image


@pytest.fixture
def harbour(commit):
    with commit():  # the renditions are made after the upload commits
        return _picture("harbour", alt_text="Boats in the harbour", credit="Ana Q./Newsroom", caption="Callao at dawn")


def _story_with_figure(image_id: int, *, publish: bool = False) -> Story:
    story = build_story(publish=False, blocks=2)
    block = story.blocks.order_by("position").first()
    block.body = f'<p>Before.</p><figure data-image-id="{image_id}"></figure><p>After.</p>'
    block.save()
    return story_publish(story=story, actor=None) if publish else Story.objects.get(pk=story.pk)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ('<figure data-image-id="12"></figure>', '<figure data-image-id="12"></figure>'),
        # whatever a figure holds goes; its text stays as text, nothing else survives on it
        ('<figure data-image-id="12" class="x" onclick="steal()"><img src="https://evil.example/x.png">'
         "<figcaption>cap</figcaption></figure>", '<figure data-image-id="12"></figure>cap'),
        ('<img src="https://evil.example/track.gif" onerror="steal()">', ""),
        ('<figure><img src="https://evil.example/x.png"></figure>', ""),
        ('<figure data-image-id="12 onmouseover=steal()"></figure>', ""),
        ('<figure data-image-id="0"></figure>', ""),
        ('<figure data-image-id="javascript:alert(1)"></figure>', ""),
        ('<p>a<figure data-image-id="3"><figure data-image-id="4"></figure></figure>b</p>',
         '<p>a</p><figure data-image-id="3"></figure><figure data-image-id="4"></figure>b<p></p>'),
    ],
)  # fmt: skip
def test_the_sanitiser_keeps_only_references_to_library_images(typed, stored):
    assert sanitize_html(typed) == stored
    assert "src=" not in sanitize_html(typed)


def test_figure_ids_reads_each_reference_once_in_order():
    assert figure_ids('<figure data-image-id="7"></figure><p>x</p><figure data-image-id="3"></figure>'
                      '<figure data-image-id="7"></figure>') == [7, 3]  # fmt: skip


def test_the_page_and_the_api_show_an_inline_figure_with_its_renditions_caption_and_credit(client, harbour, commit):
    with commit():
        story = _story_with_figure(harbour.pk, publish=True)
    html = client.get(story.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="inline-image">.*?</figure>', html, re.S).group(0)
    assert 'type="image/webp"' in figure and "full-640" in figure and "full-1280" in figure and " 1600w" in figure
    assert 'width="1600" height="1000"' in figure and 'alt="Boats in the harbour"' in figure and 'loading="lazy"' in figure
    assert "Callao at dawn" in figure and "Ana Q./Newsroom" in figure
    assert html.index("Before.") < html.index('class="inline-image"') < html.index("After.")
    block = client.get(f"/api/v1/stories/{story.live_slug}/").json()["blocks"][0]
    assert '<figure class="inline-image">' in block["html"] and 'srcset="http://' in block["html"]
    assert "data-image-id" not in block["html"] and block["text"].startswith("Before.")
    ninjs = client.get(f"/api/v1/stories/{story.live_slug}/ninjs/").json()
    assert '<figure class="inline-image">' in ninjs["bodies"][0]["value"] and "full-1280" in ninjs["bodies"][0]["value"]


@pytest.mark.parametrize(("alt", "credit", "missing"), [("", "AP", "no alt text"), ("Boats", "", "no credit")])
def test_publishing_is_refused_while_an_inline_image_lacks_alt_text_or_credit(harbour, alt, credit, missing):
    harbour.alt_text, harbour.credit = alt, credit
    harbour.save()
    story = _story_with_figure(harbour.pk)
    with pytest.raises(WorkflowError) as refusal:
        story_publish(story=story, actor=None)
    assert f"the image “harbour” in “Section 0” has {missing}" in str(refusal.value)
    assert not Story.objects.get(pk=story.pk).is_live


def test_an_inline_image_deleted_from_the_library_refuses_publishing_and_says_which(harbour):
    image_id = harbour.pk
    story = _story_with_figure(image_id)  # a draft does not protect it
    image_delete(image=harbour)
    with pytest.raises(WorkflowError) as refusal:
        story_publish(story=story, actor=None)
    assert f"the image {image_id} in “Section 0” is no longer in the library" in str(refusal.value)


def test_an_image_a_live_story_shows_inline_cannot_be_deleted(harbour):
    story = _story_with_figure(harbour.pk, publish=True)
    assert list(story.live_images.all()) == [harbour]
    with pytest.raises(ProtectedError):
        image_delete(image=harbour)
    SectionBlock.objects.filter(story=story).update(body="<p>No picture now.</p>")
    story_publish(story=Story.objects.get(pk=story.pk), actor=None)  # the new live revision shows none
    image_delete(image=harbour)


def test_editing_an_inline_image_re_renders_the_live_page(client, harbour, commit, settings):
    settings.PUBLIC_PAGE_CACHE = True
    with commit():
        story = _story_with_figure(harbour.pk, publish=True)
    client.get(story.get_absolute_url())
    harbour.alt_text = "Fishing boats moored in Callao"
    with commit():
        image_save(image=harbour)
    assert 'alt="Fishing boats moored in Callao"' in client.get(story.get_absolute_url()).content.decode()


def test_topic_cards_show_the_topics_picture_and_follow_its_edits(client, commit, settings):
    settings.PUBLIC_PAGE_CACHE = True
    with commit():
        flag = _picture("flag", "red", (800, 800), alt_text="The flag of Peru", credit="Newsroom")
    topic = TopicFactory(name="Peru", image=flag)
    story = build_story(publish=False)
    story.story_topics.create(topic=topic, position=0)
    with commit():
        story = story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    html = client.get(story.get_absolute_url()).content.decode()
    card = re.search(r'<article class="card topic-card has-image">.*?</article>', html, re.S).group(0)
    assert '<picture class="card-image">' in card and "1x1-320" in card and 'alt="The flag of Peru"' in card
    ref = client.get(f"/api/v1/stories/{story.live_slug}/").json()["topics"][0]["image"]
    assert ref["alt"] == "The flag of Peru" and {(r["shape"], r["width"]) for r in ref["renditions"]} >= {("1x1", 320)}
    assert client.get(f"/api/v1/topics/{topic.slug}/").json()["image"]["id"] == flag.pk
    assert 'alt="The flag of Peru"' in client.get(topic.get_absolute_url()).content.decode()
    flag.alt_text = "Peru's flag: red, white, red"
    with commit():
        image_save(image=flag)  # the topic's card changed, so every story showing the topic is re-rendered
    assert "Peru&#x27;s flag: red, white, red" in client.get(story.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/stories/{story.live_slug}/").json()["topics"][0]["image"]["alt"] == "Peru's flag: red, white, red"
    with pytest.raises(ProtectedError):
        image_delete(image=flag)  # a topic shows it


def test_lists_of_topics_with_pictures_cost_the_same_queries_whatever_their_number(client, settings):
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0
    counts = []
    for n in (1, 5):
        for i in range(n):
            TopicFactory(image=_picture(f"t{n}-{i}", size=(30 + i, 30 + n)))
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/topics/?page_size=50").json()
        counts.append(len(ctx.captured_queries))
        assert all(t["image"] is not None for t in body["results"])
    assert counts[0] == counts[1], counts


def test_re_rendering_stories_that_show_images_costs_the_same_queries_whatever_their_number():
    """The pipeline's refresh (a topic's flag edited: every story showing it is rendered again) reads the images
    of all the stories at once, not two queries a story."""
    from stories.rendering import story_prerender

    counts = []
    for n in (1, 4):
        ids = []
        for i in range(n):
            picture = _picture(f"r{n}-{i}", size=(40 + i, 30 + n), alt_text="A", credit="B")
            story = build_story(publish=False, blocks=1)
            Story.objects.filter(pk=story.pk).update(lead_image=picture)
            ids.append(story_publish(story=Story.objects.get(pk=story.pk), actor=None).pk)
        with CaptureQueriesContext(connection) as ctx:
            assert story_prerender(story_ids=ids) == n
        counts.append(len(ctx.captured_queries) - n)  # one upsert a page is the rendering's own
    assert counts[0] == counts[1], counts
