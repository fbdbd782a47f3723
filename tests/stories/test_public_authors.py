"""Author pages and byline links: a reader follows a byline to the person's page, which lists their live
stories only; a person with none has no page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from images.ingest import image_ingest
from stories.authors import author_profile_save
from stories.models import AuthorProfile, LivePage
from stories.workflow import story_publish, story_unpublish
from tests.factories import UserFactory, build_story
from tests.images.test_ingest import encode, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db):
    user = UserFactory(username="ana", first_name="Ana", last_name="Ruiz")
    return AuthorProfile.objects.create(
        user=user, slug="ana-ruiz", role="Latin America correspondent", bio="Ana covers the Andes."
    )


def test_the_byline_links_to_the_author_page_which_lists_the_story(client, ana):
    ben = UserFactory(username="ben", first_name="Ben", last_name="Ode")  # no profile: plain text
    story = build_story(authors=[ana.user, ben], headline="Peru cuts ties")
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'By <a href="/authors/ana-ruiz/" rel="author">Ana Ruiz</a> and Ben Ode</p>' in page
    author = client.get("/authors/ana-ruiz/")
    html = author.content.decode()
    assert author.status_code == 200
    assert "<h1>Ana Ruiz</h1>" in html and "Latin America correspondent" in html and "Ana covers the Andes." in html
    assert "Peru cuts ties" in html
    assert '"@type":"ProfilePage"' in html


def test_the_author_page_lists_live_stories_only_newest_first(client, ana):
    build_story(authors=[ana.user], headline="Older story")
    build_story(authors=[ana.user], headline="Newer story")
    draft = build_story(authors=[ana.user], headline="Draft story", publish=False)
    gone = build_story(authors=[ana.user], headline="Withdrawn story")
    story_unpublish(story=gone, actor=None)
    edited = build_story(headline="Someone else's story")
    edited.story_authors.create(user=ana.user, position=1)  # an unpublished edit adds her to the byline
    html = client.get("/authors/ana-ruiz/").content.decode()
    assert html.index("Newer story") < html.index("Older story")
    for hidden in ("Draft story", "Withdrawn story", "Someone else"):
        assert hidden not in html
    story_publish(story=edited, actor=None)
    assert "Someone else" in client.get("/authors/ana-ruiz/").content.decode()
    assert draft.pk  # still a draft


def test_a_person_with_no_live_story_has_no_page(client, ana):
    assert client.get("/authors/ana-ruiz/").status_code == 404
    draft = build_story(authors=[ana.user], publish=False)
    assert client.get("/authors/ana-ruiz/").status_code == 404
    story = story_publish(story=draft, actor=None)
    assert client.get("/authors/ana-ruiz/").status_code == 200
    story_unpublish(story=story, actor=None)
    assert client.get("/authors/ana-ruiz/").status_code == 404
    assert client.get("/authors/nobody/").status_code == 404


def test_the_photo_is_shown_square_with_its_alt_text(client, ana, commit):
    with commit():  # renditions are made after the upload commits
        photo = image_ingest(upload=upload(encode(PILImage.new("RGB", (800, 800), "teal"), "PNG"), "ana.png"))
        photo.alt_text, photo.credit = "Ana Ruiz in Lima", "Newsroom"
        photo.save()
    ana.photo = photo
    ana.save()
    build_story(authors=[ana.user])
    html = client.get("/authors/ana-ruiz/").content.decode()
    assert 'alt="Ana Ruiz in Lima"' in html and "1x1-" in html


def test_saving_a_profile_re_renders_the_bylines_of_the_persons_live_stories(client, commit):
    chloe = UserFactory(username="chloe", first_name="Chloe", last_name="Vance")
    with commit():
        story = build_story(authors=[chloe], headline="Before her page")
    assert "By Chloe Vance</p>" in client.get(story.get_absolute_url()).content.decode()  # kept, plain text
    with commit():
        author_profile_save(profile=AuthorProfile(user=chloe, slug="chloe-vance"))
    assert LivePage.objects.get(story=story).key  # re-rendered by the pipeline
    assert '<a href="/authors/chloe-vance/" rel="author">Chloe Vance</a>' in client.get(story.get_absolute_url()).content.decode()


def test_the_author_page_costs_a_fixed_number_of_queries(client, ana, settings):
    settings.PUBLIC_PAGE_CACHE = False
    counts = []
    for n in (1, 5):
        for _ in range(n):
            build_story(authors=[ana.user], topics=2)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/authors/ana-ruiz/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_an_editor_gives_a_person_an_author_page_in_the_admin(client, editor, commit):
    dana = UserFactory(username="dana", first_name="Dana", last_name="Kim")
    with commit():
        story = build_story(authors=[dana], headline="Dana's story")
    client.force_login(editor)
    assert client.get("/admin/stories/authorprofile/add/").status_code == 200
    with commit():
        response = client.post(
            "/admin/stories/authorprofile/add/",
            {"user": dana.pk, "slug": "dana-kim", "name": "", "role": "Data reporter", "bio": "", "photo": ""},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert '<a href="/authors/dana-kim/" rel="author">Dana Kim</a>' in client.get(story.get_absolute_url()).content.decode()
    assert "Data reporter" in client.get("/authors/dana-kim/").content.decode()


def test_a_writer_cannot_give_anyone_an_author_page(client, writer):
    client.force_login(writer)
    assert client.get("/admin/stories/authorprofile/add/").status_code == 403


def test_a_writer_edits_their_own_author_page_only(client, writer, commit):
    own = AuthorProfile.objects.create(user=writer, slug="wendy", role="Reporter")
    other = AuthorProfile.objects.create(user=UserFactory(username="zed"), slug="zed")
    client.force_login(writer)
    assert client.get("/admin/stories/authorprofile/add/").status_code == 403
    assert client.get(f"/admin/stories/authorprofile/{other.pk}/change/").status_code == 302  # not theirs: not found
    listing = client.get("/admin/stories/authorprofile/").content.decode()
    assert f"/{own.pk}/change/" in listing and f"/{other.pk}/change/" not in listing
    with commit():
        response = client.post(
            f"/admin/stories/authorprofile/{own.pk}/change/",
            {"user": UserFactory(username="sneaky").pk, "slug": "taken-over", "name": "Wendy W.", "role": "Senior reporter"},
        )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.user_id, own.slug, own.name, own.role) == (writer.pk, "wendy", "Wendy W.", "Senior reporter")
