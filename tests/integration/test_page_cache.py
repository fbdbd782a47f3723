"""The page cache across processes: gunicorn's two workers keep pages in their
own memory (newsroom/tracked_cache.py), and a change made in another process
shows on the very next request to either of them.
"""

import time
import urllib.request

import pytest

from stories.demo import demo_load
from stories.models import Story
from stories.workflow import story_publish
from topics.services import topic_save

from .stack import Load, start_gunicorn

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _page(url: str) -> tuple[str, str]:
    """(X-Page-Cache, body) of a GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers["X-Page-Cache"], response.read().decode()


@pytest.fixture
def served(postgres, redis_url, tmp_path):
    demo_load()
    story = Story.objects.live().get()
    web, base = start_gunicorn(tmp_path)
    yield story, base + story.get_absolute_url()
    web.stop()


def _changed_while_read(url: str, change) -> tuple[list, list]:
    """(X-Page-Cache, body) of the GETs started before ``change()`` returned, and of those started after."""
    with Load([url], fetch=_page) as readers:
        time.sleep(1.5)
        change()
        changed = time.monotonic()
        time.sleep(1.5)
    return readers.seen(until=changed), readers.seen(since=changed)


def test_a_correction_published_elsewhere_is_on_every_next_page_from_every_worker(served, editor):
    story, url = served

    def correct():
        Story.objects.filter(pk=story.pk).update(headline="A corrected headline for the cache test")
        story_publish(story=Story.objects.get(pk=story.pk), actor=editor, note="We corrected the headline.")

    before, after = _changed_while_read(url, correct)
    assert sum(1 for cache, _ in before if cache == "hit") > 50  # the workers were answering from memory
    assert len(after) > 50
    stale = [page for _, page in after if "A corrected headline for the cache test" not in page]
    assert len(stale) == 0, f"{len(stale)} of {len(after)} pages after the correction were stale"
    assert sum(1 for cache, _ in after if cache == "hit") > 40  # and answer from memory again


def test_a_topic_renamed_elsewhere_is_on_every_next_page(served):
    story, url = served
    topic = story.live_topics.order_by("pk").first()

    def rename():
        topic.name = "A renamed topic for the cache test"
        topic_save(topic=topic)

    _, after = _changed_while_read(url, rename)
    assert len(after) > 50
    stale = [page for _, page in after if "A renamed topic for the cache test" not in page]
    assert len(stale) == 0, f"{len(stale)} of {len(after)} pages after the rename were stale"
