"""Invariants that belong to one row."""

import pytest
from django.db import IntegrityError

from newsroom.richtext import html_to_text, sanitize_html
from sources.models import SourceArticle
from stories.models import SectionBlock
from tests.factories import OutletFactory, SectionBlockFactory, StoryFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db


def test_story_slugs_are_unique():
    StoryFactory(slug="same")
    with pytest.raises(IntegrityError):
        StoryFactory(slug="same")


def test_section_body_is_sanitised_on_every_save():
    block = SectionBlockFactory(body='<p onclick="x()">Hi<script>alert(1)</script></p><a href="javascript:go()">x</a>')
    block.refresh_from_db()
    assert block.body == '<p>Hi</p><a rel="noopener noreferrer nofollow">x</a>'


def test_standard_section_takes_its_kind_heading_and_custom_keeps_its_own():
    story = StoryFactory()
    assert SectionBlockFactory(story=story, kind=SectionBlock.Kind.BEHIND_HEADLINE).display_heading == (
        "What's behind the headline?"
    )
    assert SectionBlockFactory(story=story, kind="custom", heading="Timeline").display_heading == "Timeline"


def test_topic_aliases_are_one_per_line():
    topic = TopicFactory(name="Claudia Sheinbaum", aliases="Sheinbaum\n\n  Claudia Sheinbaum Pardo \n")
    assert topic.match_names == ["Claudia Sheinbaum", "Sheinbaum", "Claudia Sheinbaum Pardo"]


def test_source_article_url_is_unique_per_outlet():
    outlet = OutletFactory()
    SourceArticle.objects.create(outlet=outlet, url="https://a.example/1", title="One")
    with pytest.raises(IntegrityError):
        SourceArticle.objects.create(outlet=outlet, url="https://a.example/1", title="Again")


def test_publishing_records_live_fields_and_relations():
    story = build_story(blocks=2, citations=2, topics=2, questions=1)
    assert story.is_live
    assert story.live_slug == story.slug
    assert story.first_published_at == story.last_published_at
    assert story.live_topics.count() == 2
    assert story.live_outlets.count() == 2
    assert story.live_revision.data["headline"] == story.headline


def test_rich_text_helpers():
    assert sanitize_html("<p></p>") == ""
    assert html_to_text("<p>A &amp; B</p><p>C</p>") == "A & B\nC"


def test_every_model_has_str_and_absolute_url():
    story = build_story(blocks=1, citations=1, topics=1, questions=1)
    objects = [story, story.blocks.get(), story.citations.get(), story.live_topics.get(), story.live_outlets.get()]
    for obj in objects:
        assert str(obj)
        assert obj.get_absolute_url()
