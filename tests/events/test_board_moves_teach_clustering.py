"""An editor's move on the board (events/services.py) rebuilds the events' centroids: the next wire copy of the
moved article joins the event the editor chose, not the one clustering had put it in."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from events.clustering import articles_cluster
from events.models import EventArticle
from events.services import event_articles_move
from tests.factories import OutletFactory, SourceArticleFactory

pytestmark = pytest.mark.django_db

QUAKE = ("Strong earthquake shakes Oaxaca, Mexico; buildings damaged in Juchitán", "A magnitude 6.8 earthquake struck Oaxaca.")
VOTE = ("Peru's Congress censures interior minister over crime wave", "Lawmakers voted 78 to 20 to censure the minister.")
STRAY = ("Oaxaca earthquake: Peru's Congress sends condolences", "Lawmakers in Lima voted a message to Oaxaca.")


def _article(title, summary):
    return SourceArticleFactory(outlet=OutletFactory(), title=title, summary=summary)


def _editor():
    user = get_user_model().objects.create_user("ed", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_event"))
    return get_user_model().objects.get(pk=user.pk)


def test_a_wire_copy_follows_the_article_where_the_editor_moved_it():
    quake, vote, stray = _article(*QUAKE), _article(*VOTE), _article(*STRAY)
    articles_cluster([quake.pk, vote.pk, stray.pk])
    where = {a.pk: EventArticle.objects.get(article=a).event for a in (quake, vote, stray)}
    other = where[vote.pk] if where[stray.pk] == where[quake.pk] else where[quake.pk]
    event_articles_move(article_ids=[stray.pk], from_event_id=where[stray.pk].pk, to_event=other, actor=_editor())
    copy = _article(*STRAY)  # the same wire copy in another outlet's feed
    articles_cluster([copy.pk])
    assert EventArticle.objects.get(article=copy).event_id == other.pk
    assert EventArticle.objects.get(article=stray).method == EventArticle.Method.EDITOR
