"""The demo content: the seed page, whole, and a loader that is safe to re-run."""

import html
import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from faq.models import CommonQuestion, QuestionItem
from sources.models import Outlet
from stories.demo import demo_load
from stories.models import Citation, Revision, SectionBlock, Story
from topics.models import Topic

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "peru-mexico-story.txt"
SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
SECTION_HEADINGS = ["What's happened", "What's behind the headline?", "What the papers say", "How we got here"]


def page_text(response) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def seed_after(heading: str) -> str:
    return SEED_LINES[SEED_LINES.index(heading) + 1]


def seed_cards(section_end: str) -> list[str]:
    """The lines that follow each '-' separator before ``section_end``."""
    stop = SEED_LINES.index(section_end) if section_end else len(SEED_LINES)
    start = SEED_LINES.index("Go deeper") if section_end else SEED_LINES.index("More on these topics")
    return [SEED_LINES[i + 1] for i in range(start, stop) if SEED_LINES[i] == "-"]


def test_load_demo_builds_every_part_of_the_seed(demo):
    assert demo.is_live
    assert [b.kind for b in demo.blocks.all()] == [
        "whats_happened",
        "behind_headline",
        "papers_say",
        "how_we_got_here",
    ]
    assert sorted(Citation.objects.values_list("outlet__name", flat=True)) == [
        "AP News",
        "Al Jazeera",
        "France 24",
        "Reuters",
    ]
    assert CommonQuestion.objects.published().count() == 6
    assert all(q.items.count() >= 2 for q in CommonQuestion.objects.all())
    assert Topic.objects.count() == 5


def test_load_demo_twice_changes_nothing(demo):
    counts = lambda: [m.objects.count() for m in (Story, SectionBlock, Citation, Revision, Topic, Outlet, QuestionItem)]  # noqa: E731
    before = counts()
    stamp = Story.objects.values_list("updated_at", "last_published_at").get()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert Story.objects.values_list("updated_at", "last_published_at").get() == stamp
    assert "nothing changed" in out.getvalue()


def test_load_demo_records_its_changes_to_the_working_copy_as_a_save(demo):
    saves = lambda: list(demo.revisions.filter(kind=Revision.Kind.SAVE).values_list("message", flat=True))  # noqa: E731
    assert saves() == ["Demo content"]
    version = Story.objects.get(pk=demo.pk).version
    demo.blocks.filter(position=0).update(body="<p>Edited by hand.</p>")
    call_command("load_demo", stdout=StringIO())
    story = Story.objects.get(pk=demo.pk)
    assert saves() == ["Demo content", "Demo content"]
    assert story.version == version + 1
    assert "Edited by hand." not in str(story.live_revision.data)
    assert not story.has_unpublished_changes


def test_story_page_shows_the_four_sections_in_order_with_their_exact_text(client, demo):
    text = page_text(client.get(demo.get_absolute_url()))
    positions = [text.index(h) for h in SECTION_HEADINGS]
    assert positions == sorted(positions)
    for heading in SECTION_HEADINGS:
        assert seed_after(heading) in text


def test_story_page_names_and_links_every_cited_outlet(client, demo):
    content = client.get(demo.get_absolute_url()).content.decode()
    for citation in demo.citations.select_related("outlet"):
        assert f'href="{citation.url}"' in content
        assert f">{citation.outlet.name}</a>" in content
        assert html.escape(citation.claim) in content


def test_story_page_shows_go_deeper_and_topic_cards(client, demo):
    text = page_text(client.get(demo.get_absolute_url()))
    go_deeper, more = text.index("Go deeper"), text.index("More on these topics")
    assert go_deeper < more
    for line in seed_cards("More on these topics"):
        assert line in text, line
    for line in seed_cards(""):
        assert line in text[more:], line


def test_seed_questions_and_topics_have_their_own_pages(client, demo):
    for question in CommonQuestion.objects.all():
        response = client.get(question.get_absolute_url())
        assert response.status_code == 200
        text = page_text(response)
        assert question.teaser in text
        assert all(item.question in text for item in question.items.all())
    for topic in Topic.objects.all():
        text = page_text(client.get(topic.get_absolute_url()))
        assert topic.description in text
        assert demo.live_headline in text


def test_home_lists_the_demo_story(client, demo):
    content = client.get("/").content.decode()
    assert f'href="{demo.get_absolute_url()}"' in content
    assert html.escape(demo.live_headline) in content


def test_the_demo_story_and_its_topics_have_described_pictures_drawn_by_the_project(client, demo, commit):
    image = demo.lead_image
    assert image is not None and image.missing == [] and image.licence == "Made by the project"
    assert (image.width, image.height) == (1920, 1080) and demo.live_revision.data["lead_image_id"] == image.pk
    topics = list(Topic.objects.select_related("image"))
    assert topics and all(t.image is not None and t.image.missing == [] for t in topics)
    assert len({t.image_id for t in topics}) == len(topics)  # each its own: a flag or a monogram
    with commit():
        demo_load()  # loading again finds the same pictures in the library: nothing new
    assert type(image).objects.count() == 1 + len(topics)
    assert (
        'alt="The flags of Peru (red, white, red) and Mexico (green, white, red) side by side"'
        in client.get(demo.get_absolute_url()).content.decode()
    )
    assert 'alt="The flag of Peru"' in client.get(demo.get_absolute_url()).content.decode()
