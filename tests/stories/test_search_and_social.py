"""Search and social fields: what search results and link previews show, with the headline, summary and lead
image as defaults; kept in revisions; previewed in the form; a social image must be described too."""

import re

import pytest
from PIL import Image as PILImage

from images.ingest import image_ingest
from stories.models import Story
from stories.revisions import snapshot_diff, story_snapshot
from stories.workflow import WorkflowError, story_publish, story_restore
from tests.factories import build_story
from tests.images.test_ingest import encode, upload
from tests.stories.test_admin import change_url

pytestmark = pytest.mark.django_db


def _meta(html: str, attribute: str, name: str) -> str:
    return re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html).group(1)


def test_the_page_and_previews_use_the_search_fields_or_fall_back(client, commit):
    with commit():
        plain = build_story(headline="Peru cuts ties", summary="Lima acts.")
    html = client.get(plain.get_absolute_url()).content.decode()
    assert "<title>Peru cuts ties" in html and _meta(html, "name", "description") == "Lima acts."
    story = build_story(publish=False, headline="Peru cuts ties with Mexico over asylum", summary="Long summary.")
    Story.objects.filter(pk=story.pk).update(seo_title="Peru–Mexico rift explained", seo_description="Why Lima broke off.")
    with commit():
        story = story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<title>Peru–Mexico rift explained" in html
    assert _meta(html, "name", "description") == "Why Lima broke off."
    assert _meta(html, "property", "og:title") == "Peru–Mexico rift explained"
    assert "<h1>Peru cuts ties with Mexico over asylum</h1>" in html  # readers still see the headline


def test_a_social_image_replaces_the_lead_in_link_previews_and_must_be_described(client, commit):
    with commit():
        lead = image_ingest(upload=upload(encode(PILImage.new("RGB", (1600, 900), "navy"), "PNG"), "lead.png"))
        card = image_ingest(upload=upload(encode(PILImage.new("RGB", (1600, 900), "red"), "PNG"), "card.png"))
    lead.alt_text, lead.credit = "Lead", "AP"
    lead.save()
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(lead_image=lead, social_image=card)
    with pytest.raises(WorkflowError, match="the social image “card” has no alt text and no credit"):
        story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    card.alt_text, card.credit = "A red card", "Newsroom"
    card.save()
    with commit():
        story = story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    html = client.get(story.get_absolute_url()).content.decode()
    og = _meta(html, "property", "og:image")
    assert (
        card.renditions.get(spec="social-1200.jpeg").file.name in og and _meta(html, "property", "og:image:alt") == "A red card"
    )
    assert set(story.live_images.values_list("pk", flat=True)) == {lead.pk, card.pk}  # both protected while live


def test_search_fields_are_kept_in_revisions_compared_and_restored():
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(seo_title="First title")
    first = story_publish(story=Story.objects.get(pk=story.pk), actor=None).live_revision
    assert first.data["seo_title"] == "First title" and "seo_description" not in first.data
    Story.objects.filter(pk=story.pk).update(seo_title="Second title")
    diffs = {d.label for d in snapshot_diff(old=first.data, new=story_snapshot(story=Story.objects.get(pk=story.pk)))}
    assert diffs == {"Search title"}
    restored = story_restore(story=Story.objects.get(pk=story.pk), revision=first, actor=None)
    assert restored.seo_title == "First title"


def test_the_form_previews_the_search_result_and_the_link(client, editor):
    story = build_story(publish=False, headline="A headline", summary="A summary.")
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    preview = re.search(r'<div class="search-preview".*?</div>', page, re.S).group(0)
    assert "A headline" in preview and "A summary." in preview and f"/story/{story.slug}/" in preview
    assert 'class="social-card"' in page and 'name="seo_title"' in page and 'maxlength="70"' in page
