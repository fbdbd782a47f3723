"""The story form built for the job: a new story starts with the four standard sections, the sections are
validated as a whole, and a refused save lists every error at the top with a link to its field."""

import re

import pytest

from stories.models import SectionBlock, Story
from tests.factories import build_story
from tests.stories.test_admin import admin_form_data, change_url

pytestmark = pytest.mark.django_db
ADD = "/admin/stories/story/add/"


def _kinds(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<select name="blocks-\d+-kind"[^>]*>.*?<option value="(\w+)" selected>', html, re.S)


def test_a_new_story_starts_with_the_four_standard_sections_in_order(client, writer):
    client.force_login(writer)
    assert _kinds(client.get(ADD)) == ["whats_happened", "behind_headline", "papers_say", "how_we_got_here"]


def test_sections_left_blank_are_not_saved_and_written_ones_are(client, writer):
    client.force_login(writer)
    data = admin_form_data(client.get(ADD))
    data.update({"headline": "Floods in the valley", "slug": "floods-in-the-valley", "summary": "Rivers rose overnight."})
    data["blocks-0-body"] = "<p>Rivers rose overnight.</p>"
    data["blocks-3-body"] = "<p>The dam was built in 1970.</p>"
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get(slug="floods-in-the-valley")
    assert list(story.blocks.values_list("kind", flat=True)) == ["whats_happened", "how_we_got_here"]


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"blocks-0-kind": "custom", "blocks-0-heading": ""}, "blocks-0-heading", "A custom section needs a heading"),
        ({"blocks-0-body": "<p> </p>"}, "blocks-0-body", "This section is empty"),
        ({"blocks-1-kind": "whats_happened"}, "blocks-1-kind", "“What&#x27;s happened” is already section 1"),
    ],
)
def test_sections_are_checked_as_a_whole_and_every_error_is_listed_at_the_top(client, editor, change, field, says):
    story = build_story(publish=False, blocks=2)
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(story)))
    data["headline"] = "Typed headline kept"
    data.update(change)
    response = client.post(change_url(story), data)
    html = response.content.decode()
    assert response.status_code == 200 and says in html
    summary = re.search(r'<div class="error-summary.*?</div>', html, re.S).group(0)
    assert f'href="#id_{field}"' in summary and says in summary
    assert html.index("error-summary") < html.index('id="story_form"')
    assert 'value="Typed headline kept"' in html  # nothing typed is lost
    assert Story.objects.get(pk=story.pk).headline != "Typed headline kept"
    assert SectionBlock.objects.filter(story=story).count() == 2


def test_the_papers_say_section_may_be_empty_its_citations_fill_it(client, editor):
    story = build_story(publish=False, blocks=3)  # kinds 0, 1, 2: the third is "What the papers say"
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(story)))
    assert data["blocks-2-kind"] == "papers_say"
    data["blocks-2-body"] = ""
    assert client.post(change_url(story), data).status_code == 302


def test_previews_of_a_never_published_story_say_draft_not_published(client, editor):
    from stories.preview import story_preview_token

    draft = build_story(publish=False, headline="Not out yet")
    client.force_login(editor)
    admin_preview = client.get(f"/admin/stories/story/{draft.pk}/preview/").content.decode()
    shared = client.get(f"/preview/{story_preview_token(story=draft)}/").content.decode()
    for html in (admin_preview, shared):
        assert "Draft preview: not published" in html and "Published <time" not in html
    live = build_story(headline="Out already")
    assert "Published <time" in client.get(f"/admin/stories/story/{live.pk}/preview/").content.decode()


def test_scheduling_is_typed_and_shown_in_the_newsrooms_time_zone(client, editor, settings):
    from datetime import UTC, datetime

    settings.TIME_ZONE = "America/Lima"  # UTC-5, no summer time
    story = build_story(publish=False)
    client.force_login(editor)
    assert "Publish at (America/Lima)" in client.get(change_url(story)).content.decode()
    client.post(f"/admin/stories/story/{story.pk}/transition/schedule/", {"publish_at": "2030-07-01T09:00", "comment": ""})
    story.refresh_from_db()
    assert story.publish_at == datetime(2030, 7, 1, 14, 0, tzinfo=UTC)
    assert "for 1 July 2030, 09:00 -05" in client.get(change_url(story)).content.decode()
    # One way of writing a time, on the form, in the list of stories and on the desk.
    assert "1 July 2030, 09:00 -05" in client.get("/admin/stories/story/").content.decode()
    assert "for 1 July 2030, 09:00 -05" in client.get("/admin/").content.decode()
