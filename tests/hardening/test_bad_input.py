"""The bad input corpus (tests/data/bad_input/): a clear 4xx or validation error every time, never a 500,
nothing stored half-way. Each case of each file is one test: adding a line adds a test."""

import gzip
import json
import re
from collections import Counter
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from faq.models import CommonQuestion, QuestionItem
from newsroom.portability import content_models
from sources.ingest import FeedUnreachable, feed_ingest
from sources.models import Feed, Outlet, SourceArticle
from stories.models import Story
from stories.workflow import story_publish
from tests.factories import (
    CommonQuestionFactory,
    FeedFactory,
    OutletFactory,
    QuestionItemFactory,
    StoryFactory,
    TopicFactory,
    build_story,
)
from tests.stories.test_admin import admin_form_data

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
BAD = DATA / "bad_input"

# --- reading the corpus -----------------------------------------------------

_TOKEN = re.compile(r"\{\{(?:(empty)|chr:(\d+)|repeat:(.*?):(\d+))\}\}")


def expand(text: str) -> str:
    """Write out the corpus tokens: {{empty}}, {{chr:N}}, {{repeat:TEXT:N}}."""

    def one(match):
        if match.group(1):
            return ""
        if match.group(2):
            return chr(int(match.group(2)))
        return match.group(3) * int(match.group(4))

    return _TOKEN.sub(one, text)


def _case_id(number: int, why: str) -> str:
    return f"{number}-{slugify(why)[:60] or 'case'}"


def text_cases(path: Path) -> list:
    """One case per line; a '# ' line before it says what it tries (and names the test)."""
    cases, why = [], ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# "):
            why = line[2:]
        elif line.strip():
            cases.append(pytest.param(expand(line), id=f"{path.stem}-{_case_id(number, why or line)}"))
            why = ""
    return cases


def json_cases(name: str) -> list:
    items = json.loads((BAD / name).read_text(encoding="utf-8"))
    return [pytest.param(item, id=_case_id(number, item["why"])) for number, item in enumerate(items, 1)]


def stored_counts() -> dict[str, int]:
    """Rows of every content model, and accounts: what "nothing stored" compares."""
    counts = {model._meta.label: model.objects.count() for model in content_models()}
    counts["auth.User"] = get_user_model().objects.count()
    return counts


# --- what a page must never gain from a payload ----------------------------

_RUNNABLE_TAGS = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "meta",
    "base",
    "link",
    "template",
    "img",
    "video",
    "audio",
    "input",
    "button",
    "textarea",
    "select",
}


_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}


class _Runnable(HTMLParser):
    """Counts what can run, load or restyle: tags, event handlers, style attributes, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = Counter()

    def handle_starttag(self, tag, attrs):
        if tag in _RUNNABLE_TAGS:
            self.found[f"<{tag}>"] += 1
        for name, value in attrs:
            compact = "".join(c for c in (value or "") if c > " ").lower()  # as browsers drop controls and spaces
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.found[f"{name}= on <{tag}>"] += 1
            if name in _URL_ATTRIBUTES and compact.startswith(("javascript:", "vbscript:", "data:")):
                self.found[f"script URL in {name} on <{tag}>"] += 1
            if tag == "meta" and name == "http-equiv":
                self.found["<meta http-equiv>"] += 1


def runnable(html: str) -> Counter:
    parser = _Runnable()
    parser.feed(html)
    parser.close()
    return parser.found


# --- rich text ---------------------------------------------------------------

RICH_TEXT = text_cases(DATA / "xss_payloads.txt") + text_cases(BAD / "rich_text.txt")


def _saved_or_refused(response, *, before: int, after: int) -> bool:
    """True when the form saved; else it must have shown an error and stored nothing."""
    if response.status_code == 302:
        return True
    assert response.status_code == 200, response.status_code
    assert response.context["errors"], "neither saved nor refused with a message"
    assert after == before, "a refused form stored a revision"
    return False


@pytest.mark.parametrize("payload", RICH_TEXT)
def test_rich_text_in_the_story_form_is_stored_and_shown_without_anything_runnable(client, editor, payload):
    outlet = OutletFactory()
    story = build_story(slug="hardened", headline="Calm headline", summary="Calm summary.")
    baseline = runnable(client.get("/story/hardened/").content.decode())
    search_baseline = runnable(client.get("/search/", {"q": "headline"}).content.decode())
    client.force_login(editor)
    url = f"/admin/stories/story/{story.pk}/change/"
    data = admin_form_data(client.get(url))
    data.update(
        {
            "headline": f"Headline {payload}"[:300],
            "summary": payload,
            "blocks-0-heading": payload[:200],
            "blocks-0-body": payload,
            "citations-TOTAL_FORMS": "1",
            "citations-0-position": "0",
            "citations-0-outlet": str(outlet.pk),
            "citations-0-url": "https://news.example.com/a",
            "citations-0-claim": payload[:600],
            "citations-0-quote": payload,
        }
    )
    revisions = story.revisions.count()
    response = client.post(url, data)
    story.refresh_from_db()
    if _saved_or_refused(response, before=revisions, after=story.revisions.count()):
        assert not any(runnable(body) for body in story.blocks.values_list("body", flat=True))
        story_publish(story=story, actor=editor)
    page = client.get("/story/hardened/").content.decode()
    assert page.count("<main") == 1 and page.count("</main>") == 1  # nothing broke out of the layout
    assert runnable(page) == baseline
    assert runnable(client.get("/search/", {"q": "headline"}).content.decode()) == search_baseline
    api = client.get("/api/v1/stories/hardened/").json()
    assert not any(runnable(block["html"]) for block in api["blocks"])


@pytest.mark.parametrize("payload", RICH_TEXT)
def test_rich_text_in_question_answers_is_stored_and_shown_without_anything_runnable(client, editor, payload):
    question = CommonQuestionFactory(slug="hardened", status=CommonQuestion.Status.PUBLISHED)
    QuestionItemFactory(common_question=question, question="Calm?", answer="<p>Calm.</p>")
    baseline = runnable(client.get("/answers/hardened/").content.decode())
    client.force_login(editor)
    url = f"/admin/faq/commonquestion/{question.pk}/change/"
    data = admin_form_data(client.get(url))
    data.update({"teaser": payload, "items-0-question": payload[:300], "items-0-answer": payload})
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: with a message, and nothing of it stored
        assert response.context["errors"]
        assert list(QuestionItem.objects.values_list("answer", flat=True)) == ["<p>Calm.</p>"]
    assert not any(runnable(answer) for answer in QuestionItem.objects.values_list("answer", flat=True))
    page = client.get("/answers/hardened/").content.decode()
    assert page.count("<main") == 1 and page.count("</main>") == 1
    assert runnable(page) == baseline


# --- slugs ---------------------------------------------------------------------

SLUGS = text_cases(BAD / "slugs.txt")

ADMIN_ADD_FORMS = {
    "/admin/stories/story/add/": {"headline": "A headline"},
    "/admin/topics/topic/add/": {"name": "A topic", "kind": "country"},
    "/admin/faq/commonquestion/add/": {"question": "A question?", "status": "draft"},
    "/admin/sources/outlet/add/": {"name": "An outlet"},
}

SLUG_ADDRESSES = [
    "/story/{}/",
    "/topics/{}/",
    "/topics/{}/rss/",
    "/answers/{}/",
    "/outlets/{}/",
    "/preview/{}/",
    "/api/v1/stories/{}/",
    "/api/v1/stories/{}/ninjs/",
    "/api/v1/topics/{}/",
    "/api/v1/questions/{}/",
    "/api/v1/outlets/{}/",
]


@pytest.mark.parametrize("slug", SLUGS)
def test_a_hostile_slug_is_refused_by_every_admin_form_and_stores_nothing(client, editor, slug):
    client.force_login(editor)
    for url, fields in ADMIN_ADD_FORMS.items():
        data = {**admin_form_data(client.get(url)), **fields, "slug": slug}
        before = stored_counts()
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert "slug" in response.context["adminform"].form.errors, url
        assert stored_counts() == before, url


@pytest.mark.parametrize("slug", SLUGS)
def test_a_hostile_slug_in_a_public_address_is_a_404(client, slug):
    build_story(slug="real-story")
    for address in SLUG_ADDRESSES:
        for encoded in {quote(slug, safe="/"), quote(slug, safe="")}:
            response = client.get(address.format(encoded))
            assert response.status_code == 404, (address, encoded)


# --- URLs ------------------------------------------------------------------------

URLS = text_cases(BAD / "urls.txt")


@pytest.mark.parametrize("url", URLS)
def test_a_hostile_url_in_a_citation_refuses_the_whole_story_save(client, editor, url):
    outlet = OutletFactory()
    story = build_story(slug="hardened", headline="Calm headline")
    client.force_login(editor)
    change = f"/admin/stories/story/{story.pk}/change/"
    data = admin_form_data(client.get(change))
    data.update(
        {
            "headline": "Changed headline",
            "blocks-0-body": "<p>Changed body.</p>",
            "citations-TOTAL_FORMS": "1",
            "citations-0-position": "0",
            "citations-0-outlet": str(outlet.pk),
            "citations-0-url": url,
            "citations-0-claim": "A claim.",
        }
    )
    before, version = stored_counts(), story.version
    response = client.post(change, data)
    assert response.status_code == 200 and response.context["errors"]
    story.refresh_from_db()
    assert (story.headline, story.version) == ("Calm headline", version)  # not the valid half either
    assert story.blocks.get().body != "<p>Changed body.</p>"
    assert stored_counts() == before


@pytest.mark.parametrize("url", URLS)
def test_a_hostile_url_is_refused_as_an_outlet_homepage_or_a_topic_link(client, editor, url):
    client.force_login(editor)
    forms = {
        "/admin/sources/outlet/add/": {"name": "An outlet", "slug": "an-outlet", "homepage": url},
        "/admin/topics/topic/add/": {"name": "A topic", "slug": "a-topic", "kind": "country", "external_url": url},
    }
    for address, fields in forms.items():
        before = stored_counts()
        response = client.post(address, {**admin_form_data(client.get(address)), **fields})
        assert response.status_code == 200 and response.context["errors"], address
        assert stored_counts() == before, address


# --- query strings -------------------------------------------------------------

QUERY_STRINGS = text_cases(BAD / "query_strings.txt")


@pytest.fixture
def site(db):
    """One of everything public: a live story with a topic, a cited outlet and a question."""
    topic, outlet = TopicFactory(slug="peru"), OutletFactory(slug="reuters")
    question = CommonQuestionFactory(slug="why", status=CommonQuestion.Status.PUBLISHED)
    QuestionItemFactory(common_question=question)
    story = StoryFactory(slug="peru-mexico", headline="Peru and Mexico")
    story.story_topics.create(topic=topic)
    story.story_questions.create(question=question)
    story.citations.create(outlet=outlet, url="https://news.example.com/1", claim="A claim.")
    story.blocks.create(kind="whats_happened", body="<p>Peru severed ties with Mexico.</p>")
    story_publish(story=story, actor=None)
    return {"story": story, "topic": topic, "outlet": outlet, "question": question}


PUBLIC_PAGES = [
    "/",
    "/search/",
    "/story/peru-mexico/",
    "/topics/peru/",
    "/topics/peru/rss/",
    "/topics/peru/atom/",
    "/answers/why/",
    "/outlets/reuters/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
    "/api/v1/stories/",
    "/api/v1/stories/peru-mexico/",
    "/api/v1/topics/",
    "/api/v1/questions/",
    "/api/v1/outlets/",
    "/api/v1/sync/",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/healthz",
]


@pytest.mark.parametrize("query_string", QUERY_STRINGS)
def test_every_public_page_answers_an_odd_query_string_without_a_500(client, site, query_string):
    raw = query_string.encode("utf-8").decode("latin-1")  # WSGI carries the bytes as latin-1
    for page in PUBLIC_PAGES:
        response = client.get(page, QUERY_STRING=raw)
        assert response.status_code in (200, 400, 404), (page, response.status_code)
        if response.get("Content-Type", "").startswith("text/html"):
            assert "<script>alert(1)" not in response.content.decode(), page


ADMIN_LISTS = [
    "/admin/stories/story/",
    "/admin/topics/topic/",
    "/admin/faq/commonquestion/",
    "/admin/sources/outlet/",
    "/admin/sources/feed/",
    "/admin/sources/sourcearticle/",
]


@pytest.mark.parametrize("query_string", QUERY_STRINGS)
def test_every_admin_list_answers_an_odd_query_string_without_a_500(client, editor, site, query_string):
    client.force_login(editor)
    raw = query_string.encode("utf-8").decode("latin-1")
    for page in ADMIN_LISTS:
        response = client.get(page, QUERY_STRING=raw)
        assert response.status_code in (200, 302, 400, 404), (page, response.status_code)


@pytest.mark.parametrize("case", json_cases("headers.json"))
def test_every_public_page_answers_odd_request_headers_without_a_500(client, site, case):
    meta = {f"HTTP_{name.upper().replace('-', '_')}": expand(value) for name, value in case["headers"].items()}
    for page in PUBLIC_PAGES:
        response = client.get(page, **meta)
        assert response.status_code in (200, 304, 400, 404, 406, 412, 416), (page, response.status_code)


# --- API parameters ------------------------------------------------------------


@pytest.mark.parametrize("case", json_cases("api_params.json"))
def test_a_bad_api_parameter_is_a_400_naming_it(client, site, case):
    for endpoint in case["endpoints"]:
        response = client.get(f"/api/v1/{endpoint}/", QUERY_STRING=expand(case["query"]))
        assert response.status_code == case["expect"], (endpoint, response.content[:300])
        if case["expect"] == 400:
            assert case["names"] in response.json(), (endpoint, response.json())


# --- OPML ------------------------------------------------------------------------


@pytest.mark.parametrize("case", json_cases("opml.json"))
def test_a_bad_opml_file_is_refused_whole_with_a_clear_error(client, tmp_path, case):
    path = tmp_path / "feeds.opml"
    path.write_bytes(expand(case["opml"]).encode("utf-8"))
    before = stored_counts()
    out = StringIO()
    if "error" in case:
        with pytest.raises(CommandError, match=case["error"]):
            call_command("import_opml", str(path), stdout=out)
        assert stored_counts() == before
    else:
        call_command("import_opml", str(path), stdout=out)
        after = stored_counts()
        assert after["sources.Feed"] - before["sources.Feed"] == case["feeds"]
        assert after["sources.Outlet"] - before["sources.Outlet"] == case["outlets"]
        for outlet in Outlet.objects.all():  # names from the file are shown as text
            response = client.get(outlet.get_absolute_url())
            assert response.status_code == 200 and "<script>alert" not in response.content.decode()


# --- feeds -----------------------------------------------------------------------


@pytest.fixture
def _fast_feeds(settings):
    settings.FEED_READ_TIMEOUT = 0.5
    settings.FEED_CONNECT_TIMEOUT = 0.5
    settings.FEED_MAX_BYTES = 256 * 1024


def _serve(feed_server, number: int, case: dict) -> str:
    if "path" in case:
        return feed_server.url(case["path"])
    headers = dict(case.get("headers", {}))
    if "gzip_bomb_mb" in case:
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title><description>'
        body = gzip.compress(head + b" " * (case["gzip_bomb_mb"] << 20) + b"</description></channel></rss>", 9)
        headers["Content-Encoding"] = "gzip"
    else:
        body = expand(case["body"]).encode(case.get("encoding", "utf-8"))
    content_type = case.get("content_type", "application/rss+xml")
    return feed_server.set(f"/bad-input/{number}", body, content_type=content_type, headers=headers)


FEED_CASES = json_cases("feeds.json")


@pytest.mark.usefixtures("_fast_feeds")
@pytest.mark.parametrize(("number", "case"), [pytest.param(n, c.values[0], id=c.id) for n, c in enumerate(FEED_CASES)])
def test_a_bad_feed_ends_in_a_recorded_health_status_and_a_whole_batch_or_none(feed_server, number, case):
    feed = FeedFactory(url=_serve(feed_server, number, case))
    try:
        result = feed_ingest(feed_id=feed.pk)
    except FeedUnreachable:
        result = None
    feed.refresh_from_db()
    assert feed.last_status in case["status"].split("|"), feed.last_error
    assert feed.last_fetched_at is not None and feed.next_fetch_at is not None
    articles = SourceArticle.objects.filter(outlet=feed.outlet)
    if feed.last_status not in Feed.HEALTHY:
        assert feed.consecutive_failures == 1 and feed.last_error
        assert not articles.exists()
        return
    assert articles.count() == result.new == feed.articles_added  # the whole batch, or (on error) none of it
    for title, summary, url in articles.values_list("title", "summary", "url"):
        text = f"{title}\n{summary}"
        assert "root:" not in text and "lollol" not in text, "an entity was expanded"
        assert "\x00" not in text
        assert len(title) <= 500 and url.startswith(("http://", "https://"))
        assert re.search(r"<\s*(script|img|svg|style|a)\b", text, re.I) is None, "markup kept in plain text"


# --- content import ------------------------------------------------------------


@pytest.mark.parametrize("case", json_cases("content_import.json"))
def test_a_malformed_export_file_is_refused_with_a_clear_error_and_nothing_stored(tmp_path, case):
    path = tmp_path / "content.json"
    if "bytes_hex" in case:
        path.write_bytes(bytes.fromhex(case["bytes_hex"]))
    elif "text" in case:
        path.write_text(case["text"], encoding="utf-8")
    else:
        path.write_text(expand(json.dumps(case["document"])), encoding="utf-8")
    before = stored_counts()
    with pytest.raises(CommandError, match=case["error"]):
        call_command("import_content", str(path), stdout=StringIO())
    assert stored_counts() == before
    assert not Story.objects.exists()
