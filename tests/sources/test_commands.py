"""manage.py import_opml and manage.py ingest."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sources.models import Feed, Outlet, SourceArticle
from tests.factories import FeedFactory, OutletFactory

pytestmark = pytest.mark.django_db

OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head><title>Wires</title></head>
  <body>
    <outline text="World">
      <outline type="rss" text="BBC News - World" title="BBC News - World"
               xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml" htmlUrl="https://www.bbc.co.uk/news/world"/>
      <outline type="rss" text="BBC News - Business" xmlUrl="https://feeds.bbci.co.uk/news/business/rss.xml"
               htmlUrl="https://www.bbc.co.uk/news/business"/>
      <outline type="rss" text="Al Jazeera" xmlUrl="https://www.aljazeera.com/xml/rss/all.xml"/>
      <outline type="rss" text="Reuters | Americas" xmlUrl="https://example.com/reuters-americas.xml"
               htmlUrl="https://www.reuters.com/world/americas/"/>
      <outline type="rss" text="Broken" xmlUrl="javascript:alert(1)"/>
    </outline>
  </body>
</opml>
"""


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_opml_creates_outlets_by_site_and_feeds(tmp_path):
    existing = OutletFactory(name="Reuters", slug="reuters", homepage="https://www.reuters.com/")
    path = tmp_path / "wires.opml"
    path.write_bytes(OPML)
    out = run("import_opml", str(path))
    assert "4 feeds added, 0 already present, 2 outlets created." in out
    assert "skipped (not an http(s) URL): javascript:alert(1)" in out
    bbc = Outlet.objects.get(name="BBC News")
    assert bbc.homepage == "https://www.bbc.co.uk/news/world"
    assert sorted(bbc.feeds.values_list("title", flat=True)) == ["Business", "World"]
    assert Outlet.objects.get(name="Al Jazeera").feeds.get().url == "https://www.aljazeera.com/xml/rss/all.xml"
    assert existing.feeds.get().title == "Americas"

    again = run("import_opml", str(path))
    assert "0 feeds added, 4 already present, 0 outlets created." in again
    assert Feed.objects.count() == 4


def test_outlets_created_by_an_opml_import_reach_api_sync(tmp_path, client, settings):
    path = tmp_path / "wires.opml"
    path.write_bytes(OPML)
    run("import_opml", str(path))
    changes = client.get("/api/v1/sync/", {"since": 0}).json()["changes"]
    synced = {c["data"]["name"] for c in changes if c["kind"] == "outlet" and c["action"] == "upsert"}
    assert synced == {"BBC News", "Al Jazeera", "Reuters"}


def test_import_opml_refuses_a_file_that_is_not_opml(tmp_path):
    path = tmp_path / "x.opml"
    path.write_bytes(b"<html><body>hi</body></html>")
    with pytest.raises(CommandError, match="not <opml>"):
        run("import_opml", str(path))


def test_ingest_runs_the_pipeline_with_a_progress_line_per_feed(feed_server):
    outlet = OutletFactory(slug="times")
    good = FeedFactory(outlet=outlet, url=feed_server.url("/feeds/rss20.xml"))
    FeedFactory(outlet=outlet, url=feed_server.url("/status/500"))
    FeedFactory(url=feed_server.url("/feeds/atom.atom"))  # another outlet's
    out = run("ingest", "--outlet", "times")
    assert "[###############...............] 1/2" in out
    assert "2 feeds: 1 http_error, 1 ok; 3 new articles, 0 updated." in out
    assert SourceArticle.objects.filter(feed=good).count() == 3
    assert "1 feeds: 1 not_modified" in run("ingest", "--feed", str(good.pk))


def test_ingest_refuses_an_unknown_feed(db):
    with pytest.raises(CommandError, match="no feed with id 999"):
        run("ingest", "--feed", "999")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'<opml version="2.0"><body><outline text="World"/></body></opml>', "no feed to import"),
        (
            b'<opml><body><outline xmlUrl="javascript:alert(1)"/><outline xmlUrl="https://exa mple.com/f"/></body></opml>',
            r"no feed to import.*\(2 not a valid http\(s\) URL\)",
        ),
        (
            b'<opml><body><outline xmlUrl="https://a.example/f"/><!--' + b"x" * (5 << 20) + b"--></body></opml>",
            "larger than 5,242,880 bytes",
        ),
    ],
    ids=["no-xmlurl", "no-valid-url", "too-large"],
)
def test_import_opml_refuses_a_file_with_nothing_to_import_and_creates_nothing(tmp_path, body, message):
    path = tmp_path / "feeds.opml"
    path.write_bytes(body)
    with pytest.raises(CommandError, match=message):
        run("import_opml", str(path))
    assert not Outlet.objects.exists() and not Feed.objects.exists()
