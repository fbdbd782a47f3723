"""Content coding of API responses: br or gzip by Accept-Encoding, compressed once, Vary and ETags per coding."""

import gzip

import brotli
import pytest
from django.core.cache import cache

from newsroom.encoding import MIN_SIZE, coding_negotiate
from tests.factories import build_story

pytestmark = pytest.mark.django_db

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_ANON = ""


@pytest.fixture
def urls():
    stories = [build_story(blocks=4, citations=2, topics=2, questions=1) for _ in range(3)]
    return [
        "/api/v1/stories/?page_size=100",
        f"/api/v1/stories/{stories[0].live_slug}/",
        f"/api/v1/stories/{stories[0].live_slug}/ninjs/",
        f"/api/v1/topics/{stories[0].live_topics.first().slug}/",
        "/api/v1/sync/?since=0",
    ]


def _vary(response) -> set[str]:
    return {name.strip().lower() for name in response["Vary"].split(",")}


def _get(client, url, coding=None, **headers):
    if coding:
        headers["Accept-Encoding"] = coding
    return client.get(url, headers=headers)


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_compressed_body_decodes_to_exactly_the_plain_one(client, urls, coding):
    for url in urls:
        plain = _get(client, url)
        coded = _get(client, url, f"{coding}, identity;q=0.5")
        assert "Content-Encoding" not in plain and len(plain.content) >= MIN_SIZE, url
        assert coded["Content-Encoding"] == coding, url
        assert DECODE[coding](coded.content) == plain.content, url
        assert len(coded.content) < len(plain.content) / 2, url
        assert int(coded["Content-Length"]) == len(coded.content)


def test_the_preferred_coding_is_chosen_and_no_header_gets_identity(client, urls):
    url = urls[1]
    assert "Content-Encoding" not in _get(client, url)
    assert _get(client, url, "gzip, deflate, br")["Content-Encoding"] == "br"
    assert _get(client, url, "gzip, br;q=0.5")["Content-Encoding"] == "gzip"
    assert _get(client, url, "*")["Content-Encoding"] == "br"
    assert "Content-Encoding" not in _get(client, url, "gzip;q=0, deflate")


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("", "identity"),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("GZIP;Q=1.0, br;q=0.9", "gzip"),
        ("br;q=0, *;q=0.1", "gzip"),
        ("*;q=0", "identity"),
        ("deflate, compress", "identity"),
        ("gzip;q=bad", "identity"),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(header, coding):
    assert coding_negotiate(header) == coding


def test_every_coding_has_its_own_etag_and_its_304(client, urls):
    url = urls[1]
    etags = {coding: _get(client, url, coding)["ETag"] for coding in ("identity", "gzip", "br")}
    assert len(set(etags.values())) == 3 and all(tag.startswith('W/"') for tag in etags.values())
    for coding, etag in etags.items():
        not_modified = _get(client, url, coding, **{"If-None-Match": etag})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert "Content-Encoding" not in not_modified and not_modified["ETag"] == etag
        assert "accept-encoding" in _vary(not_modified)
    # A copy of another coding is not this one: the body comes, in the coding asked for.
    other = _get(client, url, "gzip", **{"If-None-Match": etags["identity"]})
    assert other.status_code == 200 and other["Content-Encoding"] == "gzip"


def test_vary_names_accept_encoding_beside_origin(client, settings, urls):
    # Cookie: signed-in users get other (private) responses; Origin: CORS (django-cors-headers).
    assert _vary(_get(client, urls[0], "gzip")) == {"accept-encoding", "origin"}
    assert _vary(_get(client, urls[0])) == {"accept-encoding", "origin"}  # a plain body varies too
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = _get(client, urls[0], "br", Origin="https://app.example.com")
    assert _vary(response) == {"accept-encoding", "origin"}
    assert response["Content-Encoding"] == "br" and response["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_a_small_body_is_sent_as_it_is(client):
    response = _get(client, "/api/v1/questions/", "br, gzip")  # no question: {"next":null,...,"results":[]}
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert response.json() == {"next": None, "next_cursor": None, "results": []}
    assert "accept-encoding" in _vary(response)
    again = _get(client, "/api/v1/questions/", "br, gzip")  # from the response cache: still plain
    assert "Content-Encoding" not in again and again.content == response.content


def test_head_gets_the_headers_of_get_and_no_body(client, urls):
    url = urls[1]
    got = _get(client, url, "gzip")
    head = client.head(url, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.content == b""
    for name in ("Content-Encoding", "Content-Length", "ETag", "Vary", "Content-Type"):
        assert head[name] == got[name], name


def test_a_cached_compressed_hit_is_sent_as_stored_not_compressed_again(client, urls, django_assert_num_queries):
    url = urls[0]
    first = _get(client, url, "gzip")
    tag = first["ETag"].removeprefix('W/"').removesuffix('-gzip"')
    stored = cache.get(f"api:response:{tag}:gzip")
    assert stored == first.content  # the response cache holds the compressed bytes that were sent
    # Put other bytes of the same body there (another level): a hit sends exactly them, so it compressed nothing.
    marked = gzip.compress(gzip.decompress(stored), compresslevel=1, mtime=1)
    assert marked != stored
    cache.set(f"api:response:{tag}:gzip", marked)
    with django_assert_num_queries(1):  # the fingerprint only: no content query
        hit = _get(client, url, "gzip")
    assert hit.content == marked and hit["Content-Encoding"] == "gzip" and hit["ETag"] == first["ETag"]


def test_another_coding_of_a_cached_body_needs_no_content_query(client, urls, django_assert_num_queries):
    url = urls[1]
    plain = _get(client, url)
    with django_assert_num_queries(1):  # the plain body is in the cache: br is made from it, and kept
        coded = _get(client, url, "br")
    assert brotli.decompress(coded.content) == plain.content
    tag = coded["ETag"].removeprefix('W/"').removesuffix('-br"')
    assert cache.get(f"api:response:{tag}:br") == coded.content


def test_signed_in_users_get_the_same_compressed_public_responses(client, django_user_model, urls):
    client.force_login(django_user_model.objects.create_user("editor", password="x-pass-123"))
    response = _get(client, urls[1], "gzip")
    assert response["Content-Encoding"] == "gzip" and "public" in response["Cache-Control"]
    assert gzip.decompress(response.content) == _get(client, urls[1]).content
