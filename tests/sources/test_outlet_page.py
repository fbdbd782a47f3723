"""Outlet pages: the stories citing an outlet and what it said in each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stories.models import Story
from stories.workflow import story_publish
from tests.factories import OutletFactory, build_story

pytestmark = pytest.mark.django_db


def _cite(outlet, *claims, publish=True, **fields):
    story = build_story(publish=False, **fields)
    for i, claim in enumerate(claims):
        story.citations.create(
            outlet=outlet,
            url=f"https://{outlet.slug}.example.com/{story.slug}/{i}",
            claim=claim,
            quote="A short quote." if i == 0 else "",
            position=i,
        )
    story.citations.create(outlet=OutletFactory(), url="https://other.example.com/", claim="Another outlet's claim.")
    return story_publish(story=story, actor=None) if publish else story


def test_outlet_page_shows_each_story_and_what_the_outlet_said_in_it(client):
    outlet = OutletFactory(name="Al Jazeera")
    claims = ("Peru accuses Mexico of interference.", "Mexico cites the asylum convention.")
    story = _cite(outlet, *claims, headline="Peru cuts ties")
    html = client.get(outlet.get_absolute_url()).content.decode()
    assert "What Al Jazeera said in our stories" in html
    assert "Peru cuts ties" in html
    assert "Peru accuses Mexico of interference." in html and "Mexico cites the asylum convention." in html
    assert "A short quote." in html
    assert f'href="https://{outlet.slug}.example.com/{story.slug}/0"' in html
    assert "Another outlet&#x27;s claim." not in html


def test_outlet_page_shows_the_live_claims_not_the_working_copy(client):
    outlet = OutletFactory()
    story = _cite(outlet, "Live claim.")
    story.citations.filter(outlet=outlet).update(claim="Unpublished claim.")
    Story.objects.filter(pk=story.pk).update(headline="Unpublished headline")
    html = client.get(outlet.get_absolute_url()).content.decode()
    assert "Live claim." in html
    assert "Unpublished claim." not in html and "Unpublished headline" not in html


def test_outlet_page_leaves_out_drafts(client):
    outlet = OutletFactory()
    _cite(outlet, "Draft claim.", publish=False, headline="Draft headline")
    html = client.get(outlet.get_absolute_url()).content.decode()
    assert "Draft claim." not in html and "Draft headline" not in html
    assert "No published story cites" in html


def test_outlet_page_is_a_fixed_number_of_queries(client):
    outlet = OutletFactory()
    _cite(outlet, "One.")
    with CaptureQueriesContext(connection) as few:
        client.get(outlet.get_absolute_url())
    for i in range(6):
        _cite(outlet, f"Claim {i}.", f"Second claim {i}.")
    with CaptureQueriesContext(connection) as many:
        client.get(outlet.get_absolute_url())
    assert len(few.captured_queries) == len(many.captured_queries)
