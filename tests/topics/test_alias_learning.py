"""Editors' decisions per alias: counted, an alias they keep removing is switched off, and an editor switches it on."""

import pytest
from django.urls import reverse

from sources.ingest import article_topics_match
from sources.models import ArticleTopic
from sources.services import article_topic_decide, article_topics_decide, topic_aliases_recount
from tests.factories import SourceArticleFactory, TopicFactory
from topics.matching import topic_matcher_get
from topics.models import TopicAlias
from topics.services import ALIAS_REVIEW_MIN_DECISIONS, alias_needs_review, topic_alias_review

pytestmark = pytest.mark.django_db

R, C = ArticleTopic.Status.REMOVED, ArticleTopic.Status.CONFIRMED


@pytest.fixture
def mexico():
    return TopicFactory(name="Mexico", kind="country", aliases="United Mexican States")


def matched(titles: list[str]) -> list[ArticleTopic]:
    articles = [SourceArticleFactory(title=title) for title in titles]
    article_topics_match(articles=articles)
    return list(ArticleTopic.objects.filter(article__in=articles).order_by("article_id"))


def test_each_automatic_match_records_the_alias_that_made_it(mexico):
    links = matched(["Mexican peso slides", "Mexico recalls envoy", "Talks in the United Mexican States"])
    assert [link.matched_as for link in links] == ["Mexican", "Mexico", "United Mexican States"]


def test_the_threshold():
    assert ALIAS_REVIEW_MIN_DECISIONS == 5
    assert not alias_needs_review(decisions=4, removed=4)  # too few decisions yet
    assert alias_needs_review(decisions=5, removed=3)  # 60%
    assert not alias_needs_review(decisions=5, removed=2)


def test_an_alias_editors_keep_removing_is_switched_off_and_no_longer_matches(mexico, editor):
    links = matched([f"Mexican story {i}" for i in range(5)] + ["Mexico story"])
    for link, status in zip(links[:5], [R, R, R, C, R], strict=True):
        article_topic_decide(link=link, status=status, actor=editor)
    state = TopicAlias.objects.get(topic=mexico, alias="Mexican")
    assert (state.confirmed, state.removed, state.is_disabled) == (1, 4, True) and state.flagged_at
    assert TopicAlias.objects.filter(topic=mexico, alias="Mexico").count() == 0  # no decision on it yet
    # The matcher notices at its next batch: "Mexican" no longer matches, "Mexico" still does.
    assert topic_matcher_get().match("Mexican exports rise") == set()
    assert topic_matcher_get().match("Mexico exports rise") == {mexico.pk}


def test_a_confirmed_alias_stays_on_and_counts_are_recomputed_not_added(mexico, editor):
    links = matched([f"Mexican story {i}" for i in range(6)])
    article_topics_decide(links=ArticleTopic.objects.filter(pk__in=[link.pk for link in links]), status=C, actor=editor)
    topic_aliases_recount(pairs={(mexico.pk, "Mexican")})  # again: nothing doubles
    state = TopicAlias.objects.get(topic=mexico, alias="Mexican")
    assert (state.confirmed, state.removed, state.is_disabled) == (6, 0, False)


def test_switched_back_on_it_needs_five_new_decisions_to_be_switched_off_again(mexico, editor):
    links = matched([f"Mexican story {i}" for i in range(12)])
    article_topics_decide(links=ArticleTopic.objects.filter(pk__in=[link.pk for link in links[:5]]), status=R, actor=editor)
    state = TopicAlias.objects.get(topic=mexico, alias="Mexican")
    assert state.is_disabled
    topic_alias_review(state=state, enabled=True, actor=editor)
    assert topic_matcher_get().match("Mexican exports rise") == {mexico.pk}
    for link in links[5:9]:
        article_topic_decide(link=link, status=R, actor=editor)
    state.refresh_from_db()
    assert not state.is_disabled and state.removed == 9  # 4 removals since the review: not yet
    article_topic_decide(link=links[9], status=R, actor=editor)
    state.refresh_from_db()
    assert state.is_disabled


def test_the_topic_page_shows_each_alias_with_its_counts_and_an_editor_switches_it_on(mexico, editor, client):
    links = matched([f"Mexican story {i}" for i in range(5)])
    article_topics_decide(links=ArticleTopic.objects.filter(pk__in=[link.pk for link in links]), status=R, actor=editor)
    client.force_login(editor)
    page = " ".join(client.get(reverse("admin:topics_topic_change", args=[mexico.pk])).content.decode().split())
    assert "Aliases in matching" in page
    assert "<td>Mexican</td><td>0</td><td>5</td> <td><b" in page and "switched off</b> (flagged)" in page
    assert "<td>United Mexican States</td><td>0</td><td>0</td> <td>on</td>" in page
    assert 'value="on:Mexican"> <button type="submit" class="button">Switch on</button>' in page
    assert 'value="off:Mexico"> <button type="submit" class="button">Switch off</button>' in page
    assert page.index("Aliases in matching") > page.index("</form>")  # its own forms, after the topic's
    listing = client.get(reverse("admin:topics_topic_changelist") + "?aliases=off").content.decode()
    assert "Mexico" in listing
    response = client.post(reverse("admin:topics_topic_alias", args=[mexico.pk]), {"alias_toggle": "on:Mexican"})
    assert response.status_code == 302
    state = TopicAlias.objects.get(topic=mexico, alias="Mexican")
    assert not state.is_disabled and state.reviewed_at and state.reviewed_by == editor
    page = client.get(reverse("admin:topics_topic_change", args=[mexico.pk])).content.decode()
    assert "on, reviewed" in page
    assert "Switch on" not in page
    client.post(reverse("admin:topics_topic_alias", args=[mexico.pk]), {"alias_toggle": "off:Mexico"})
    assert TopicAlias.objects.get(topic=mexico, alias="Mexico").is_disabled  # off by hand
    assert topic_matcher_get().match("Mexico recalls envoy") == set()


def test_writers_see_the_aliases_but_cannot_switch_them(mexico, writer, client):
    client.force_login(writer)
    page = client.get(reverse("admin:topics_topic_change", args=[mexico.pk])).content.decode()
    assert "United Mexican States" in page and "Switch off" not in page
    response = client.post(reverse("admin:topics_topic_alias", args=[mexico.pk]), {"alias_toggle": "off:Mexico"})
    assert response.status_code == 403
    assert not TopicAlias.objects.filter(is_disabled=True).exists()


def test_removing_matches_in_the_article_page_counts_too(mexico, admin_client):
    (link,) = matched(["Mexican peso slides"])
    prefix = "article_topics"
    data = {
        "outlet": link.article.outlet_id,
        "url": link.article.url,
        "title": link.article.title,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": link.pk,
        f"{prefix}-0-article": link.article_id,
        f"{prefix}-0-topic": mexico.pk,
        f"{prefix}-0-status": R,
    }
    response = admin_client.post(reverse("admin:sources_sourcearticle_change", args=[link.article_id]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    state = TopicAlias.objects.get(topic=mexico, alias="Mexican")
    assert (state.confirmed, state.removed) == (0, 1)
