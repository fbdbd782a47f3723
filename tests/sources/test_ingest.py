"""The ingestion pipeline against a real local HTTP server and the fixture corpus."""

import socket
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import fastfeedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sources.ingest import FeedUnreachable, articles_upsert, entry_normalise, feed_ingest, feed_parse
from sources.ingest.parse import FAST, LENIENT, RawEntry
from sources.ingest.pipeline import _lock_key
from sources.models import ArticleTopic, Feed, SourceArticle
from tests.factories import FeedFactory, OutletFactory, TopicFactory
from tests.feed_server import FEEDS_DIR

pytestmark = pytest.mark.django_db

S = Feed.Status


def ingest(feed: Feed):
    """Run the pipeline as the task does, swallowing the retry signal of network failures."""
    try:
        result = feed_ingest(feed_id=feed.pk)
    except FeedUnreachable:
        result = None
    feed.refresh_from_db()
    return result


def article_writes(queries) -> list[str]:
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    return [sql for sql in writes if "sources_sourcearticle" in sql]


@pytest.fixture(autouse=True)
def _fast_failures(settings):
    settings.FEED_READ_TIMEOUT = 0.5
    settings.FEED_CONNECT_TIMEOUT = 0.5
    settings.FEED_MAX_BYTES = 256 * 1024


BAD_CASES = [
    ("404", "/status/404", S.HTTP_ERROR, 404),
    ("500", "/status/500", S.HTTP_ERROR, 500),
    ("redirect-loop", "/loop", S.REDIRECTS, None),
    ("redirect-chain-too-long", "/redirect/6/rss20.xml", S.REDIRECTS, None),
    ("slow-response", "/slow/2/rss20.xml", S.TIMEOUT, None),
    ("oversized-body", "/huge/20", S.TOO_LARGE, 200),
    ("invalid-xml", "/feeds/invalid.xml", S.LENIENT, 200),
    ("bare-ampersand", "/feeds/bare_ampersand.xml", S.LENIENT, 200),
    ("latin1-without-declaration", "/feeds/latin1_undeclared.xml", S.LENIENT, 200),
    ("wrong-encoding-declared", "/feeds/latin1_declared_utf8.xml", S.LENIENT, 200),
    ("wrong-http-charset", "/charset/utf-8/latin1_undeclared.xml", S.LENIENT, 200),
    ("undefined-html-entities", "/feeds/entities.xml", S.LENIENT, 200),
    ("html-in-titles", "/feeds/html_titles.xml", S.OK, 200),
    ("missing-dates", "/feeds/no_dates.xml", S.OK, 200),
    ("duplicate-guids", "/feeds/duplicate_guids.xml", S.OK, 200),
    ("entries-without-links", "/feeds/no_links.xml", S.OK, 200),
    ("empty-feed", "/feeds/empty.xml", S.EMPTY, 200),
    ("html-page", "/feeds/not_a_feed.html", S.NOT_A_FEED, 200),
    ("xml-not-a-feed", "/feeds/not_a_feed_xml.xml", S.NOT_A_FEED, 200),
    ("json-not-a-feed", "/feeds/not_a_feed.json", S.NOT_A_FEED, 200),
    ("zero-bytes", "/feeds/zero_bytes.xml", S.NOT_A_FEED, 200),
    ("binary-garbage", "/feeds/garbage.txt", S.NOT_A_FEED, 200),
]


@pytest.mark.parametrize(("path", "status", "http_status"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_every_bad_case_ends_in_a_recorded_health_status(feed_server, path, status, http_status):
    feed = FeedFactory(url=feed_server.url(path))
    ingest(feed)
    assert feed.last_status == status
    assert feed.last_http_status == http_status
    assert feed.last_fetched_at is not None
    assert feed.next_fetch_at > timezone.now()
    if status in Feed.HEALTHY:
        assert feed.consecutive_failures == 0
    else:
        assert feed.consecutive_failures == 1 and feed.last_error
        assert not SourceArticle.objects.exists()


def test_connection_refused_is_a_network_error_and_asks_for_a_retry(db):
    feed = FeedFactory(url="http://127.0.0.1:9/feed.xml")
    with pytest.raises(FeedUnreachable):
        feed_ingest(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.last_status == S.NETWORK_ERROR and feed.consecutive_failures == 1


def test_a_timeout_asks_for_a_retry_but_an_http_error_does_not(feed_server):
    slow, missing = FeedFactory(url=feed_server.url("/slow/2/rss20.xml")), FeedFactory(url=feed_server.url("/status/404"))
    with pytest.raises(FeedUnreachable):
        feed_ingest(feed_id=slow.pk)
    assert feed_ingest(feed_id=missing.pk).status == S.HTTP_ERROR


@pytest.mark.parametrize(
    ("name", "count", "parser"),
    [
        ("rss091.xml", 2, FAST),
        ("rss092.xml", 1, FAST),
        ("rss10.rdf", 2, FAST),
        ("rss20.xml", 3, FAST),
        ("atom.atom", 2, FAST),
        ("jsonfeed.json", 2, FAST),
        # The fast parser skips RSS 0.90 items; fewer entries than <item>s sends it to feedparser.
        ("rss090.rdf", 2, LENIENT),
    ],
)
def test_good_feeds_of_every_format_are_read_whole(feed_server, name, count, parser):
    feed = FeedFactory(url=feed_server.url(f"/feeds/{name}"))
    result = feed_ingest(feed_id=feed.pk)
    feed.refresh_from_db()
    assert (result.status, result.parser, result.new) == (S.OK, parser, count)
    assert feed.items_seen == count and feed.articles_added == count
    assert SourceArticle.objects.filter(feed=feed).count() == count


@pytest.mark.parametrize("name", ["rss090.rdf", "rss091.xml", "rss092.xml", "rss10.rdf", "rss20.xml", "atom.atom"])
def test_our_parse_loses_no_character_against_feedparser(name):
    import feedparser

    body = (FEEDS_DIR / name).read_bytes()
    ours = [(e.title, e.link, e.published) for e in feed_parse(body=body).entries]
    reference = [
        (
            e.get("title"),
            e.get("link"),
            datetime(*e.published_parsed[:6], tzinfo=UTC)
            if e.get("published_parsed")
            else datetime(*e.updated_parsed[:6], tzinfo=UTC)
            if e.get("updated_parsed")
            else None,
        )
        for e in feedparser.parse(body).entries
    ]
    assert ours == reference


def test_a_bare_ampersand_survives_where_the_fast_parser_alone_drops_it(feed_server):
    body = (FEEDS_DIR / "bare_ampersand.xml").read_bytes()
    assert fastfeedparser.parse(body).entries[0].title != "Tom & Jerry return to Lima"  # why we fall back

    feed = FeedFactory(url=feed_server.url("/feeds/bare_ampersand.xml"))
    assert feed_ingest(feed_id=feed.pk).parser == LENIENT
    article = SourceArticle.objects.get(feed=feed)
    assert article.title == "Tom & Jerry return to Lima"
    assert article.summary == "Salt & pepper"


def test_latin1_without_a_declaration_is_read_correctly(feed_server):
    body = (FEEDS_DIR / "latin1_undeclared.xml").read_bytes()
    assert "Café" not in fastfeedparser.parse(body).entries[0].title  # garbled by the fast parser alone

    feed = FeedFactory(url=feed_server.url("/feeds/latin1_undeclared.xml"))
    assert feed_ingest(feed_id=feed.pk).parser == LENIENT
    article = SourceArticle.objects.get(feed=feed)
    assert article.title == "Café in São Paulo: Perú and México talk"
    assert article.summary == "Niño, señor, façade"


def test_the_http_charset_keeps_latin1_on_the_fast_path(feed_server):
    feed = FeedFactory(url=feed_server.url("/charset/iso-8859-1/latin1_undeclared.xml"))
    result = feed_ingest(feed_id=feed.pk)
    assert (result.status, result.parser) == (S.OK, FAST)
    assert SourceArticle.objects.get(feed=feed).title == "Café in São Paulo: Perú and México talk"


def test_entries_are_normalised(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    feed_ingest(feed_id=feed.pk)
    first = SourceArticle.objects.get(guid="times-1001")
    assert first.url == "https://times.example.com/world/peru-mexico-ties?id=42"
    assert first.published_at == datetime(2025, 11, 4, 13, 30, tzinfo=UTC)
    assert first.language == "en-gb"
    assert SourceArticle.objects.get(guid="times-1002").url == "https://times.example.com/business/peruvian-exports"
    third = SourceArticle.objects.get(guid="times-1003")
    assert third.url == "https://times.example.com/world/peru-congress"
    assert third.summary == "Legislators in LIMA met late into the night."


def test_html_and_entities_become_plain_text(feed_server):
    FeedFactory(url=feed_server.url("/feeds/html_titles.xml"))
    FeedFactory(url=feed_server.url("/feeds/entities.xml"))
    for feed in Feed.objects.all():
        feed_ingest(feed_id=feed.pk)
    titles = dict(SourceArticle.objects.values_list("guid", "title"))
    assert titles["html-1"] == "Breaking: talks collapse & resume"
    assert titles["html-2"] == "CDATA headline & more"
    assert titles["ent-1"] == "Café owners protest – “enough”"
    assert titles["ent-2"] == "Numeric été & double-escaped <tag>"
    assert SourceArticle.objects.get(guid="html-1").summary == "Para graph"  # script dropped with its contents


def test_duplicates_in_one_feed_are_stored_once(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/duplicate_guids.xml"))
    result = feed_ingest(feed_id=feed.pk)
    assert result.new == 2
    assert sorted(SourceArticle.objects.values_list("url", flat=True)) == [
        "https://dup.example.com/a",
        "https://dup.example.com/b",
    ]


def test_missing_dates_are_stored_empty(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/no_dates.xml"))
    feed_ingest(feed_id=feed.pk)
    assert list(SourceArticle.objects.values_list("published_at", flat=True)) == [None, None]


def test_entries_without_a_usable_link_are_skipped_and_said(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/no_links.xml"))
    result = feed_ingest(feed_id=feed.pk)
    feed.refresh_from_db()
    assert (result.new, result.skipped) == (1, 2)
    assert "2 entries without a usable link skipped" in feed.last_error


def test_a_304_writes_nothing_but_the_feeds_health(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    feed_ingest(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.etag
    with CaptureQueriesContext(connection) as queries:
        result = feed_ingest(feed_id=feed.pk)
    assert result.status == S.NOT_MODIFIED
    assert article_writes(queries.captured_queries) == []
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and "sources_feed" in writes[0]
    path, headers = feed_server.requests[-1]
    assert headers["If-None-Match"] == feed.etag
    assert headers["User-Agent"].startswith("Newsroom-FeedFetcher/")


def test_a_rerun_without_conditional_get_adds_and_writes_nothing(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    feed_ingest(feed_id=feed.pk)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    with CaptureQueriesContext(connection) as queries:
        result = feed_ingest(feed_id=feed.pk)
    assert (result.status, result.new, result.unchanged) == (S.OK, 0, 3)
    assert article_writes(queries.captured_queries) == []
    assert SourceArticle.objects.count() == 3


def _rss(title: str, link: str = "https://upd.example.com/story", guid: str = "upd-1") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>U</title>'
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid></item></channel></rss>"
    ).encode()


def test_an_updated_entry_updates_its_row_in_place(feed_server):
    url = feed_server.set("/set/updated.xml", _rss("Draft headline"))
    feed = FeedFactory(url=url)
    feed_ingest(feed_id=feed.pk)
    article = SourceArticle.objects.get()
    feed_server.set("/set/updated.xml", _rss("Corrected headline", link="https://upd.example.com/story-v2"))
    result = feed_ingest(feed_id=feed.pk)
    assert (result.new, result.updated) == (0, 1)
    article.refresh_from_db()
    assert (article.title, article.url) == ("Corrected headline", "https://upd.example.com/story-v2")
    assert SourceArticle.objects.count() == 1


def test_the_same_article_in_two_feeds_of_one_outlet_is_one_row(feed_server):
    outlet = OutletFactory()
    a_url = feed_server.set("/set/a.xml", _rss("Shared", link="https://o.example.com/s?utm_source=a", guid="a-1"))
    b_url = feed_server.set("/set/b.xml", _rss("Shared", link="https://o.example.com/s?utm_source=b", guid="b-9"))
    a, b = FeedFactory(outlet=outlet, url=a_url), FeedFactory(outlet=outlet, url=b_url)
    feed_ingest(feed_id=a.pk)
    assert feed_ingest(feed_id=b.pk).new == 0
    assert SourceArticle.objects.filter(outlet=outlet).count() == 1
    other_outlet_feed = FeedFactory(url=feed_server.set("/set/c.xml", _rss("Shared", link="https://o.example.com/s")))
    assert feed_ingest(feed_id=other_outlet_feed.pk).new == 1


def test_new_articles_are_matched_to_topics(feed_server):
    peru = TopicFactory(name="Peru")
    mexico = TopicFactory(name="Mexico")
    sheinbaum = TopicFactory(name="Claudia Sheinbaum", kind="person", aliases="Sheinbaum\n")
    TopicFactory(name="Chile")
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    feed_ingest(feed_id=feed.pk)
    topics = {
        guid: set(SourceArticle.objects.get(guid=guid).topics.values_list("pk", flat=True))
        for guid in ("times-1001", "times-1002", "times-1003")
    }
    assert topics["times-1001"] == {peru.pk, mexico.pk, sheinbaum.pk}
    assert topics["times-1002"] == {peru.pk}  # “Peruvian”: the country's adjective
    assert topics["times-1003"] == {peru.pk}  # “Perú’s”: accent and apostrophe
    matched_as = dict(ArticleTopic.objects.filter(article__guid="times-1001").values_list("topic__name", "matched_as"))
    assert matched_as == {"Peru": "Peru", "Mexico": "Mexico", "Claudia Sheinbaum": "Claudia Sheinbaum"}


def _rss_items(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><description>{summary}</description>"
        f"<link>https://ctx.example.com/{i}</link><guid>ctx-{i}</guid></item>"
        for i, (title, summary) in enumerate(items)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>C</title>{entries}</channel></rss>'.encode()


def test_matching_knows_context_through_the_whole_pipeline(feed_server):
    """Longest match, adjectives, surnames in context, namesakes, common words and HTML, as ingestion stores them."""
    mexico = TopicFactory(name="Mexico", kind="country")
    peru = TopicFactory(name="Peru", kind="country")
    new_mexico = TopicFactory(name="New Mexico", kind="place")
    chavez = TopicFactory(
        name="Betssy Chávez",
        kind="person",
        aliases="Betssy Chavez",
        context="Caracas Convention",
        description="Betssy Chávez is a Peruvian lawyer who was prime minister of Peru in 2022.",
    )
    apple = TopicFactory(
        name="Apple", kind="organisation", description="Apple Inc. is a technology company that makes the iPhone."
    )
    items = [
        ("Snow in New Mexico", "Roads near Santa Fe are closed."),
        ("Mexican peso slides", "Investors sold the currency."),
        ("Chavez invokes the Caracas Convention", "Her lawyers asked for safe conduct."),
        ("Hugo Chávez remembered", "Supporters of the late leader of Venezuela gathered; Chávez died in 2013."),
        ("Chavez homers twice", "The outfielder's shot sealed the win."),
        ("Apple prices soar after poor harvest", "Orchards lost a third of their crop."),
        ("Apple unveils a thinner iPhone", "The company showed the model."),
        ("&lt;b&gt;PER&#218;&lt;/b&gt; recalls envoy", "&lt;p&gt;The envoy returns.&lt;/p&gt;"),
    ]
    feed = FeedFactory(url=feed_server.set("/set/context.xml", _rss_items(items)))
    assert feed_ingest(feed_id=feed.pk).new == len(items)
    found = {
        guid: dict(ArticleTopic.objects.filter(article__guid=guid).values_list("topic_id", "matched_as"))
        for guid in (f"ctx-{i}" for i in range(len(items)))
    }
    assert found["ctx-0"] == {new_mexico.pk: "New Mexico"}  # not Mexico
    assert found["ctx-1"] == {mexico.pk: "Mexican"}
    assert found["ctx-2"] == {chavez.pk: "Chávez"}  # her surname, with her context
    assert found["ctx-3"] == {}  # another Chávez
    assert found["ctx-4"] == {}  # no context: not her
    assert found["ctx-5"] == {}  # the fruit
    assert found["ctx-6"] == {apple.pk: "Apple"}
    assert found["ctx-7"] == {peru.pk: "Peru"}  # capitals, accent, HTML and entities


def test_a_removed_match_is_never_added_back(feed_server):
    peru = TopicFactory(name="Peru")
    url = feed_server.set("/set/removed.xml", _rss("Peru votes"))
    feed = FeedFactory(url=url)
    feed_ingest(feed_id=feed.pk)
    link = ArticleTopic.objects.get(topic=peru)
    link.status = ArticleTopic.Status.REMOVED
    link.save()
    feed_server.set("/set/removed.xml", _rss("Peru votes again"))
    assert feed_ingest(feed_id=feed.pk).updated == 1
    assert ArticleTopic.objects.get(topic=peru).status == ArticleTopic.Status.REMOVED


def test_a_feed_being_fetched_is_not_fetched_again(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss091.xml"))
    cache.add(_lock_key(feed.pk), "another-worker", 60)
    before = len(feed_server.requests)
    assert feed_ingest(feed_id=feed.pk).status == "locked"
    assert len(feed_server.requests) == before
    cache.delete(_lock_key(feed.pk))
    assert feed_ingest(feed_id=feed.pk).status == S.OK


def test_failures_back_off_exponentially_up_to_a_cap(feed_server, settings):
    settings.FEED_BACKOFF_MAX = timedelta(hours=2)
    feed = FeedFactory(url=feed_server.url("/status/503"), fetch_interval=timedelta(minutes=10))
    delays = []
    for _ in range(6):
        ingest(feed)
        delays.append(round((feed.next_fetch_at - feed.last_fetched_at).total_seconds() / 60))
    assert delays == [20, 40, 80, 120, 120, 120]
    assert feed.consecutive_failures == 6
    feed_server.set("/status/503", (FEEDS_DIR / "rss091.xml").read_bytes())
    ingest(feed)
    assert feed.consecutive_failures == 0 and feed.last_error == ""
    assert round((feed.next_fetch_at - feed.last_fetched_at).total_seconds() / 60) == 10
    del feed_server.dynamic["/status/503"]


def test_a_feed_silent_too_long_is_flagged_quiet(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss092.xml"), quiet_after=timedelta(hours=1))
    ingest(feed)
    assert not feed.is_quiet
    Feed.objects.filter(pk=feed.pk).update(last_new_article_at=timezone.now() - timedelta(hours=2))
    ingest(feed)  # 304
    assert feed.last_status == S.NOT_MODIFIED and feed.is_quiet


def test_duplicates_across_batches_are_stored_once(db):
    feed = FeedFactory()
    raws = [RawEntry(guid=f"g{i % 3}", link=f"https://b.example.com/{i % 3}", title=f"T{i % 3}") for i in range(7)]
    stats = articles_upsert(feed=feed, entries=[entry_normalise(raw) for raw in raws], batch_size=2)
    assert (stats.new, stats.unchanged) == (3, 4)
    assert SourceArticle.objects.count() == 3


# --- No server-side request forgery: private addresses are refused on every hop.


def _paths(feed_server, since: int) -> list[str]:
    return [path for path, _ in feed_server.requests[since:]]


PRIVATE_HOSTS = ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.1", "192.168.1.1"]


@pytest.mark.parametrize("host", PRIVATE_HOSTS)
def test_a_feed_on_a_private_address_is_refused_without_a_request(settings, feed_server, host):
    settings.FEED_ALLOW_PRIVATE_HOSTS = False
    port = feed_server.server_address[1]
    feed = FeedFactory(url=f"http://{host}:{port}/feeds/rss20.xml")
    before = len(feed_server.requests)
    result = ingest(feed)
    assert result.status == S.BLOCKED
    assert feed.last_status == S.BLOCKED and feed.consecutive_failures == 1
    assert "not a public address" in feed.last_error and "FEED_ALLOW_PRIVATE_HOSTS" in feed.last_error
    assert _paths(feed_server, before) == []
    assert SourceArticle.objects.count() == 0


def test_a_redirect_to_a_private_address_is_refused_before_it_is_followed(settings, feed_server):
    settings.FEED_ALLOW_PRIVATE_HOSTS = False
    settings.FEED_PRIVATE_HOSTS_ALLOWED = ["localhost"]  # the first hop only: an allowed intranet host
    port = feed_server.server_address[1]
    feed_server.set("/to-metadata", b"", status=302, headers={"Location": f"http://127.0.0.1:{port}/feeds/rss20.xml"})
    feed = FeedFactory(url=f"http://localhost:{port}/to-metadata")
    before = len(feed_server.requests)
    result = ingest(feed)
    assert result.status == S.BLOCKED and feed.last_status == S.BLOCKED
    assert f"127.0.0.1:{port}/feeds/rss20.xml" in feed.last_error
    assert _paths(feed_server, before) == ["/to-metadata"]  # the redirect's target was never asked
    assert SourceArticle.objects.count() == 0


def test_a_dns_answer_that_turns_private_after_the_check_is_refused_at_connect(settings, feed_server, monkeypatch):
    """DNS rebinding: the name first resolves to a public address, then (at connect) to loopback."""
    from newsroom import public_http
    from sources.ingest import fetch

    settings.FEED_ALLOW_PRIVATE_HOSTS = False
    answers = iter(["93.184.216.34"])  # the attacker's first answer; every later one is loopback

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port))]

    monkeypatch.setattr(public_http, "socket", SimpleNamespace(getaddrinfo=resolve, SOCK_STREAM=socket.SOCK_STREAM))
    monkeypatch.setattr(fetch._local, "client", None, raising=False)  # no kept-alive connection to reuse
    # "localhost" is what the machine's own resolver answers at connect time: the rebound address.
    feed = FeedFactory(url=f"http://localhost:{feed_server.server_address[1]}/feeds/rss20.xml")
    before = len(feed_server.requests)
    result = ingest(feed)
    assert result.status == S.BLOCKED and "resolves to 127.0.0.1" in feed.last_error
    assert _paths(feed_server, before) == []
    assert SourceArticle.objects.count() == 0


def test_an_allowed_intranet_host_is_fetched(settings, feed_server):
    settings.FEED_ALLOW_PRIVATE_HOSTS = False
    settings.FEED_PRIVATE_HOSTS_ALLOWED = ["localhost"]
    feed = FeedFactory(url=f"http://localhost:{feed_server.server_address[1]}/feeds/rss20.xml")
    assert ingest(feed).status == S.OK and feed.articles_added == 3


def test_matching_again_with_the_event_as_context_adds_only_what_it_supports():
    """What the clustering step does: the article's event supports a surname; stored links stay as they are."""
    from sources.ingest import article_topics_match
    from tests.factories import SourceArticleFactory

    chavez = TopicFactory(name="Betssy Chávez", kind="person", description="A Peruvian former prime minister.")
    peru = TopicFactory(name="Peru", kind="country")
    article = SourceArticleFactory(title="Chávez's lawyers file new petition", summary="The court ignored her rights.")
    assert article_topics_match(articles=[article]) == 0
    event = ["Mexico grants asylum to Betssy Chávez | Peru breaks off relations."]
    assert article_topics_match(articles=[article], contexts={article.pk: event}) == 1
    assert dict(ArticleTopic.objects.filter(article=article).values_list("topic_id", "matched_as")) == {chavez.pk: "Chávez"}
    assert not ArticleTopic.objects.filter(topic=peru).exists()  # the event names Peru; the article does not
    assert article_topics_match(articles=[article], contexts={article.pk: event}) == 1  # again: no second link
    assert ArticleTopic.objects.filter(article=article).count() == 1
