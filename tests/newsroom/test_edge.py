"""Surrogate keys on public responses, and the pipeline's purge by key (newsroom/edge.py, stories.after_change.edge_purge).

The purges go to a real local HTTP server that records them; tests/integration/test_edge.py runs a real Varnish.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsroom.changes.pipeline import changes_apply
from newsroom.edge import keys_purge, purge_backoff
from stories.models import Story
from stories.workflow import story_publish, story_unpublish
from tests.factories import CitationFactory, CommonQuestionFactory, OutletFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db


class _Receiver(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 (http.server's naming)
        self.server.purged.append(self.headers.get("xkey-purge", ""))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purges(settings):
    """A local edge that records the keys of every PURGE it gets; the application purges it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.purged = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{server.server_address[1]}/"]
    yield server.purged
    server.shutdown()
    server.server_close()


def _keys(response, header="xkey") -> set[str]:
    return set(response.get(header, "").split())


def _purged(purged: list[str]) -> set[str]:
    return {key for header in purged for key in header.split()}


def test_without_an_edge_responses_carry_no_keys_and_no_s_maxage(client):
    story = build_story()
    response = client.get(story.get_absolute_url())
    assert "xkey" not in response and "s-maxage" not in response["Cache-Control"]
    api = client.get(f"/api/v1/stories/{story.live_slug}/")
    assert "xkey" not in api and "s-maxage" not in api["Cache-Control"]


def test_public_pages_name_what_they_show_and_let_the_edge_keep_them(client, purges):
    topic, question, outlet = TopicFactory(slug="peru"), CommonQuestionFactory(slug="why"), OutletFactory(slug="wire")
    story = build_story(slug="a-story")
    expected = {
        "/story/a-story/": {"story-a-story"},
        "/story/a-story/?utm_source=x": {"story-a-story"},
        "/topics/peru/": {"topic-peru"},
        "/topics/peru/rss/": {"topic-peru", "list-stories"},
        f"/answers/{question.slug}/": {"question-why"},
        "/outlets/wire/": {"outlet-wire"},
        "/": {"list-stories"},
        "/search/?q=story": {"list-stories"},
        "/feeds/atom/": {"list-stories"},
        "/sitemap.xml": {"all"},
    }
    assert topic and outlet and story
    for path, keys in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert _keys(response) == keys, path
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=86400", path


def test_api_answers_name_their_object_or_their_kinds_list(client, purges):
    build_story(slug="a-story", topics=1)
    topic = TopicFactory(slug="peru")
    expected = {
        "/api/v1/stories/": {"list-stories"},
        "/api/v1/stories/?topic=peru": {"list-stories"},
        "/api/v1/stories/a-story/": {"story-a-story"},
        "/api/v1/stories/a-story/ninjs/": {"story-a-story"},
        "/api/v1/topics/": {"list-topics"},
        f"/api/v1/topics/{topic.slug}/": {"topic-peru"},
        "/api/v1/questions/": {"list-questions"},
        "/api/v1/outlets/": {"list-outlets"},
    }
    for path, keys in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert _keys(response) == keys, path
        assert response["Cache-Control"] == "public, max-age=60, s-maxage=86400", path
    assert "xkey" not in client.get("/api/v1/sync/")  # never kept: its answer moves with every change


def test_the_key_header_can_be_the_one_a_cdn_reads(client, purges, settings):
    settings.EDGE_KEY_HEADER = "Surrogate-Key"  # Fastly
    story = build_story(slug="a-story")
    response = client.get(story.get_absolute_url())
    assert _keys(response, "Surrogate-Key") == {"story-a-story"} and "xkey" not in response
    settings.EDGE_KEY_HEADER, settings.EDGE_KEY_SEPARATOR = "Cache-Tag", ","  # Cloudflare
    TopicFactory(slug="peru")
    assert client.get("/topics/peru/rss/")["Cache-Tag"] == "topic-peru,list-stories"


def test_a_signed_in_reader_gets_a_private_page(client, purges, editor):
    story = build_story()
    client.force_login(editor)
    response = client.get(story.get_absolute_url())
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_an_old_slugs_redirect_and_a_taken_down_story_are_kept_briefly_by_browsers(client, purges, editor):
    story = build_story(slug="old-address")
    Story.objects.filter(pk=story.pk).update(slug="new-address")
    story_publish(story=story, actor=editor)
    for path in ("/story/old-address/", "/api/v1/stories/old-address/"):
        moved = client.get(path)
        assert moved.status_code == 301, path
        assert moved["Cache-Control"] == "public, max-age=60, s-maxage=86400" and _keys(moved) == {"story-old-address"}
    story_unpublish(story=story, actor=editor)
    for path in ("/story/new-address/", "/api/v1/stories/new-address/"):
        gone = client.get(path)
        assert gone.status_code == 410, path
        assert gone["Cache-Control"] == "public, max-age=60, s-maxage=86400" and _keys(gone) == {"story-new-address"}
    assert "xkey" not in client.get(f"/api/v1/stories/{story.pk}/")  # an id's redirect follows the story: not kept


def test_a_publish_purges_the_story_what_shows_it_and_the_lists_and_nothing_else(purges, commit, editor):
    topic, outlet = TopicFactory(slug="peru"), OutletFactory(slug="wire")
    with commit():
        story = build_story(slug="a-story", publish=False)
        story.topics.add(topic, through_defaults={"position": 0})
        CitationFactory(story=story, outlet=outlet, position=0)
        build_story(slug="other-story")
    purges.clear()
    with commit():
        story_publish(story=story, actor=editor)
    assert _purged(purges) == {"story-a-story", "topic-peru", "outlet-wire", "list-stories", "list-topics", "list-outlets", "all"}


def test_a_slug_change_purges_the_old_and_the_new_address(purges, commit, editor):
    with commit():
        story = build_story(slug="old-address")
    Story.objects.filter(pk=story.pk).update(slug="new-address")
    purges.clear()
    with commit():
        story_publish(story=story, actor=editor)
    assert {"story-old-address", "story-new-address"} <= _purged(purges)


def test_a_topic_rename_purges_the_stories_showing_it(purges, commit):
    from topics.services import topic_save

    topic = TopicFactory(slug="peru")
    with commit():
        story = build_story(slug="a-story", publish=False)
        story.topics.add(topic, through_defaults={"position": 0})
        story_publish(story=story, actor=None)
    purges.clear()
    topic.name = "Republic of Peru"
    with commit():
        topic_save(topic=topic)
    assert {"topic-peru", "story-a-story", "list-topics", "list-stories"} <= _purged(purges)


def test_an_unreachable_edge_fails_the_step_and_says_so(settings, commit, caplog):
    settings.EDGE_PURGE_URLS = ["http://127.0.0.1:9/"]  # discard: nothing listens
    with commit():
        story = build_story(slug="a-story")
    caplog.clear()
    assert changes_apply([_change(story)]) is False
    assert "edge purge of" in caplog.text and "127.0.0.1:9" in caplog.text


def test_many_long_keys_go_in_several_requests_of_at_most_4_kb(purges):
    keys = {f"story-{i:03}-{'x' * 190}" for i in range(60)}  # slugs are up to 200 characters
    assert keys_purge(keys) == []
    assert len(purges) == 4 and all(len(header) <= 4000 for header in purges)  # 19 keys of 200 characters each
    assert _purged(purges) == keys


def test_retries_back_off_exponentially_up_to_a_bound(settings):
    settings.EDGE_PURGE_BACKOFF_BASE, settings.EDGE_PURGE_BACKOFF_MAX = 1, 300
    assert [purge_backoff(n) for n in (0, 1, 2, 8, 20)] == [1, 2, 4, 256, 300]


def _change(story):
    from newsroom.changes.pipeline import Change

    return Change(kind="story", id=story.pk, slug=story.live_slug, action="upsert")


def test_the_vcl_is_written_with_the_backend_and_the_purgers_given():
    from deploy.edge import vcl_for

    vcl = vcl_for(backend="10.1.2.3:8001", purgers=["192.0.2.7", "10.0.0.0/8"])
    assert '.host = "10.1.2.3";' in vcl and '.port = "8001";' in vcl
    assert '    "192.0.2.7";\n    "10.0.0.0"/8;\n' in vcl and '"127.0.0.1";' in vcl
    assert "import xkey;" in vcl and "xkey.softpurge(req.http.xkey-purge)" in vcl
