"""The page cache across processes: gunicorn's two workers keep pages in their
own memory (newsroom/tracked_cache.py), and a change made in another process
shows on the very next request to either of them.
"""

import threading
import time
import urllib.request

import pytest

from stories.demo import demo_load
from stories.models import Story
from stories.workflow import story_publish
from topics.services import topic_save

from .stack import start_gunicorn

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class Readers:
    """Threads GETting one URL in a loop, recording (started, cache header, body) of each response."""

    def __init__(self, url: str, threads: int = 4):
        self.url, self.seen, self._stop = url, [], threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self):
        while not self._stop.is_set():
            started = time.monotonic()
            with urllib.request.urlopen(self.url, timeout=10) as response:
                self.seen.append((started, response.headers["X-Page-Cache"], response.read().decode()))

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def since(self, moment: float) -> list[tuple[float, str, str]]:
        return [seen for seen in self.seen if seen[0] > moment]


@pytest.fixture
def served(postgres, redis_url, tmp_path):
    demo_load()
    story = Story.objects.live().get()
    web, base = start_gunicorn(tmp_path)
    yield story, base + story.get_absolute_url()
    web.stop()


def _changed_while_read(url: str, change) -> tuple[list, list]:
    """Readers before and after ``change()`` returns, as (started, X-Page-Cache, body) tuples."""
    with Readers(url) as readers:
        time.sleep(1.5)
        change()
        changed = time.monotonic()
        time.sleep(1.5)
    before = [seen for seen in readers.seen if seen[0] < changed]
    return before, readers.since(changed)


def test_a_correction_published_elsewhere_is_on_every_next_page_from_every_worker(served, editor):
    story, url = served

    def correct():
        Story.objects.filter(pk=story.pk).update(headline="A corrected headline for the cache test")
        story_publish(story=Story.objects.get(pk=story.pk), actor=editor, note="We corrected the headline.")

    before, after = _changed_while_read(url, correct)
    assert sum(1 for _, cache, _ in before if cache == "hit") > 50  # the workers were answering from memory
    assert len(after) > 50
    stale = [seen for seen in after if "A corrected headline for the cache test" not in seen[2]]
    assert len(stale) == 0, f"{len(stale)} of {len(after)} pages after the correction were stale"
    assert sum(1 for _, cache, _ in after if cache == "hit") > 40  # and answer from memory again


def test_a_topic_renamed_elsewhere_is_on_every_next_page(served):
    story, url = served
    topic = story.live_topics.order_by("pk").first()

    def rename():
        topic.name = "A renamed topic for the cache test"
        topic_save(topic=topic)

    _, after = _changed_while_read(url, rename)
    assert len(after) > 50
    stale = [seen for seen in after if "A renamed topic for the cache test" not in seen[2]]
    assert len(stale) == 0, f"{len(stale)} of {len(after)} pages after the rename were stale"
