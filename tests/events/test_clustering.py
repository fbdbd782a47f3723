"""Event clustering (events/clustering.py): joins, new events, the window, merges, editors' moves, idempotence."""

from datetime import UTC, datetime, timedelta

import pytest

from events import clustering
from events.clustering import article_move, articles_cluster, events_recluster
from events.models import ClusterState, Event, EventArticle
from events.tasks import articles_cluster as articles_cluster_task
from tests.factories import OutletFactory, SourceArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

QUAKE = (
    "Magnitude 6.8 earthquake strikes Oaxaca in southern Mexico",
    "A magnitude 6.8 earthquake struck the southern Mexican state of Oaxaca early on Monday, shaking buildings "
    "in Mexico City and killing at least nine people, authorities said.",
)
QUAKE_REPORT = (
    "Powerful quake rocks Oaxaca in southern Mexico, at least 9 dead",
    "A powerful 6.8 magnitude earthquake hit Oaxaca state before dawn on Monday, collapsing homes in mountain towns "
    "and killing nine people, as alarms sounded in Mexico City.",
)
VOTE = (
    "Peru's Congress censures interior minister over crime wave",
    "Peru's Congress voted 78-30 on Tuesday to censure Interior Minister Juan Carlos Malca over a surge in "
    "extortion killings in Lima, forcing him to resign within 72 hours.",
)


@pytest.fixture(autouse=True)
def _fresh_window():
    clustering.index_forget()  # each test's database starts empty; no process memory carries over
    yield
    clustering.index_forget()


def article(text, *, at=T0, outlet=None, suffix=""):
    title, summary = text
    return SourceArticleFactory(
        outlet=outlet or OutletFactory(), title=title + suffix, summary=summary, published_at=at, language="en"
    )


def event_of(a) -> EventArticle:
    return EventArticle.objects.select_related("event").get(article=a)


def test_a_wire_copy_in_another_outlets_feed_joins_as_a_near_duplicate():
    first = article(QUAKE)
    articles_cluster([first.pk])
    copy = article(QUAKE, at=T0 + timedelta(minutes=25), suffix=" | The Guardian")
    result = articles_cluster([copy.pk])

    assert result.duplicate == 1 and result.started == 0
    link = event_of(copy)
    assert link.event_id == event_of(first).event_id
    assert link.method == EventArticle.Method.DUPLICATE
    event = link.event
    assert (event.article_count, event.outlet_count) == (2, 2)
    assert event.first_seen_at == T0 and event.last_seen_at == T0 + timedelta(minutes=25)
    assert event.title == QUAKE[0]


def test_another_outlets_own_report_of_the_event_joins_as_similar():
    first = article(QUAKE)
    other = article(QUAKE_REPORT, at=T0 + timedelta(hours=1))
    articles_cluster([first.pk, other.pk])  # one batch: the second finds the event the first started

    assert event_of(other).event_id == event_of(first).event_id
    assert event_of(other).method == EventArticle.Method.SIMILAR
    assert 0.25 <= event_of(other).similarity < 1


def test_a_different_event_starts_an_event_of_its_own():
    quake, vote = article(QUAKE), article(VOTE, at=T0 + timedelta(minutes=5))
    result = articles_cluster([quake.pk, vote.pk])

    assert result.started == 2
    assert event_of(quake).event_id != event_of(vote).event_id
    assert event_of(vote).method == EventArticle.Method.STARTED


def test_the_same_text_outside_the_time_window_starts_a_new_event(settings):
    settings.EVENT_WINDOW_HOURS = 72
    first = article(QUAKE)
    articles_cluster([first.pk])
    late = article(QUAKE, at=T0 + timedelta(hours=80))
    articles_cluster([late.pk])
    assert event_of(late).event_id != event_of(first).event_id

    within = article(QUAKE, at=T0 + timedelta(hours=70))
    articles_cluster([within.pk])
    assert event_of(within).event_id in {event_of(first).event_id, event_of(late).event_id}


def test_an_article_bridging_two_events_of_one_story_merges_them(settings):
    settings.EVENT_GAP_PENALTY = 0  # the window alone decides here
    early = article(QUAKE)
    articles_cluster([early.pk])
    late = article(QUAKE, at=T0 + timedelta(hours=80), suffix=" | DW")  # beyond the first's window: a second event
    articles_cluster([late.pk])
    first_event, second_event = event_of(early).event_id, event_of(late).event_id
    assert first_event != second_event

    # Published in between, arriving last: within the window of both, like both.
    bridge = article(QUAKE, at=T0 + timedelta(hours=40), suffix=" | AP")
    result = articles_cluster([bridge.pk])

    assert result.merged == 1
    survivor = event_of(early).event
    assert event_of(late).event_id == event_of(bridge).event_id == survivor.pk
    absorbed = Event.objects.get(pk=second_event if survivor.pk == first_event else first_event)
    assert absorbed.merged_into_id == survivor.pk
    assert absorbed.article_count == 0 and not absorbed.memberships.exists()
    assert survivor.article_count == 3 and survivor.outlet_count == 3
    assert survivor.last_seen_at == T0 + timedelta(hours=80)


def test_an_editors_move_is_kept_by_later_runs_and_by_reclustering():
    editor = UserFactory(username="ed")
    first = article(QUAKE)
    copy = article(QUAKE, at=T0 + timedelta(minutes=20), suffix=" | Reuters")
    articles_cluster([first.pk, copy.pk])
    assert event_of(copy).event_id == event_of(first).event_id

    link = article_move(article_id=copy.pk, user=editor)  # "this is an event of its own"
    assert link.method == EventArticle.Method.EDITOR and link.moved_by == editor
    own = link.event_id
    assert own != event_of(first).event_id
    assert Event.objects.get(pk=own).article_count == 1
    assert Event.objects.get(pk=event_of(first).event_id).article_count == 1

    articles_cluster([first.pk, copy.pk])  # delivered again: nothing moves
    assert event_of(copy).event_id == own

    vote = article(VOTE, at=T0 + timedelta(hours=1))
    events_recluster(since=T0 - timedelta(hours=1))  # everything else is clustered again from scratch
    link = event_of(copy)
    assert (link.event_id, link.method, link.moved_by_id) == (own, EventArticle.Method.EDITOR, editor.pk)
    assert event_of(vote).event_id not in {own, event_of(first).event_id}
    # Every article is in one live event, and the counts say so.
    assert EventArticle.objects.count() == 3
    for event in Event.objects.filter(memberships__isnull=False).distinct():
        assert event.merged_into_id is None
        assert event.article_count == event.memberships.count()


def test_an_editors_move_into_another_event_is_followed_and_never_merged_back():
    quake, vote = article(QUAKE), article(VOTE)
    articles_cluster([quake.pk, vote.pk])
    article_move(article_id=vote.pk, event_id=event_of(quake).event_id)  # the editor knows better
    event = event_of(quake).event
    assert event_of(vote).event_id == event.pk and event.article_count == 2

    # A wire copy of the moved article follows it where the editor put it.
    copy = article(VOTE, at=T0 + timedelta(minutes=30), suffix=" | EFE")
    articles_cluster([copy.pk])
    assert event_of(copy).event_id == event.pk


def test_the_task_delivered_twice_changes_nothing():
    a, b, c = article(QUAKE), article(QUAKE_REPORT, at=T0 + timedelta(hours=1)), article(VOTE)
    ids = [a.pk, b.pk, c.pk]
    first = articles_cluster_task.delay(ids).get()
    assert first["articles"] == 3

    def snapshot():
        return (
            list(Event.objects.order_by("pk").values()),
            list(EventArticle.objects.order_by("pk").values()),
            ClusterState.objects.get().version,
        )

    before = snapshot()
    second = articles_cluster_task.delay(ids).get()
    assert second["articles"] == 0
    assert snapshot() == before


def test_a_batch_reaches_events_another_process_wrote():
    """The window is rebuilt from the database: a process that did not see the first run still finds its event."""
    first = article(QUAKE)
    articles_cluster([first.pk])
    clustering.index_forget()  # another worker, with nothing in memory
    copy = article(QUAKE, at=T0 + timedelta(minutes=5), suffix=" | DW")
    articles_cluster([copy.pk])
    assert event_of(copy).event_id == event_of(first).event_id

    # And a run by someone else (the version moved on) is read before the next batch here.
    ClusterState.objects.update(version=ClusterState.objects.get().version + 1)
    Event.objects.filter(pk=event_of(first).event_id).update(version=ClusterState.objects.get().version)
    third = article(QUAKE_REPORT, at=T0 + timedelta(minutes=10))
    articles_cluster([third.pk])
    assert event_of(third).event_id == event_of(first).event_id


def test_headlines_in_other_languages_join_through_names_numbers_and_topics():
    from tests.factories import TopicFactory

    mexico = TopicFactory(name="Mexico", aliases="México\nMexique\nالمكسيك")
    oaxaca = TopicFactory(name="Oaxaca", aliases="واهاكا")
    english = article(QUAKE)
    spanish = SourceArticleFactory(
        title="Sismo de magnitud 6.8 sacude Oaxaca; al menos nueve muertos",
        summary="Un sismo de magnitud 6.8 con epicentro en Oaxaca se sintió en la Ciudad de México.",
        published_at=T0 + timedelta(minutes=30),
        language="es",
    )
    arabic = SourceArticleFactory(
        title="زلزال بقوة 6.8 درجات يضرب ولاية واهاكا جنوبي المكسيك",
        summary="ضرب زلزال بقوة 6.8 درجات ولاية واهاكا في جنوب المكسيك.",
        published_at=T0 + timedelta(minutes=40),
        language="ar",
    )
    for a in (english, spanish, arabic):
        a.topics.add(mexico, oaxaca)
    articles_cluster([english.pk, spanish.pk, arabic.pk])
    assert event_of(spanish).event_id == event_of(english).event_id == event_of(arabic).event_id


def test_an_old_batch_gets_a_window_of_its_own_and_leaves_todays_alone():
    from django.utils import timezone

    now = timezone.now()
    today = article(QUAKE, at=now - timedelta(hours=1))
    articles_cluster([today.pk])
    kept = clustering.window_index_for_database()
    floor, size = kept.floor, len(kept.events)

    old = [
        article(VOTE, at=T0 - timedelta(days=400)),
        article(VOTE, at=T0 - timedelta(days=400, minutes=-30), suffix=" | EFE"),
    ]
    articles_cluster([a.pk for a in old])
    assert event_of(old[0]).event_id == event_of(old[1]).event_id  # clustered among themselves
    assert clustering.window_index_for_database() is kept
    assert (kept.floor, len(kept.events)) == (floor, size)  # today's window neither moved back nor grew
    archive = clustering.window_index_for_database("archive")
    assert event_of(old[0]).event_id in archive.events

    # The archive's next batch finds that window again, and its events.
    more = article(VOTE, at=T0 - timedelta(days=400, minutes=-60), suffix=" | Infobae")
    articles_cluster([more.pk])
    assert event_of(more).event_id == event_of(old[0]).event_id
    assert clustering.window_index_for_database("archive") is archive

    copy = article(QUAKE, at=now - timedelta(minutes=30), suffix=" | AP")
    articles_cluster([copy.pk])
    assert event_of(copy).event_id == event_of(today).event_id


def test_the_sweep_clusters_articles_whose_task_was_lost():
    from django.utils import timezone

    from events.tasks import articles_cluster_pending

    lost = article(QUAKE, at=timezone.now() - timedelta(hours=2))
    undated = SourceArticleFactory(title=VOTE[0], summary=VOTE[1], published_at=None)
    old = article(VOTE, at=timezone.now() - timedelta(days=30))
    result = articles_cluster_pending.delay().get()
    assert result["articles"] == 2
    assert EventArticle.objects.filter(article__in=[lost, undated]).count() == 2
    assert not EventArticle.objects.filter(article=old).exists()  # outside the window: left alone
    assert articles_cluster_pending.delay().get()["articles"] == 0
