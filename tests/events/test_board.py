"""The Developing board: ranking by outlet diversity and velocity, what each row shows, its cost, who sees it."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from events.selectors import board_rows
from newsroom.formats import when
from tests.events.builders import event_with, outlet
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

BOARD = "/admin/events/event/"


def _titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/admin/events/event/\d+/change/">([^<]+)</a></h2>', html)


def _row(html: str, event: Event) -> str:
    pattern = rf'<li class="board-row" id="event-{event.pk}">.*?</li>\s*(?=<li class="board-row"|</ol>)'
    return re.search(pattern, html, re.S).group(0)


@pytest.fixture
def spread():
    """Four events a newsroom would rank differently by article count, by outlets and by speed."""
    now = timezone.now()
    countries = [outlet(f"Paper {c}", c, lang) for c, lang in (("MX", "es"), ("PE", "es"), ("FR", "fr"), ("GB", "en"))]
    peru = TopicFactory(name="Peru")
    wide = event_with(
        "Ministers meet on the border",
        [{"outlet": o, "hours_ago": 20, "topics": [peru]} for o in countries],
        now=now,
    )  # 4 outlets in 4 countries, quiet for 20 hours: diversity 8, score 8
    local = [outlet(f"Local {i}", "US", "en") for i in range(3)]
    growing = event_with(
        "Storm nears the coast",
        [{"outlet": local[i % 3], "hours_ago": 0.2 + i * 0.4} for i in range(12)],
        now=now,
    )  # 3 outlets, 1 country: diversity 4; 12 articles in 6 hours = 2 an hour: 4 × (1 + log2 3) = 10.34
    blog = outlet("Live Blog Daily", "US", "en")
    liveblog = event_with(
        "Minute by minute: the count",
        [{"outlet": blog, "hours_ago": 0.1 + i * 0.19} for i in range(30)],
        now=now,
    )  # one outlet's live blog: diversity 2; 5 an hour: 2 × (1 + log2 6) = 7.17
    old = event_with("Last week's summit", [{"outlet": countries[0], "hours_ago": 24 * 5}], now=now)
    merged = event_with("Merged away", [{"outlet": countries[1], "hours_ago": 1}], now=now)
    Event.objects.filter(pk=merged.pk).update(merged_into=wide)
    return {"wide": wide, "growing": growing, "liveblog": liveblog, "old": old, "merged": merged, "peru": peru, "now": now}


def test_the_board_ranks_a_growing_event_above_a_wide_quiet_one_and_a_one_outlet_live_blog_last(client, editor, spread):
    client.force_login(editor)
    html = client.get(BOARD).content.decode()
    assert _titles(html) == ["Storm nears the coast", "Ministers meet on the border", "Minute by minute: the count"]
    assert "Merged away" not in html and "Last week" not in html  # merged events never; older than 3 days not by default
    rows = {row.event.title: row for row in board_rows(now=spread["now"])}
    assert rows["Storm nears the coast"].score == pytest.approx(10.34, abs=0.01)
    assert rows["Storm nears the coast"].velocity == 2.0
    assert rows["Ministers meet on the border"].score == 8.0
    assert rows["Minute by minute: the count"].score == pytest.approx(7.17, abs=0.01)
    week = client.get(BOARD, {"days": 7}).content.decode()
    assert "Last week&#x27;s summit" in week and 'aria-current="page">7 days' in week


def test_each_row_shows_outlets_countries_languages_topics_and_times_in_the_house_format(client, writer, spread):
    removed = TopicFactory(name="Mexico")
    wide = spread["wide"]
    event_with("unused", [])  # an empty event is not on the board
    first = wide.memberships.select_related("article").first().article
    from sources.models import ArticleTopic

    ArticleTopic.objects.create(article=first, topic=removed, status=ArticleTopic.Status.REMOVED)
    client.force_login(writer)
    row = _row(client.get(BOARD).content.decode(), wide)
    assert "Paper FR, Paper GB, Paper MX, Paper PE" in row
    assert "<dd>FR, GB, MX, PE</dd>" in row and "<dd>en, es, fr</dd>" in row
    assert "Peru (4)" in row and "Mexico" not in row  # an editor's removal is respected
    wide.refresh_from_db()
    assert f"first {when(wide.first_seen_at)}, latest {when(wide.last_seen_at)}" in row
    assert "UTC" in when(wide.first_seen_at)


def test_the_sparkline_is_an_image_with_a_text_alternative(client, editor, spread):
    client.force_login(editor)
    row = _row(client.get(BOARD).content.decode(), spread["growing"])
    svg = re.search(r'<svg class="sparkline" role="img" aria-label="([^"]+)"[^>]*><title>([^<]+)</title>(.*?)</svg>', row, re.S)
    assert svg.group(1) == svg.group(2)
    assert svg.group(1).startswith("12 articles in 3 days, most (")
    assert svg.group(1).endswith("12 in the last 6 hours.")
    assert svg.group(3).count("<rect") == 24


def test_the_board_costs_the_same_queries_for_one_event_and_for_six(client, editor):
    client.force_login(editor)
    topic = TopicFactory()
    counts = []
    for n in (1, 6):
        for i in range(n):
            event_with(f"Event {n}-{i}", [{"outlet": outlet(f"O{n}{i}{j}", "MX"), "topics": [topic]} for j in range(3)])
        client.get(BOARD)  # the session and permissions are read once
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(BOARD).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8, [q["sql"][:80] for q in ctx.captured_queries]


def test_the_board_is_linked_from_the_desk_and_lists_the_top_events_there(client, editor, spread):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert f'href="{BOARD}">Developing board</a>' in html
    panel = re.search(r'<section class="desk-panel desk-developing.*?</section>', html, re.S).group(0)
    assert re.findall(r'class="desk-title" href="[^"]+">([^<]+)</a>', panel)[0] == "Storm nears the coast"
    assert "3 outlets · 1 country · 12 new in 6 h" in panel and "Open the board" in panel


def test_writers_see_the_board_but_cannot_correct_events_and_others_cannot_see_it(client, writer, spread):
    client.force_login(writer)
    assert client.get(BOARD).status_code == 200
    page = client.get(f"/admin/events/event/{spread['wide'].pk}/change/").content.decode()
    assert "Start a story" in page and "Move the ticked articles" not in page and "Merge" not in page
    client.force_login(UserFactory(username="visitor", is_staff=True))
    assert client.get(BOARD).status_code == 403


def test_a_bad_period_is_said_and_the_default_shown(client, editor, spread):
    client.force_login(editor)
    html = client.get(BOARD, {"days": "999"}).content.decode()
    assert "Showing the last 3 days: choose 1, 3 or 7 days." in html
    assert _titles(html)[0] == "Storm nears the coast"


def test_the_event_page_lists_its_articles_with_outlet_language_time_and_link(client, editor, spread):
    client.force_login(editor)
    page = client.get(f"/admin/events/event/{spread['wide'].pk}/change/").content.decode()
    article = spread["wide"].memberships.select_related("article__outlet").first().article
    assert article.title in page and article.url in page
    assert f"{article.outlet.name} · {article.outlet.language} · {when(article.published_at)}" in page


def test_articles_without_a_published_time_count_from_when_they_were_seen(client, editor):
    now = timezone.now()
    event = event_with("Undated wire", [{"outlet": outlet("Wire", "US")}], now=now)
    event.memberships.first().article.__class__.objects.update(published_at=None)
    rows = board_rows(now=now + timedelta(minutes=1))
    assert rows[0].recent == 1
