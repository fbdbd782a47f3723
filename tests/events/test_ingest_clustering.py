"""End to end: two outlets' feeds, read by real ingestion over HTTP, end up in one event."""

from datetime import UTC, datetime

import pytest

from events import clustering
from events.models import Event, EventArticle
from sources.ingest import feed_ingest
from tests.factories import FeedFactory, OutletFactory

pytestmark = pytest.mark.django_db


def _rss(items: list[tuple[str, str, str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid><pubDate>{date}</pubDate>"
        f"<description>{summary}</description></item>"
        for title, summary, link, date in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


WIRE = (
    "Magnitude 6.8 earthquake strikes Oaxaca in southern Mexico",
    "A magnitude 6.8 earthquake struck the southern Mexican state of Oaxaca early on Monday, shaking buildings "
    "in Mexico City and killing at least nine people, authorities said.",
)


def test_two_outlets_feeds_carrying_one_story_end_in_one_event(feed_server, commit):
    clustering.index_forget()
    wire = FeedFactory(outlet=OutletFactory(name="Wire"), url=feed_server.set("/set/wire.xml", _rss([
        (WIRE[0], WIRE[1], "https://wire.example.com/quake", "Mon, 02 Nov 2026 04:20:00 GMT"),
        ("Peru's Congress censures interior minister", "The vote was 78-30 in Lima.",
         "https://wire.example.com/vote", "Mon, 02 Nov 2026 05:00:00 GMT"),
    ])))  # fmt: skip
    paper = FeedFactory(outlet=OutletFactory(name="Paper"), url=feed_server.set("/set/paper.xml", _rss([
        (f"{WIRE[0]} | The Paper", WIRE[1], "https://paper.example.com/world/quake", "Mon, 02 Nov 2026 04:45:00 GMT"),
    ])))  # fmt: skip

    with commit():  # ingestion's after-store steps run once its writes commit
        assert feed_ingest(feed_id=wire.pk).new == 2
    with commit():
        assert feed_ingest(feed_id=paper.pk).new == 1

    quake = EventArticle.objects.get(article__url="https://wire.example.com/quake")
    copy = EventArticle.objects.get(article__url="https://paper.example.com/world/quake")
    vote = EventArticle.objects.get(article__url="https://wire.example.com/vote")
    assert copy.event_id == quake.event_id != vote.event_id
    assert copy.method == EventArticle.Method.DUPLICATE
    event = Event.objects.get(pk=quake.event_id)
    assert (event.article_count, event.outlet_count) == (2, 2)
    assert event.first_seen_at == datetime(2026, 11, 2, 4, 20, tzinfo=UTC)

    # Read again (nothing new): no step runs, nothing moves.
    with commit():
        feed_ingest(feed_id=paper.pk)
    assert EventArticle.objects.count() == 3


def test_a_failing_clustering_step_never_fails_ingestion(feed_server, commit, settings, caplog):
    settings.INGEST_AFTER_STORE = ["events.tests_missing.nothing_here"]
    feed = FeedFactory(url=feed_server.set("/set/one.xml", _rss([(WIRE[0], WIRE[1], "https://w.example.com/1", "")])))
    with commit():
        assert feed_ingest(feed_id=feed.pk).new == 1
    assert "after-store step events.tests_missing.nothing_here failed" in caplog.text
    assert not EventArticle.objects.exists()
