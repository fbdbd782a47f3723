"""The anonymous page cache: served from cache, and never stale after a public change.

The pipeline steps that purge the cache run on commit; these tests run the
on-commit callbacks of every write (``commit`` fixture) as a real request would.
"""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from faq.models import CommonQuestion
from newsroom.changes.models import ChangeEvent
from newsroom.changes.reconcile import RECONCILED_KEY
from newsroom.changes.reconcile import changes_reconcile as page_cache_reconcile
from newsroom.changes.record import change_record
from stories.models import Story
from stories.workflow import story_publish, story_unpublish
from tests.factories import OutletFactory, build_story
from topics.services import topic_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE = True


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    response.queries = len(ctx.captured_queries)
    return response


def test_second_anonymous_request_is_served_from_cache_without_queries(client, commit):
    with commit():
        story = build_story(headline="Cached headline")
    first = _get(client, story.get_absolute_url())
    second = _get(client, story.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit" and second.queries == 0
    assert second.content == first.content
    assert "Cached headline" in second.content.decode()


def test_a_hit_carries_the_security_headers_of_the_page_it_replays(client, commit):
    with commit():
        story = build_story()
    miss = client.get(story.get_absolute_url())
    hit = client.get(story.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Type"):
        assert hit[header] == miss[header], header
    assert "nonce-" not in hit["Content-Security-Policy"]
    assert int(hit["Content-Length"]) == len(hit.content)


def test_story_page_variants_of_query_string_share_one_entry(client, commit):
    with commit():
        story = build_story()
    client.get(story.get_absolute_url())
    response = _get(client, story.get_absolute_url() + "?utm_source=newsletter")
    assert response["X-Page-Cache"] == "hit"


def test_republished_correction_is_visible_on_the_next_request(client, commit, editor):
    with commit():
        story = build_story(headline="First version")
    assert "First version" in client.get(story.get_absolute_url()).content.decode()
    Story.objects.filter(pk=story.pk).update(headline="Corrected version")
    with commit():
        story_publish(story=story, actor=editor, note="We corrected the headline.")
    content = client.get(story.get_absolute_url()).content.decode()
    assert "Corrected version" in content and "We corrected the headline." in content
    assert "First version" not in content


def test_unpublished_story_answers_410_and_leaves_lists_on_the_next_request(client, commit, editor):
    with commit():
        story = build_story(headline="Soon withdrawn")
    assert client.get(story.get_absolute_url()).status_code == 200
    assert "Soon withdrawn" in client.get("/").content.decode()
    with commit():
        story_unpublish(story=story, actor=editor, comment="Legal")
    assert client.get(story.get_absolute_url()).status_code == 410
    assert "Soon withdrawn" not in client.get("/").content.decode()
    assert "Soon withdrawn" not in client.get("/feeds/rss/").content.decode()


def test_new_story_appears_on_cached_lists_on_the_next_request(client, commit):
    with commit():
        build_story(headline="Older story")
    for url in ("/", "/feeds/rss/", "/sitemap-stories.xml"):
        client.get(url)
    with commit():
        newer = build_story(headline="Brand new story")
    assert "Brand new story" in client.get("/").content.decode()
    assert "Brand new story" in client.get("/feeds/rss/").content.decode()
    assert newer.live_slug in client.get("/sitemap-stories.xml").content.decode()


def test_topic_edit_shows_on_the_story_page_on_the_next_request(client, commit):
    with commit():
        story = build_story(topics=1)
    topic = story.live_topics.get()
    assert topic.name in client.get(story.get_absolute_url()).content.decode()
    with commit():
        topic.name = "Renamed topic"
        topic.save()
        change_record(ChangeEvent.Kind.TOPIC, topic)
    content = client.get(story.get_absolute_url()).content.decode()
    assert "Renamed topic" in content
    assert '"name":"Renamed topic"' in content  # the JSON-LD too


def test_question_taken_down_leaves_the_story_page_on_the_next_request(client, commit):
    with commit():
        story = build_story(questions=1)
    question = story.live_questions.get()
    assert question.question in client.get(story.get_absolute_url()).content.decode()
    with commit():
        CommonQuestion.objects.filter(pk=question.pk).update(status=CommonQuestion.Status.DRAFT)
        change_record(ChangeEvent.Kind.QUESTION, question)
    assert question.question not in client.get(story.get_absolute_url()).content.decode()
    assert client.get(question.get_absolute_url()).status_code == 404


def test_outlet_rename_shows_on_story_and_outlet_pages(client, commit):
    outlet = OutletFactory(name="Old Outlet Name")
    with commit():
        story = build_story(publish=False)
        story.citations.create(outlet=outlet, url="https://example.com/a", claim="It happened.")
        story_publish(story=story, actor=None)
    client.get(story.get_absolute_url())
    client.get(outlet.get_absolute_url())
    with commit():
        outlet.name = "New Outlet Name"
        outlet.save()
        change_record(ChangeEvent.Kind.OUTLET, outlet)
    assert "New Outlet Name" in client.get(story.get_absolute_url()).content.decode()
    assert "New Outlet Name" in client.get(outlet.get_absolute_url()).content.decode()


def test_a_404_is_not_cached(client, commit):
    assert client.get("/story/coming-soon/").status_code == 404
    with commit():
        build_story(slug="coming-soon")
    assert client.get("/story/coming-soon/").status_code == 200


def test_visitor_with_a_session_is_not_served_from_nor_stored_in_the_cache(client, commit):
    with commit():
        story = build_story()
    client.cookies["sessionid"] = "anything"
    response = client.get(story.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert response["Cache-Control"].startswith("private")
    del client.cookies["sessionid"]
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("cached", [True, False])
def test_conditional_get_answers_304(client, commit, settings, cached):
    settings.PUBLIC_PAGE_CACHE = cached
    with commit():
        story = build_story()
    first = client.get(story.get_absolute_url())
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(story.get_absolute_url(), headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(story.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]}).status_code == 304
    home = client.get("/")
    assert client.get("/", headers={"if-none-match": home["ETag"]}).status_code == 304


def test_etag_changes_when_the_page_changes(client, commit, editor):
    with commit():
        story = build_story()
    before = client.get(story.get_absolute_url())["ETag"]
    Story.objects.filter(pk=story.pk).update(headline="Changed")
    with commit():
        story_publish(story=story, actor=editor)
    response = client.get(story.get_absolute_url(), headers={"if-none-match": before})
    assert response.status_code == 200 and response["ETag"] != before


def test_lost_token_means_a_miss_not_a_stale_page(client, commit, editor):
    with commit():
        story = build_story(headline="Before eviction")
    client.get(story.get_absolute_url())
    caches["pages"].delete_many([f"pagetoken:story-slug:{story.live_slug}", "pagetoken:all"])  # evicted under memory pressure
    Story.objects.filter(pk=story.pk).update(headline="After eviction")
    story_publish(story=story, actor=editor)  # callbacks not run: only the lost tokens can save us
    assert "After eviction" in client.get(story.get_absolute_url()).content.decode()


def test_pages_are_cached_on_redis_when_configured(client, commit, settings, redis_url):
    with commit():
        story = build_story()
    client.get(story.get_absolute_url())
    assert _get(client, story.get_absolute_url())["X-Page-Cache"] == "hit"
    assert "redis" in settings.CACHES["default"]["BACKEND"]


UNREACHABLE = {
    "BACKEND": "newsroom.tracked_cache.TrackedRedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}


def test_a_topic_renamed_while_the_cache_is_unreachable_shows_after_the_reconcile(client, commit, settings):
    with commit():
        story = build_story(topics=1)
    page_cache_reconcile()
    topic = story.live_topics.get()
    assert topic.name in client.get(story.get_absolute_url()).content.decode()
    with override_settings(CACHES={**settings.CACHES, "pages": UNREACHABLE}), commit():
        topic.name = "Renamed during the outage"
        topic_save(topic=topic)  # committed; the pipeline runs, and its purge finds no cache
    assert "Renamed during the outage" not in client.get(story.get_absolute_url()).content.decode()
    page_cache_reconcile()
    assert "Renamed during the outage" in client.get(story.get_absolute_url()).content.decode()


def _publish_with_its_purge_lost(story, editor, headline: str) -> None:
    """Publish a change whose on-commit purge never runs, as when the cache is unreachable at that moment."""
    Story.objects.filter(pk=story.pk).update(headline=headline)
    story_publish(story=Story.objects.get(pk=story.pk), actor=editor)


def test_a_purge_lost_in_an_outage_is_made_good_by_the_next_reconcile(client, commit, editor):
    with commit():
        story = build_story(headline="Before the outage")
    page_cache_reconcile()
    for url in (story.get_absolute_url(), "/"):
        assert "Before the outage" in client.get(url).content.decode()
    _publish_with_its_purge_lost(story, editor, "Published during the outage")
    assert "Before the outage" in client.get(story.get_absolute_url()).content.decode()  # what readers would get
    assert page_cache_reconcile() >= 1
    for url in (story.get_absolute_url(), "/"):
        content = client.get(url).content.decode()
        assert "Published during the outage" in content and "Before the outage" not in content, url


def test_a_reconcile_that_cannot_reach_the_cache_leaves_its_changes_to_the_next(client, commit, editor, settings, caplog):
    with commit():
        story = build_story(headline="Before the outage")
    page_cache_reconcile()
    client.get(story.get_absolute_url())
    _publish_with_its_purge_lost(story, editor, "Published during the outage")
    # The change is older than the overlap between runs, and the last run before it older still.
    ChangeEvent.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    caches["pages"].set(RECONCILED_KEY, timezone.now() - timedelta(minutes=6), None)
    with override_settings(CACHES={**settings.CACHES, "pages": UNREACHABLE}):
        page_cache_reconcile()
    assert "could not reach the cache" in caplog.text
    assert "Before the outage" in client.get(story.get_absolute_url()).content.decode()
    page_cache_reconcile()
    assert "Published during the outage" in client.get(story.get_absolute_url()).content.decode()


def test_beat_runs_the_reconcile_task_every_minute(settings, commit):
    from newsroom.changes.tasks import reconcile as reconcile_page_cache

    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == reconcile_page_cache.name]
    assert entry["schedule"] == timedelta(minutes=1)
    with commit():
        build_story()
    assert reconcile_page_cache.delay().get() >= 1  # the change is seen


# --- content coding of cached pages (newsroom/encoding.py) --------------------------------


def _vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_cached_page_is_sent_compressed_and_decodes_to_the_plain_page(client, commit, coding):
    import gzip

    import brotli

    with commit():
        story = build_story(headline="Compressed headline", blocks=4)
    url = story.get_absolute_url()
    plain = client.get(url)  # the miss: stored with its coded bytes
    for state in ("hit", "hit"):
        coded = _get(client, url, **{"Accept-Encoding": f"{coding}, identity;q=0.1"})
        assert coded["X-Page-Cache"] == state and coded.queries == 0
        assert coded["Content-Encoding"] == coding and int(coded["Content-Length"]) == len(coded.content)
        decoded = gzip.decompress(coded.content) if coding == "gzip" else brotli.decompress(coded.content)
        assert decoded == plain.content and "Compressed headline" in decoded.decode()
        assert len(coded.content) < len(plain.content) / 2
        assert coded["ETag"] == plain["ETag"][:-1] + f'-{coding}"' and "accept-encoding" in _vary(coded)
    not_modified = client.get(url, headers={"Accept-Encoding": coding, "If-None-Match": coded["ETag"]})
    assert not_modified.status_code == 304 and "Content-Encoding" not in not_modified
    assert client.get(url, headers={"Accept-Encoding": coding, "If-None-Match": plain["ETag"]}).status_code == 200


def test_the_first_request_of_a_page_is_compressed_too_and_a_plain_client_gets_it_plain(client, commit):
    import brotli

    with commit():
        story = build_story(blocks=4)
    url = story.get_absolute_url()
    first = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert first["X-Page-Cache"] == "miss" and first["Content-Encoding"] == "br"
    plain = client.get(url)
    assert plain["X-Page-Cache"] == "hit" and "Content-Encoding" not in plain
    assert brotli.decompress(first.content) == plain.content and "accept-encoding" in _vary(plain)


def test_a_reader_with_a_session_gets_the_page_plain(client, commit, django_user_model):
    with commit():
        story = build_story(blocks=4)
    client.force_login(django_user_model.objects.create_user("reader", password="x-pass-123"))
    response = client.get(story.get_absolute_url(), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert "X-Page-Cache" not in response


def test_head_of_a_compressed_page_has_the_headers_of_its_get(client, commit):
    with commit():
        story = build_story(blocks=4)
    url = story.get_absolute_url()
    got = client.get(url, headers={"Accept-Encoding": "gzip"})
    head = client.head(url, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.content == b""
    for name in ("Content-Encoding", "Content-Length", "ETag", "Vary", "Content-Type"):
        assert head[name] == got[name], name
