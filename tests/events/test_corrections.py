"""Editors correct clustering on an event's page: move articles to another or a new event, merge two events.
Stale pages (an article moved, an event merged meanwhile) are refused with what happened, the choice kept."""

import pytest

from events.models import Event, EventArticle
from events.services import event_articles_move, event_merge
from tests.events.builders import event_with, outlet

pytestmark = pytest.mark.django_db


def _page(event: Event) -> str:
    return f"/admin/events/event/{event.pk}/change/"


@pytest.fixture
def two():
    a, b, c = outlet("Alpha", "MX"), outlet("Beta", "PE"), outlet("Gamma", "FR")
    quake = event_with(
        "Earthquake in the south", [{"outlet": a, "hours_ago": 5}, {"outlet": b, "hours_ago": 3}, {"outlet": b, "hours_ago": 2}]
    )
    vote = event_with("Congress votes on the budget", [{"outlet": c, "hours_ago": 1}])
    stray = quake.memberships.select_related("article").get(article__outlet=a).article
    return {"quake": quake, "vote": vote, "stray": stray}


def test_an_editor_moves_an_article_to_another_event_both_are_recounted_and_the_move_is_kept(client, editor, two):
    quake, vote, stray = two["quake"], two["vote"], two["stray"]
    client.force_login(editor)
    response = client.post(f"{_page(quake)[:-7]}move/", {"articles": [stray.pk], "to_event": vote.pk})
    assert response.status_code == 302 and response["Location"] == _page(quake)
    page = client.get(_page(quake)).content.decode()
    assert "Moved 1 article to “Congress votes on the budget”" in page and stray.title not in page
    quake.refresh_from_db()
    vote.refresh_from_db()
    assert (quake.article_count, quake.outlet_count) == (2, 1)
    assert (vote.article_count, vote.outlet_count) == (2, 2)
    assert vote.first_seen_at == stray.published_at  # the moved article is the earliest there now
    link = EventArticle.objects.get(article=stray)
    assert (link.event_id, link.method, link.moved_by_id) == (vote.pk, "editor", editor.pk)
    assert "moved here by an editor" in client.get(_page(vote)).content.decode()


def test_an_editor_moves_articles_to_a_new_event_with_the_title_they_typed(client, editor, two):
    quake, stray = two["quake"], two["stray"]
    client.force_login(editor)
    client.post(f"{_page(quake)[:-7]}move/", {"articles": [stray.pk], "to_event": "new", "new_title": "Aftershock in the north"})
    new = Event.objects.get(title="Aftershock in the north")
    assert (new.article_count, new.outlet_count, new.first_seen_at) == (1, 1, stray.published_at)
    assert EventArticle.objects.get(article=stray).event_id == new.pk


def test_a_move_from_a_stale_page_is_refused_and_keeps_what_was_ticked_and_typed(client, editor, two):
    quake, vote, stray = two["quake"], two["vote"], two["stray"]
    client.force_login(editor)
    event_articles_move(article_ids=[stray.pk], from_event_id=quake.pk, to_event=vote, actor=editor)  # a colleague, meanwhile
    response = client.post(
        f"{_page(quake)[:-7]}move/", {"articles": [stray.pk], "to_event": "new", "new_title": "My careful title"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert f"“{stray.title}” is now in “Congress votes on the budget”" in page and "Nothing was moved" in page
    assert 'value="My careful title"' in page and 'value="new" selected' in page
    assert not Event.objects.filter(title="My careful title").exists()


def test_a_move_to_an_event_merged_meanwhile_names_the_event_it_was_merged_into(client, editor, two):
    quake, vote, stray = two["quake"], two["vote"], two["stray"]
    other = event_with("Budget passes", [{"outlet": outlet("Delta", "GB")}])
    event_merge(event=vote, into=other, actor=editor)
    client.force_login(editor)
    response = client.post(f"{_page(quake)[:-7]}move/", {"articles": [stray.pk], "to_event": vote.pk})
    assert response.status_code == 409
    assert "was merged into “Budget passes” meanwhile; nothing changed" in response.content.decode()
    assert EventArticle.objects.get(article=stray).event_id == quake.pk


def test_a_move_with_nothing_ticked_says_so(client, editor, two):
    client.force_login(editor)
    response = client.post(f"{_page(two['quake'])[:-7]}move/", {"to_event": two["vote"].pk})
    assert response.status_code == 400 and "Tick at least one article to move." in response.content.decode()


def test_an_editor_merges_two_events_the_articles_follow_and_earlier_merges_point_at_the_survivor(client, editor, two):
    quake, vote = two["quake"], two["vote"]
    older = event_with("Tremor felt in the capital", [{"outlet": outlet("Epsilon", "CL")}])
    event_merge(event=older, into=quake, actor=editor)
    client.force_login(editor)
    response = client.post(f"{_page(quake)[:-7]}merge/", {"into": vote.pk})
    assert response["Location"] == _page(vote)
    quake.refresh_from_db()
    vote.refresh_from_db()
    older.refresh_from_db()
    assert quake.merged_into_id == vote.pk and older.merged_into_id == vote.pk  # a chain is one step
    assert (quake.article_count, vote.article_count, vote.outlet_count) == (0, 5, 4)
    assert set(EventArticle.objects.filter(event=vote).values_list("method", flat=True)) == {"editor", "similar"}
    page = client.get(_page(quake)).content.decode()
    assert "This event was merged into" in page and "Move the ticked articles" not in page


def test_merging_into_an_event_merged_meanwhile_is_refused(client, editor, two):
    quake, vote = two["quake"], two["vote"]
    event_merge(event=vote, into=event_with("Budget passes", [{"outlet": outlet("Delta", "GB")}]), actor=editor)
    client.force_login(editor)
    response = client.post(f"{_page(quake)[:-7]}merge/", {"into": vote.pk})
    assert response.status_code == 409 and "merged into “Budget passes” meanwhile" in response.content.decode()
    quake.refresh_from_db()
    assert quake.merged_into_id is None and quake.article_count == 3


def test_writers_may_not_move_or_merge(client, writer, two):
    client.force_login(writer)
    quake, vote, stray = two["quake"], two["vote"], two["stray"]
    assert client.post(f"{_page(quake)[:-7]}move/", {"articles": [stray.pk], "to_event": vote.pk}).status_code == 403
    assert client.post(f"{_page(quake)[:-7]}merge/", {"into": vote.pk}).status_code == 403
    assert EventArticle.objects.get(article=stray).event_id == quake.pk
