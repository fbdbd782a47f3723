"""The editorial desk (the admin's home): what waits on an editor, and a writer's own stories, one click each."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stories.models import Story, Transition
from stories.workflow import story_publish, story_return, story_schedule, story_submit
from tests.factories import FeedFactory, build_story

pytestmark = pytest.mark.django_db


def _panel(html: str, key: str) -> str:
    return re.search(rf'<section class="desk-panel desk-{key}[^"]*".*?</section>', html, re.S).group(0)


def _titles(panel: str) -> list[str]:
    return re.findall(r'<a class="desk-title" href="[^"]+">([^<]+)</a>', panel)


def _draft(author, headline, **fields):
    return build_story(publish=False, author=author, headline=headline, **fields)


def test_the_editor_sees_the_review_queue_oldest_first_with_waiting_time_and_each_one_click_away(client, editor, writer):
    now = timezone.now()
    newer = story_submit(story=_draft(writer, "Newer submission"), actor=writer)
    older = story_submit(story=_draft(writer, "Older submission"), actor=writer, comment="Ready, I think")
    Transition.objects.filter(story=older).update(created_at=now - timedelta(hours=5, minutes=1))
    Transition.objects.filter(story=newer).update(created_at=now - timedelta(minutes=20))
    _draft(writer, "Still a draft")
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    queue = _panel(html, "review")
    assert _titles(queue) == ["Older submission", "Newer submission"]
    assert "waiting 5\xa0hours" in queue and "waiting 20\xa0minutes" in queue
    assert "Ready, I think" in queue and '<span class="desk-count" aria-label="2 items">2</span>' in queue
    assert f'href="/admin/stories/story/{older.pk}/change/"' in queue
    assert "attention" in re.search(r'<section class="desk-panel desk-review[^"]*"', html).group(0)


def test_the_editor_sees_scheduled_overdue_changed_recent_and_failing_feeds(client, editor, writer):
    due = story_schedule(story=_draft(writer, "Due long ago"), actor=editor, publish_at=timezone.now() + timedelta(minutes=1))
    Story.objects.filter(pk=due.pk).update(publish_at=timezone.now() - timedelta(hours=2))
    story_schedule(story=_draft(writer, "Tomorrow's story"), actor=editor, publish_at=timezone.now() + timedelta(days=1))
    live = build_story(headline="Live and edited")
    Story.objects.filter(pk=live.pk).update(has_unpublished_changes=True)
    FeedFactory(title="World", consecutive_failures=4, last_error="HTTP 503 from the server")
    FeedFactory(title="Healthy")
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    scheduled = _panel(html, "scheduled")
    assert _titles(scheduled) == ["Due long ago", "Tomorrow&#x27;s story"]
    assert scheduled.count("desk-flag") == 1 and "Overdue" in scheduled
    assert _titles(_panel(html, "changed")) == ["Live and edited"]
    assert "Live and edited" in _titles(_panel(html, "recent"))
    feeds = _panel(html, "feeds")
    assert "World" in feeds and "4 failed fetches in a row" in feeds and "HTTP 503" in feeds and "Healthy" not in feeds


def test_a_writer_sees_the_comment_of_a_returned_story_and_only_their_own_stories(client, editor, writer):
    returned = story_submit(story=_draft(writer, "Needs work"), actor=writer)
    story_return(story=returned, actor=editor, comment="Add a second source for the vote count.")
    _draft(writer, "My fresh draft")
    story_submit(story=_draft(writer, "Waiting on the desk"), actor=writer)
    story_publish(story=_draft(writer, "Out already"), actor=editor)
    _draft(editor, "Someone else's draft")
    client.force_login(writer)
    html = client.get("/admin/").content.decode()
    back = _panel(html, "returned")
    assert _titles(back) == ["Needs work"] and "Add a second source for the vote count." in back and "Editor" in back
    assert _titles(_panel(html, "drafts")) == ["My fresh draft"]
    assert _titles(_panel(html, "in_review")) == ["Waiting on the desk"]
    assert _titles(_panel(html, "published")) == ["Out already"]
    assert "Someone else" not in html and "desk-review" not in html


def test_the_desk_costs_the_same_queries_whatever_the_queue(client, editor, writer):
    counts = []
    for n in (1, 6):
        for i in range(n):
            story_submit(story=_draft(writer, f"Queue {n}-{i}"), actor=writer, comment="ok")
        client.force_login(editor)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
