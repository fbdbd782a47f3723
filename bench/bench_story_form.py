"""The story form's server time: a story of 12 sections and 15 citations (4 topics, 2 questions) opened in the
admin by an editor, 60 times after 5 warm-ups, through Django's test client (the whole request: middleware,
admin, templates, the rich-text widgets; no network). Prints p50/p95 and the queries of one page.

Runs on a fresh SQLite file unless BENCH_DATABASE_URL is set. Figures only; nothing asserted.
Usage: .venv/bin/python bench/bench_story_form.py  (from a checkout: run it in an older one to compare)
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))
db_file = Path(tempfile.mkdtemp(prefix="bench-form-")) / "db.sqlite3"
os.environ.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{db_file}"))
os.environ.update(DEBUG="0", HTTPS="0", NEWSROOM_ALLOW_INSECURE_KEY="1", ALLOWED_HOSTS="testserver", NEWSROOM_PLAIN_STATIC="1")
os.environ.pop("REDIS_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from faq.models import CommonQuestion  # noqa: E402
from sources.models import Outlet  # noqa: E402
from stories.models import Citation, SectionBlock, Story, StoryQuestion, StoryTopic  # noqa: E402
from topics.models import Topic  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    editor = get_user_model().objects.create_superuser("bench-editor", "bench@example.com", "x")
    story = Story.objects.create(headline="A story of twelve sections", slug="twelve", summary="Fifteen citations.")
    kinds = ["whats_happened", "behind_headline", "papers_say", "how_we_got_here"] + ["custom"] * 8
    for i, kind in enumerate(kinds):
        body = "".join(f"<p>Paragraph {p} of section {i}, with <strong>some</strong> words in it.</p>" for p in range(6))
        SectionBlock.objects.create(
            story=story, position=i, kind=kind, heading=f"Part {i}" if kind == "custom" else "", body=body
        )
    outlets = [Outlet.objects.create(name=f"Outlet {i}", slug=f"outlet-{i}") for i in range(5)]
    for i in range(15):
        Citation.objects.create(
            story=story, position=i, outlet=outlets[i % 5], url=f"https://news.example/{i}", claim=f"Claim {i}."
        )
    for i in range(4):
        StoryTopic.objects.create(story=story, topic=Topic.objects.create(name=f"Topic {i}", slug=f"topic-{i}"), position=i)
    for i in range(2):
        question = CommonQuestion.objects.create(question=f"Question {i}?", slug=f"question-{i}")
        StoryQuestion.objects.create(story=story, question=question, position=i)
    client = Client()
    client.force_login(editor)
    url = f"/admin/stories/story/{story.pk}/change/"
    for _ in range(5):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(60):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"story form, 12 sections, 15 citations: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
          f"{len(queries)} queries, {len(response.content):,} bytes")  # fmt: skip


if __name__ == "__main__":
    main()
