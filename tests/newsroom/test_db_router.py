"""The read router against a real streaming replica (newsroom/db/router.py, docs/scale-out.md).

Which database answered is told by what it answers: the standby's replay is
paused, a change is committed on the primary, and a read shows the value from
before the change (the replica) or after it (the primary).
"""

import pytest
from django.db import connections
from django.test import Client

from newsroom.db.router import lsn_fence, public_reads, replica_choose, replicas_forget
from stories.models import LivePage, Story
from stories.workflow import story_publish
from tests.factories import TopicFactory, build_story
from tests.integration.replica import ALIAS, replay_pause, replica_catch_up, replica_halt, replica_lag_over, replica_sql
from topics.models import Topic
from topics.services import topic_save

BEFORE, AFTER = "Cuzco before", "Cusco after"


@pytest.fixture
def renamed(replica, settings):
    """A topic renamed on the primary (recorded in the change log, announced to no one) while replay is paused:
    the replica still has its old name."""
    topic = TopicFactory(name=BEFORE, slug="cusco")
    topic_save(topic=topic)
    replica_catch_up()
    assert lsn_fence() is not None  # the announced position as it stands: the replica has it
    replay_pause()
    settings.PUBLIC_CHANGE_STEPS = []  # nothing after commit: no purge, no announcement
    topic.name = AFTER
    topic_save(topic=topic)
    replicas_forget()
    assert replica_sql("SELECT name FROM topics_topic WHERE slug = 'cusco'") == (BEFORE,)
    assert Topic.objects.get(slug="cusco").name == AFTER
    return topic


def _anonymous_reads(client) -> dict[str, bytes]:
    return {
        "api detail": client.get("/api/v1/topics/cusco/").content,
        "api list": client.get("/api/v1/topics/").content,
        "page": client.get("/topics/cusco/").content,
    }


def test_anonymous_api_reads_and_pages_come_from_the_replica_within_the_bound(renamed, client):
    reads = _anonymous_reads(client)
    for what, body in reads.items():
        assert BEFORE.encode() in body, what
        assert AFTER.encode() not in body, what


def test_the_replica_serves_under_its_own_application_name(renamed, client):
    with public_reads() as reads:
        assert reads.alias == ALIAS
        assert Topic.objects.get(slug="cusco").name == BEFORE
    found = replica_sql(f"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'newsroom-{ALIAS}'")
    assert found[0] >= 1


def test_signed_in_reads_the_admin_and_the_sync_feed_read_the_primary(renamed, replica, editor):
    signed_in = Client()
    signed_in.force_login(editor)
    assert AFTER.encode() in signed_in.get("/topics/cusco/").content  # an editor's page: never a replica
    admin = signed_in.get(f"/admin/topics/topic/{renamed.pk}/change/")
    assert admin.status_code == 200 and AFTER.encode() in admin.content
    # The sync feed is anonymous but exact: it never even connects to the replica. (Its entries wait for every
    # transaction open on the cluster, other databases' too, so its content is not what this asserts.)
    connections[replica].close()
    assert Client().get("/api/v1/sync/?since=0").status_code == 200
    assert connections[replica].connection is None
    assert Client().get("/api/v1/topics/cusco/").status_code == 200  # where a public read does connect
    assert connections[replica].connection is not None


def test_a_read_after_a_write_in_the_same_request_reads_the_primary(renamed):
    with public_reads() as reads:
        assert Topic.objects.get(slug="cusco").name == BEFORE  # the replica
        TopicFactory(name="Lima", slug="lima")  # a write: the rest of the block reads the primary
        assert reads.alias == "default"
        assert Topic.objects.get(slug="cusco").name == AFTER


def test_a_replica_further_behind_than_the_bound_is_skipped(renamed, client, settings):
    replica_lag_over(0.3)
    settings.DATABASE_REPLICA_MAX_LAG = 0.2
    reads = _anonymous_reads(client)
    for what, body in reads.items():
        assert AFTER.encode() in body, what
    settings.DATABASE_REPLICA_MAX_LAG = 3600.0  # within the bound again: the replica (still paused) answers
    assert BEFORE.encode() in client.get("/api/v1/topics/cusco/").content


@pytest.mark.parametrize("url", ["/api/v1/topics/cusco/", "/api/v1/topics/", "/topics/cusco/"])
def test_a_stopped_replica_falls_back_to_the_primary_without_an_error(renamed, client, settings, url):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 3600.0
    assert replica_choose() == ALIAS  # measured as fine, and trusted for the next hour
    assert BEFORE.encode() in client.get(url).content  # a connection to the replica is open
    replica_halt()
    answer = client.get(url)  # the replica fails mid-request: marked down, read again on the primary
    assert answer.status_code == 200 and AFTER.encode() in answer.content
    replicas_forget()  # measured again: it does not answer, so it is not chosen
    assert replica_choose() is None
    answer = client.get(url)
    assert answer.status_code == 200 and AFTER.encode() in answer.content


def test_a_page_published_while_the_replica_lags_is_never_served_older(replica, client, settings):
    """The announced WAL position: a correction committed and purged is on the next page and API detail, though
    the replica within the lag bound still holds the page rendered before it."""
    settings.PUBLIC_PAGE_CACHE = True
    story = build_story(headline="Lima before the vote", slug="lima-vote")
    replica_catch_up()
    replicas_forget()
    url = "/story/lima-vote/"
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss" and b"Lima before the vote" in first.content
    replay_pause()
    story = Story.objects.get(pk=story.pk)
    story.headline = "Lima after the vote"
    story.save()
    story_publish(story=story, actor=None, note="We corrected the headline.")  # commits; the pipeline runs
    (kept,) = replica_sql(f"SELECT html FROM stories_livepage WHERE story_id = {story.pk}")
    assert "Lima before the vote" in kept  # the replica would serve the old page
    assert "Lima after the vote" in LivePage.objects.get(story=story).html
    replicas_forget()
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss" and b"Lima after the vote" in page.content
    assert client.get("/api/v1/stories/lima-vote/").json()["headline"] == "Lima after the vote"
    assert b"Lima after the vote" in client.get(url).content  # and the page stored is the new one
    assert replica_choose() is None  # within the lag bound, but behind what was announced


def test_a_replica_that_has_replayed_the_announcement_is_read_again(replica):
    story = build_story(headline="Quito", slug="quito")
    story_publish(story=Story.objects.get(pk=story.pk), actor=None)  # announced
    replica_catch_up()
    replicas_forget()
    assert replica_choose() == ALIAS


def test_a_page_rendered_on_its_request_is_rendered_from_the_primary(replica, client, settings):
    """A kept page expired by a topic edit is rendered on its next request and kept on the primary: from the
    primary's rows, or a replica a change behind would keep its older page there as current."""
    story = build_story(slug="andes", topics=1)
    topic = story.topics.get()
    topic.name = "Andes region"
    topic_save(topic=topic)  # the page is expired (announced); the replica replays that
    replica_catch_up()
    replay_pause()
    settings.PUBLIC_CHANGE_STEPS = []
    topic.name = "Andean region"
    topic_save(topic=topic)  # not announced: the replica within the bound is read
    replicas_forget()
    assert replica_choose() == ALIAS
    page = client.get("/story/andes/")
    assert b"Andean region" in page.content
    kept = LivePage.objects.get(story=story)
    assert "Andean region" in kept.html and "Andes region" not in kept.html
