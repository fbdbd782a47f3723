"""HTTP behaviour of every endpoint: validators and 304s, Cache-Control, throttling, CORS, docs."""

import pytest
from django.utils.http import http_date

from tests.factories import CommonQuestionFactory, OutletFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls():
    story = build_story(topics=1, citations=1, questions=1)
    topic, outlet, question = story.live_topics.get(), story.live_outlets.get(), story.live_questions.get()
    return [
        "/api/v1/stories/",
        f"/api/v1/stories/{story.slug}/",
        f"/api/v1/stories/{story.slug}/ninjs/",
        "/api/v1/topics/",
        f"/api/v1/topics/{topic.slug}/",
        "/api/v1/questions/",
        f"/api/v1/questions/{question.slug}/",
        "/api/v1/outlets/",
        f"/api/v1/outlets/{outlet.slug}/",
        "/api/v1/sync/?since=0",
    ]


def test_every_get_has_validators_and_answers_304(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        etag, last_modified = response["ETag"], response["Last-Modified"]
        assert response["Cache-Control"] == "public, max-age=60"
        not_modified = client.get(url, headers={"If-None-Match": etag})
        assert not_modified.status_code == 304, url
        assert not_modified.content == b"" and not_modified["ETag"] == etag
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304, url


def test_a_publication_changes_the_lists_and_the_sync_feed_not_the_details_it_does_not_touch(client, urls):
    first = {url: client.get(url)["ETag"] for url in urls}
    build_story()  # shows none of the fixture's objects (per-object validators: test_validators.py)
    for url in urls:
        listing = url in {"/api/v1/stories/", "/api/v1/topics/", "/api/v1/questions/", "/api/v1/outlets/"} or "sync" in url
        # The question was made by its factory, not its service: the log never named it, so all content counts.
        expected = 200 if listing or url.startswith("/api/v1/questions/question-") else 304
        assert client.get(url, headers={"If-None-Match": first[url]}).status_code == expected, url


def test_an_outlet_edit_changes_the_validators(client):
    outlet = OutletFactory()
    etag = client.get("/api/v1/outlets/")["ETag"]
    outlet.name = "Renamed"
    outlet.save()
    response = client.get("/api/v1/outlets/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.json()["results"][0]["name"] == "Renamed"


def test_old_if_modified_since_gets_the_body(client, urls):
    response = client.get(urls[0], headers={"If-Modified-Since": http_date(0)})
    assert response.status_code == 200 and response.json()["results"]


def test_validators_differ_by_query(client, urls):
    assert client.get("/api/v1/stories/")["ETag"] != client.get("/api/v1/stories/?ordering=headline")["ETag"]


def test_a_signed_in_editor_gets_the_same_public_answer_and_the_api_sets_no_cookie(client, django_user_model):
    build_story()
    anonymous = client.get("/api/v1/stories/")
    client.force_login(django_user_model.objects.create_user("editor", password="x-pass-123"))
    signed_in = client.get("/api/v1/stories/")
    assert signed_in.content == anonymous.content and signed_in["ETag"] == anonymous["ETag"]
    assert "private" not in signed_in["Cache-Control"] and not signed_in.cookies  # no session read, none written
    assert "Content-Security-Policy" not in signed_in and signed_in["X-Content-Type-Options"] == "nosniff"


def test_the_docs_page_keeps_the_whole_middleware(client):
    assert "Content-Security-Policy" in client.get("/api/v1/docs/")  # an HTML page for people: the CSP applies


def test_anonymous_clients_are_throttled_with_retry_after(client, settings):
    settings.API_THROTTLE_ANON = "3/min"
    for _ in range(3):
        assert client.get("/api/v1/topics/").status_code == 200
    response = client.get("/api/v1/stories/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "detail" in response.json()


def test_throttle_can_be_switched_off(client, settings):
    settings.API_THROTTLE_ANON = ""
    for _ in range(5):
        assert client.get("/api/v1/topics/").status_code == 200


def test_cors_for_configured_web_clients(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    TopicFactory()
    allowed = client.get("/api/v1/topics/", headers={"Origin": "https://app.example.com"})
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "etag" in allowed["Access-Control-Expose-Headers"].lower()
    other = client.get("/api/v1/topics/", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and schema["ETag"]
    assert "/api/v1/stories/{slug}/" in schema.json()["paths"]
    assert client.get("/api/v1/schema/?format=json", headers={"If-None-Match": schema["ETag"]}).status_code == 304
    docs = client.get("/api/v1/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200 and "swagger-ui" in html
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()


def test_questions_list_only_published(client):
    published = CommonQuestionFactory()
    CommonQuestionFactory(status="draft")
    assert [q["slug"] for q in client.get("/api/v1/questions/").json()["results"]] == [published.slug]


def test_anonymous_bodies_are_cached_under_their_etag(client, urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        first = client.get(url)
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                again = client.get(url)
            if again["ETag"] == first["ETag"]:
                break
            # Only the sync feed's ETag names the log's horizon: another session's transaction that ends between
            # two requests moves it, and the page is computed afresh under its new ETag (then cached under it).
            assert url.startswith("/api/v1/sync/"), url
            first = again
        assert len(ctx.captured_queries) == 1, url  # the fingerprint only
        assert again.content == first.content and again["ETag"] == first["ETag"], url
    before = client.get("/api/v1/stories/").json()["results"]
    build_story(headline="Fresh")
    assert client.get("/api/v1/stories/").json()["results"][0]["headline"] == "Fresh"
    assert len(client.get("/api/v1/stories/").json()["results"]) == len(before) + 1


def test_response_cache_can_be_switched_off(client, settings, urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.API_RESPONSE_CACHE_SECONDS = 0
    client.get(urls[1])
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[1])
    assert len(ctx.captured_queries) == 1  # the fingerprint, with the story's kept body (references: per process)


def test_a_revalidation_reads_no_content_and_a_stale_one_reads_it_after(client, settings, urls):
    """The kept body rides in the fingerprint's statement only when the request cannot be a 304."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.API_RESPONSE_CACHE_SECONDS = 0
    etag = client.get(urls[1])["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(urls[1], HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(ctx.captured_queries) == 1 and "api_json" not in ctx.captured_queries[0]["sql"]  # no content
    with CaptureQueriesContext(connection) as ctx:
        stale = client.get(urls[1], HTTP_IF_NONE_MATCH='W/"not-this-one"')
    queries = [q["sql"] for q in ctx.captured_queries]  # before the next request resets the log
    assert len(queries) == 2 and "api_json" not in queries[0] and "api_json" in queries[1]
    assert stale.status_code == 200 and stale.content == client.get(urls[1]).content


def test_a_rotating_forwarded_for_header_gets_no_one_past_the_limit(client, settings):
    settings.API_THROTTLE_ANON = "3/min"
    settings.API_TRUSTED_PROXIES = 0  # no proxy of ours: the connection's address counts
    codes = [client.get("/api/v1/topics/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}").status_code
             for i in range(5)]  # fmt: skip
    assert codes == [200, 200, 200, 429, 429]


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(client, settings):
    settings.API_THROTTLE_ANON = "3/min"
    settings.API_TRUSTED_PROXIES = 1  # our load balancer at 10.0.0.2 appends the address it received from

    def get(client_address, spoof):
        forwarded = f"{spoof}, {client_address}"
        return client.get("/api/v1/topics/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [get("203.0.113.7", f"1.1.1.{i}") for i in range(4)] == [200, 200, 200, 429]
    assert get("203.0.113.8", "1.1.1.1") == 200  # another client behind the same proxy has its own count


def test_a_cors_preflight_allows_the_conditional_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = client.options(
        "/api/v1/stories/",
        headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "if-none-match"},
    )  # fmt: skip
    assert "if-none-match" in response["Access-Control-Allow-Headers"].lower()


def test_an_empty_cursor_is_the_first_page(client, settings):
    settings.API_THROTTLE_ANON = ""
    build_story()
    assert client.get("/api/v1/stories/?cursor=").json() == client.get("/api/v1/stories/").json()
    assert client.get("/api/v1/stories/?cursor=garbage").status_code == 400


def test_fields_on_a_detail_is_a_400_that_says_so(client, settings):
    settings.API_THROTTLE_ANON = ""
    story = build_story()
    response = client.get(f"/api/v1/stories/{story.live_slug}/?fields=headline")
    assert response.status_code == 400 and "Only lists take fields=" in response.json()["fields"][0]
    assert client.get("/api/v1/stories/?fields=headline").status_code == 200
