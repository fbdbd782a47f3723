"""Sources admin: feed health, fetch now, articles by outlet/topic/date, match decisions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources.models import ArticleTopic, Feed, SourceArticle
from tests.factories import FeedFactory, OutletFactory, SourceArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_feed_list_shows_health_at_a_glance(admin_client):
    FeedFactory(title="Dead feed", last_status=Feed.Status.HTTP_ERROR, consecutive_failures=3, last_error="HTTP 500")
    FeedFactory(title="Live feed", last_status=Feed.Status.OK)
    page = admin_client.get(reverse("admin:sources_feed_changelist")).content.decode()
    assert "HTTP error ×3" in page and 'title="HTTP 500"' in page
    assert "▲" in page and "●" in page
    failing = admin_client.get(reverse("admin:sources_feed_changelist") + "?health=failing").content.decode()
    assert "Dead feed" in failing and "Live feed" not in failing


def test_feed_and_outlet_lists_take_the_same_queries_for_2_or_20_rows(admin_client):
    for _ in range(2):
        FeedFactory()
    feeds, outlets = (
        queries_for(admin_client, reverse("admin:sources_feed_changelist")),
        queries_for(admin_client, reverse("admin:sources_outlet_changelist")),
    )
    for _ in range(18):
        FeedFactory()
    assert queries_for(admin_client, reverse("admin:sources_feed_changelist")) == feeds
    assert queries_for(admin_client, reverse("admin:sources_outlet_changelist")) == outlets


def test_fetch_now_fetches_the_selected_feeds(admin_client, feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    response = admin_client.post(
        reverse("admin:sources_feed_changelist"), {"action": "fetch_now", "_selected_action": [feed.pk]}, follow=True
    )
    assert "Fetched 1 feed(s) now: 1 OK." in response.content.decode()  # no broker in tests: fetched in the request
    feed.refresh_from_db()
    assert feed.last_status == Feed.Status.OK and feed.articles_added == 3


def test_outlet_list_counts_failing_feeds(admin_client):
    outlet = OutletFactory(name="Wobbly Wire")
    FeedFactory(outlet=outlet, consecutive_failures=2)
    FeedFactory(outlet=outlet)
    page = admin_client.get(reverse("admin:sources_outlet_changelist")).content.decode()
    assert '<b style="color:#c62828">1</b>' in page


def test_articles_filter_by_topic_outlet_and_search(admin_client):
    peru = TopicFactory(name="Peru")
    a = SourceArticleFactory(title="Lima recalls envoy")
    b = SourceArticleFactory(title="Markets rally")
    c = SourceArticleFactory(title="Peru votes", outlet=a.outlet)
    ArticleTopic.objects.create(article=a, topic=peru)
    ArticleTopic.objects.create(article=c, topic=peru, status=ArticleTopic.Status.REMOVED)
    url = reverse("admin:sources_sourcearticle_changelist")
    by_topic = admin_client.get(f"{url}?topic={peru.pk}").content.decode()
    assert a.title in by_topic and b.title not in by_topic and c.title not in by_topic
    by_outlet = admin_client.get(f"{url}?outlet__id__exact={a.outlet_id}").content.decode()
    assert a.title in by_outlet and c.title in by_outlet and b.title not in by_outlet
    searched = admin_client.get(f"{url}?q=rally").content.decode()
    assert b.title in searched and a.title not in searched


def test_article_list_takes_the_same_queries_for_2_or_20_articles_with_topics(admin_client):
    topic = TopicFactory()
    for _ in range(2):
        ArticleTopic.objects.create(article=SourceArticleFactory(), topic=topic)
    few = queries_for(admin_client, reverse("admin:sources_sourcearticle_changelist"))
    for _ in range(18):
        ArticleTopic.objects.create(article=SourceArticleFactory(), topic=topic)
    assert queries_for(admin_client, reverse("admin:sources_sourcearticle_changelist")) == few


def test_editors_confirm_and_remove_matches(admin_client, admin_user):
    topic = TopicFactory(name="Mexico")
    keep = ArticleTopic.objects.create(article=SourceArticleFactory(), topic=topic)
    drop = ArticleTopic.objects.create(article=SourceArticleFactory(), topic=topic)
    url = reverse("admin:sources_articletopic_changelist")
    admin_client.post(url, {"action": "confirm", "_selected_action": [keep.pk]})
    admin_client.post(url, {"action": "remove", "_selected_action": [drop.pk]})
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.status, keep.decided_by) == (ArticleTopic.Status.CONFIRMED, admin_user)
    assert drop.status == ArticleTopic.Status.REMOVED and drop.decided_at is not None


def test_an_article_page_lets_an_editor_remove_a_match_inline(admin_client, admin_user):
    article = SourceArticleFactory()
    link = ArticleTopic.objects.create(article=article, topic=TopicFactory())
    url = reverse("admin:sources_sourcearticle_change", args=[article.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {
        "outlet": article.outlet_id,
        "url": article.url,
        "guid": "",
        "title": article.title,
        "summary": "",
        "language": "",
        "published_at_0": "",
        "published_at_1": "",
        "article_topics-TOTAL_FORMS": "1",
        "article_topics-INITIAL_FORMS": "1",
        "article_topics-MIN_NUM_FORMS": "0",
        "article_topics-MAX_NUM_FORMS": "1000",
        "article_topics-0-id": link.pk,
        "article_topics-0-article": article.pk,
        "article_topics-0-topic": link.topic_id,
        "article_topics-0-status": "removed",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    link.refresh_from_db()
    assert (link.status, link.decided_by) == (ArticleTopic.Status.REMOVED, admin_user)
    assert SourceArticle.objects.get().title == article.title


def test_outlet_feed_and_article_pages_open(admin_client):
    feed = FeedFactory(last_status=Feed.Status.TIMEOUT, last_error="ReadTimeout", consecutive_failures=2)
    article = SourceArticleFactory(outlet=feed.outlet, feed=feed)
    for url in (
        reverse("admin:sources_outlet_change", args=[feed.outlet_id]),
        reverse("admin:sources_feed_change", args=[feed.pk]),
        reverse("admin:sources_sourcearticle_change", args=[article.pk]),
        reverse("admin:sources_articletopic_changelist"),
        reverse("admin:sources_feed_add"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(reverse("admin:sources_feed_change", args=[feed.pk])).content.decode()
    assert "Timed out ×2" in page and "ReadTimeout" in page


def _outlet_form(outlet, **changes) -> dict:
    data = {
        "name": outlet.name,
        "slug": outlet.slug,
        "homepage": outlet.homepage,
        "country": outlet.country,
        "language": outlet.language,
        "feeds-TOTAL_FORMS": "0",
        "feeds-INITIAL_FORMS": "0",
        "feeds-MIN_NUM_FORMS": "0",
        "feeds-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_outlet_renamed_in_the_admin_shows_on_cached_story_pages_and_in_api_sync(admin_client, client, commit, settings):
    from stories.workflow import story_publish
    from tests.factories import build_story

    settings.PUBLIC_PAGE_CACHE = True
    outlet = OutletFactory(name="Old Wire Name")
    with commit():
        story = build_story(publish=False)
        story.citations.create(outlet=outlet, url="https://example.com/a", claim="It happened.")
        story_publish(story=story, actor=None)
    assert "Old Wire Name" in client.get(story.get_absolute_url()).content.decode()
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"
    cursor = client.get("/api/v1/sync/", {"since": 0}).json()["next_cursor"]

    with commit():
        response = admin_client.post(
            reverse("admin:sources_outlet_change", args=[outlet.pk]), _outlet_form(outlet, name="New Wire Name")
        )
    assert response.status_code == 302, response.content.decode()

    page = client.get(story.get_absolute_url()).content.decode()
    assert "New Wire Name" in page and "Old Wire Name" not in page
    changes = client.get("/api/v1/sync/", {"since": cursor}).json()["changes"]
    assert [(c["kind"], c["id"]) for c in changes] == [("outlet", outlet.pk), ("story", story.pk)]
    assert changes[0]["data"]["name"] == "New Wire Name"
    assert "New Wire Name" in str(changes[1]["data"]) and "Old Wire Name" not in str(changes[1]["data"])


def test_outlet_deleted_in_the_admin_is_recorded_with_the_live_stories_showing_it(admin_client, commit):
    from newsroom.changes.models import ChangeEvent
    from tests.factories import build_story

    outlet = OutletFactory()
    with commit():
        story = build_story()
    story.live_outlets.add(outlet)  # shown by the live revision, no longer cited by the working copy
    draft = build_story(publish=False)
    draft.live_outlets.add(outlet)
    before = ChangeEvent.objects.count()
    response = admin_client.post(reverse("admin:sources_outlet_delete", args=[outlet.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not type(outlet).objects.filter(pk=outlet.pk).exists()
    events = list(ChangeEvent.objects.all()[before:].values_list("kind", "object_id", "action"))
    assert events == [("outlet", outlet.pk, "delete"), ("story", story.pk, "upsert")]


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("model, action", [("feed", "fetch_now"), ("outlet", "fetch_feeds_now")])
def test_a_writer_can_see_feeds_and_outlets_but_not_fetch_them(client, writer, feed_server, model, action):
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    selected = feed.pk if model == "feed" else feed.outlet_id
    url = reverse(f"admin:sources_{model}_changelist")
    page = _login(client, writer).get(url)
    assert page.status_code == 200 and f'value="{action}"' not in page.content.decode()
    client.post(url, {"action": action, "_selected_action": [selected]}, follow=True)
    feed.refresh_from_db()
    assert feed.last_status == Feed.Status.NEW and feed.articles_added == 0


@pytest.mark.parametrize("model, action", [("feed", "fetch_now"), ("outlet", "fetch_feeds_now")])
def test_an_editor_fetches_feeds_and_outlets_now(client, editor, feed_server, model, action):
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    selected = feed.pk if model == "feed" else feed.outlet_id
    url = reverse(f"admin:sources_{model}_changelist")
    assert f'value="{action}"' in _login(client, editor).get(url).content.decode()
    response = client.post(url, {"action": action, "_selected_action": [selected]}, follow=True)
    assert "Fetched 1 feed(s) now: 1 OK." in response.content.decode()
    feed.refresh_from_db()
    assert feed.last_status == Feed.Status.OK and feed.articles_added == 3


@pytest.mark.parametrize("action", ["confirm", "remove"])
def test_who_may_only_view_topic_matches_cannot_decide_them(client, action):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    viewer = UserFactory(username="vera-viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_articletopic"))
    link = ArticleTopic.objects.create(article=SourceArticleFactory(), topic=TopicFactory())
    url = reverse("admin:sources_articletopic_changelist")
    page = _login(client, viewer).get(url)
    assert page.status_code == 200 and f'value="{action}"' not in page.content.decode()
    client.post(url, {"action": action, "_selected_action": [link.pk]}, follow=True)
    link.refresh_from_db()
    assert link.status == ArticleTopic.Status.MATCHED and link.decided_by is None


def test_an_editor_confirms_and_removes_topic_matches(client):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    editor = UserFactory(username="erin-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))  # the group as the migrations left it
    confirmed, removed = (ArticleTopic.objects.create(article=SourceArticleFactory(), topic=TopicFactory()) for _ in "ab")
    url = reverse("admin:sources_articletopic_changelist")
    page = _login(client, editor).get(url)
    assert page.status_code == 200 and 'value="confirm"' in page.content.decode()
    response = client.post(url, {"action": "confirm", "_selected_action": [confirmed.pk]}, follow=True)
    assert "1 match(es) confirmed." in response.content.decode()
    response = client.post(url, {"action": "remove", "_selected_action": [removed.pk]}, follow=True)
    assert "1 match(es) removed." in response.content.decode()
    confirmed.refresh_from_db()
    removed.refresh_from_db()
    assert (confirmed.status, confirmed.decided_by) == (ArticleTopic.Status.CONFIRMED, editor)
    assert (removed.status, removed.decided_by) == (ArticleTopic.Status.REMOVED, editor)
    article_page = client.get(reverse("admin:sources_sourcearticle_change", args=[confirmed.article_id]))
    assert article_page.status_code == 200 and 'name="article_topics-0-status"' in article_page.content.decode()
