"""Normalisation: canonical URLs, plain text, UTC times, language, digests."""

from datetime import UTC, datetime

import pytest

from sources.ingest import entry_normalise, text_plain, url_canonical
from sources.ingest.parse import NotAFeed, RawEntry, feed_parse


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM:80/a/b?utm_medium=x&id=3&fbclid=zz#frag", "http://example.com/a/b?id=3"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/x?UTM_Source=a&gclid=1&mc_cid=2&_ga=3&ref_src=tw", "https://example.com/x"),
        ("https://example.com/x?q=a+b&page=2&utm_content=c", "https://example.com/x?q=a+b&page=2"),
        ("https://example.com/x?feature=share&v=abc", "https://example.com/x?feature=share&v=abc"),
        ("/relative/path?utm_source=a", "https://site.example.com/relative/path"),
        ("javascript:alert(1)", ""),
        ("mailto:desk@example.com", ""),
        ("https://[::1]:99999/", ""),
        ("", ""),
        ("https://example.com/" + "a" * 1000, ""),
    ],
)
def test_canonical_urls(url, canonical):
    assert url_canonical(url, base="https://site.example.com/feed.xml") == canonical


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("Plain title", "Plain title"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("<p>One</p><p>Two</p>", "One Two"),
        ("a < b and c > d", "a < b and c > d"),
        ("<b>Bold</b> &eacute;t&eacute;<script>alert(1)</script>", "Bold été"),
        ("  many\n\n  spaces\t", "many spaces"),
        ("<!-- comment -->Text", "Text"),
        ("NUL\x00 and bell\x07 gone", "NUL and bell gone"),
    ],
)
def test_plain_text(value, plain):
    assert text_plain(value, limit=500) == plain


def test_long_text_is_cut_with_an_ellipsis():
    assert text_plain("word " * 100, limit=20) == "word word word word…"


def test_an_entry_gets_its_digest_from_what_the_feed_said():
    raw = RawEntry(
        guid="g",
        link="https://e.com/a?utm_source=x",
        title="T",
        summary="<p>S</p>",
        published=datetime(2025, 1, 1, tzinfo=UTC),
        language="EN_gb",
    )
    entry = entry_normalise(raw)
    assert (entry.url, entry.title, entry.summary, entry.language) == ("https://e.com/a", "T", "S", "en-gb")
    assert entry_normalise(raw).content_hash == entry.content_hash
    raw.title = "T2"
    assert entry_normalise(raw).content_hash != entry.content_hash


def test_an_entry_without_a_title_borrows_its_summary_and_one_without_a_link_its_guid():
    entry = entry_normalise(RawEntry(guid="https://e.com/p/1", summary="<p>Only a summary here.</p>"))
    assert (entry.url, entry.title) == ("https://e.com/p/1", "Only a summary here.")
    assert entry_normalise(RawEntry(guid="not-a-url", title="No link")) is None


def test_characters_no_text_column_can_hold_are_dropped():
    # PostgreSQL refuses NUL in text and psycopg cannot encode a lone surrogate: the batch would fail.
    raw = RawEntry(
        guid="id\x00-1", link="https://a.example/\x00x", title="Before\x00after\ud800", summary="x\x00y", language="e\x00n"
    )
    entry = entry_normalise(raw, feed_language="f\x00r")
    assert (entry.guid, entry.url, entry.title, entry.summary, entry.language) == (
        "id-1",
        "https://a.example/x",
        "Beforeafter",
        "xy",
        "en",
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [1, "x", null]}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["items-not-objects", "nested-100000-deep"],
)
def test_a_json_feed_of_the_wrong_shape_is_not_a_feed(body):
    with pytest.raises(NotAFeed):
        feed_parse(body=body, content_type="application/feed+json")


def test_json_feed_fields_of_the_wrong_types_are_read_as_empty():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": {"a": 1}, "url": 42, "title": [1]}]}'
    (entry,) = feed_parse(body=body, content_type="application/feed+json").entries
    assert (entry.guid, entry.link, entry.title) == ("", "", "")
    assert entry_normalise(entry) is None  # no usable link: skipped and said, as any such entry
