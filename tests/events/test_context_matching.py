"""An event is the context of its articles' topic matches (events/context.py): a headline naming only a surname
is linked to the person once its event's other articles name her in full, through the clustering task."""

import pytest

from events.models import EventArticle
from events.tasks import articles_cluster
from sources.ingest import article_topics_match
from sources.models import ArticleTopic
from tests.factories import OutletFactory, SourceArticleFactory, TopicFactory
from topics.models import Topic

pytestmark = pytest.mark.django_db


def _linked(article) -> set[str]:
    return set(
        ArticleTopic.objects.filter(article=article)
        .exclude(status=ArticleTopic.Status.REMOVED)
        .values_list("topic__name", flat=True)
    )


def test_a_surname_alone_is_matched_through_its_event_and_a_second_run_changes_nothing():
    chavez = TopicFactory(name="Betssy Chávez", kind=Topic.Kind.PERSON, description="")
    TopicFactory(name="Hugo Chávez", kind=Topic.Kind.PERSON, description="")
    first = SourceArticleFactory(
        outlet=OutletFactory(),
        title="Former Peruvian premier Betssy Chávez seeks asylum at Mexico's embassy in Lima",
        summary="Betssy Chávez, prime minister under Pedro Castillo, asked Mexico for asylum on Monday.",
    )
    later = SourceArticleFactory(
        outlet=OutletFactory(),
        title="Chávez seeks asylum at Mexico's embassy in Lima, Peru says",
        summary="Peru's foreign ministry said the former premier asked Mexico for asylum at its Lima embassy.",
    )
    article_topics_match(articles=[first, later])  # what ingestion does: each article alone
    assert "Betssy Chávez" in _linked(first) and "Betssy Chávez" not in _linked(later)  # a surname alone: not enough
    articles_cluster([first.pk, later.pk])
    assert EventArticle.objects.get(article=first).event_id == EventArticle.objects.get(article=later).event_id
    assert "Betssy Chávez" in _linked(later) and "Hugo Chávez" not in _linked(later)
    links = list(ArticleTopic.objects.order_by("pk").values_list("article_id", "topic_id", "status"))
    articles_cluster([first.pk, later.pk])  # delivered twice
    assert list(ArticleTopic.objects.order_by("pk").values_list("article_id", "topic_id", "status")) == links
    assert chavez.pk in {t for _, t, _ in links}


def test_a_match_an_editor_removed_is_not_brought_back_by_the_event():
    chavez = TopicFactory(name="Betssy Chávez", kind=Topic.Kind.PERSON, description="")
    first = SourceArticleFactory(title="Betssy Chávez seeks asylum at Mexico's embassy", summary="Betssy Chávez asked.")
    later = SourceArticleFactory(title="Chávez seeks asylum at Mexico's embassy", summary="The former premier asked.")
    ArticleTopic.objects.create(article=later, topic=chavez, status=ArticleTopic.Status.REMOVED)
    articles_cluster([first.pk, later.pk])
    assert ArticleTopic.objects.get(article=later, topic=chavez).status == ArticleTopic.Status.REMOVED
