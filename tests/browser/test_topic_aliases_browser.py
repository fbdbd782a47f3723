"""In Chromium: an editor sees, on a topic's page, how each of its names fared with editors, and switches one back on."""

import pytest

from sources.ingest import article_topics_match
from sources.models import ArticleTopic
from sources.services import article_topics_decide
from tests.browser.test_workflow_browser import sign_in
from tests.factories import SourceArticleFactory, TopicFactory
from topics.models import TopicAlias

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_switches_an_alias_back_on_from_the_topic_page(browser, live_server, editor, tmp_path):
    mexico = TopicFactory(name="Mexico", kind="country", aliases="United Mexican States")
    articles = [SourceArticleFactory(title=f"Mexican story {i}") for i in range(6)]
    article_topics_match(articles=articles)
    links = ArticleTopic.objects.filter(topic=mexico)
    article_topics_decide(links=links.filter(article__in=articles[:5]), status=ArticleTopic.Status.REMOVED, actor=editor)
    article_topics_decide(links=links.filter(article=articles[5]), status=ArticleTopic.Status.CONFIRMED, actor=editor)
    assert TopicAlias.objects.get(topic=mexico, alias="Mexican").is_disabled

    context, page = sign_in(browser, live_server, editor.username)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/topics/topic/{mexico.pk}/change/")
    table = page.locator("#aliases table")
    rows = {row.locator("td").first.inner_text(): row.inner_text() for row in table.locator("tbody tr").all()}
    assert set(rows) == {"Mexico", "United Mexican States", "Mexican"}
    assert "switched off" in rows["Mexican"] and "\t1\t5\t" in rows["Mexican"]
    page.mouse.wheel(0, 5000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(tmp_path / "topic-aliases.png"))
    mexican = page.locator("#aliases tbody tr").nth(2)  # the topic's names first, then what else has matched
    assert mexican.locator("td").first.inner_text() == "Mexican"
    mexican.get_by_role("button", name="Switch on").click()
    page.wait_for_selector(".messagelist .success")
    assert "on, reviewed" in page.locator("#aliases tbody tr").nth(2).inner_text()
    state = TopicAlias.objects.get(topic=mexico, alias="Mexican")
    assert not state.is_disabled and state.reviewed_by == editor
    assert not errors
    context.close()
