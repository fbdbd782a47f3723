"""Load the demo content (the seed story page) from ``stories/demo/*.json``.

Idempotent: every row is compared with the data file and written only when
it differs, and the story is published again only when its working copy no
longer matches its live revision. A second run writes nothing.
"""

import io
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from faq.models import CommonQuestion, QuestionItem
from images.ingest import image_ingest
from images.models import Image
from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import change_record
from newsroom.richtext import sanitize_html, text_to_html
from sources.models import Feed, Outlet
from topics.models import Topic

from .models import Citation, SectionBlock, Story, StoryQuestion, StoryTopic
from .revisions import snapshot_content, story_snapshot
from .workflow import story_publish, story_saved

DEMO_FILE = Path(__file__).parent / "demo" / "peru-mexico.json"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.published)


def _upsert(model, report: LoadReport, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.created.append(f"{model._meta.verbose_name} {obj}")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        report.updated.append(f"{model._meta.verbose_name} {obj}")
    return obj


def _sync_rows(queryset, report: LoadReport, label: str, current: list, wanted: list, create) -> None:
    """Replace an ordered child list when it differs from the data file."""
    if current == wanted:
        return
    queryset.delete()
    for position, row in enumerate(wanted):
        create(position, row)
    report.updated.append(label)


@transaction.atomic
def demo_load(*, path: Path = DEMO_FILE) -> LoadReport:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = LoadReport()
    outlets = {o["slug"]: _load_outlet(o, report) for o in data["outlets"]}
    topics = {t["slug"]: _load_topic(t, report) for t in data["topics"]}
    questions = {q["slug"]: _load_question(q, topics, report) for q in data["questions"]}
    for story_data in data["stories"]:
        _load_story(story_data, outlets, topics, questions, report)
    return report


def _load_outlet(o: dict, report: LoadReport) -> Outlet:
    changes = _change_count(report)
    outlet = _upsert(
        Outlet,
        report,
        {"slug": o["slug"]},
        {"name": o["name"], "homepage": o["homepage"], "country": o["country"], "language": o["language"]},
    )
    if _change_count(report) != changes:
        change_record(ChangeEvent.Kind.OUTLET, outlet)  # the API's sync feed and cache purges hear of it
    for feed in o.get("feeds", []):
        _upsert(Feed, report, {"url": feed["url"]}, {"outlet": outlet, "title": feed["title"]})
    return outlet


def _load_topic(t: dict, report: LoadReport) -> Topic:
    changes = _change_count(report)
    topic = _upsert(
        Topic,
        report,
        {"slug": t["slug"]},
        {
            "name": t["name"],
            "kind": t["kind"],
            "description": t["description"],
            "aliases": "\n".join(t.get("aliases", [])),
            "external_url": t.get("external_url", ""),
            "image": _topic_image(t),
        },
    )
    if _change_count(report) != changes:
        change_record(ChangeEvent.Kind.TOPIC, topic)  # the API's sync feed and cache purges hear of it
    return topic


def _change_count(report: LoadReport) -> int:
    return len(report.created) + len(report.updated)


def _load_question(q: dict, topics: dict, report: LoadReport) -> CommonQuestion:
    changes = _change_count(report)
    question = _upsert(
        CommonQuestion,
        report,
        {"slug": q["slug"]},
        {"question": q["question"], "teaser": q["teaser"], "status": CommonQuestion.Status.PUBLISHED},
    )
    if question.published_at is None:
        question.mark_published_time()
        question.save(update_fields=["published_at"])
    wanted_topics = {topics[s].pk for s in q.get("topics", [])}
    if set(question.topics.values_list("pk", flat=True)) != wanted_topics:
        question.topics.set(wanted_topics)
        report.updated.append(f"topics of {question}")
    wanted = [(i["question"], sanitize_html(text_to_html(i["answer"]))) for i in q["items"]]
    _sync_rows(
        question.items.all(),
        report,
        f"items of {question}",
        list(question.items.values_list("question", "answer")),
        wanted,
        lambda pos, row: QuestionItem.objects.create(common_question=question, position=pos, question=row[0], answer=row[1]),
    )
    if _change_count(report) != changes:
        change_record(ChangeEvent.Kind.QUESTION, question)
    return question


def _load_story(s: dict, outlets: dict, topics: dict, questions: dict, report: LoadReport) -> Story:
    changes = _change_count(report)
    story = _upsert(
        Story,
        report,
        {"slug": s["slug"]},
        {
            "headline": s["headline"], "summary": s["summary"], "event_date": _date(s.get("event_date")),
            "lead_image": _flags_image(), "lead_image_caption": "",
        },
    )  # fmt: skip
    blocks = [(b["kind"], b.get("heading", ""), sanitize_html(text_to_html(b["body"]))) for b in s["blocks"]]
    _sync_rows(
        story.blocks.all(),
        report,
        f"sections of {story}",
        list(story.blocks.values_list("kind", "heading", "body")),
        blocks,
        lambda pos, row: SectionBlock.objects.create(story=story, position=pos, kind=row[0], heading=row[1], body=row[2]),
    )
    citations = [(outlets[c["outlet"]].pk, c["url"], c["claim"], c.get("quote", "")) for c in s["citations"]]
    _sync_rows(
        story.citations.all(),
        report,
        f"citations of {story}",
        list(story.citations.values_list("outlet_id", "url", "claim", "quote")),
        citations,
        lambda pos, row: Citation.objects.create(
            story=story, position=pos, outlet_id=row[0], url=row[1], claim=row[2], quote=row[3]
        ),
    )
    _sync_rows(
        story.story_topics.all(),
        report,
        f"topics of {story}",
        list(story.story_topics.values_list("topic_id", flat=True)),
        [topics[t].pk for t in s["topics"]],
        lambda pos, pk: StoryTopic.objects.create(story=story, topic_id=pk, position=pos),
    )
    _sync_rows(
        story.story_questions.all(),
        report,
        f"questions of {story}",
        list(story.story_questions.values_list("question_id", flat=True)),
        [questions[q].pk for q in s["questions"]],
        lambda pos, pk: StoryQuestion.objects.create(story=story, question_id=pk, position=pos),
    )
    if _change_count(report) != changes:
        # The working copy changed as an editor's save would: record it (revision, version bump).
        story_saved(story=story, actor=None, message="Demo content")
    live = story.live_revision.data if story.live_revision_id else None
    if not story.is_live or snapshot_content(live) != snapshot_content(story_snapshot(story=story)):
        story_publish(story=story, actor=None, message="Demo content")
        report.published.append(str(story))
    return story


def _flags_image() -> Image:
    """The seed story's lead image, drawn by the project (nothing we lack the rights to): the flags of Peru
    and Mexico side by side, 16:9. The same bytes every time, so loading again finds it in the library."""
    picture = PILImage.new("RGB", (1920, 1080), (245, 245, 240))
    draw = ImageDraw.Draw(picture)
    for left, colours in ((120, ((217, 16, 35), "white", (217, 16, 35))), (1020, ((0, 104, 71), "white", (206, 17, 38)))):
        for band, colour in enumerate(colours):  # three vertical bands, 2:3 flags of 780 × 520
            draw.rectangle((left + band * 260, 280, left + (band + 1) * 260 - 1, 799), fill=colour)
        draw.rectangle((left, 280, left + 779, 799), outline=(60, 60, 60), width=3)
    draw.ellipse((1020 + 330, 480, 1020 + 450, 600), outline=(120, 80, 40), width=10)  # Mexico's emblem, simplified
    draw.ellipse((120 + 340, 500, 120 + 440, 600), outline=(40, 110, 40), width=8)  # Peru's coat of arms, simplified
    out = io.BytesIO()
    picture.save(out, "PNG")
    return image_ingest(
        upload=ContentFile(out.getvalue(), name="peru-mexico-flags.png"), title="Flags of Peru and Mexico",
        alt_text="The flags of Peru (red, white, red) and Mexico (green, white, red) side by side",
        caption="Peru and Mexico", credit="Newsroom (drawn for the demo)", licence="Made by the project",
    )  # fmt: skip


# Flags the demo draws as three vertical bands (left, middle, right), with a simplified emblem's colour.
FLAGS = {
    "peru": (((217, 16, 35), (255, 255, 255), (217, 16, 35)), (40, 110, 40)),
    "mexico": (((0, 104, 71), (255, 255, 255), (206, 17, 38)), (120, 80, 40)),
}
MONOGRAM_COLOURS = [(11, 79, 156), (90, 45, 130), (20, 110, 90), (150, 60, 30), (60, 60, 60)]


def _topic_image(t: dict) -> Image:
    """A topic card's picture, drawn by the project: a country's flag, else a monogram of its initials
    (no portrait we lack the rights to). The same bytes every time, so loading again finds it."""
    size = 480  # cards show it at 72 px, topic pages at 128 px: 480 covers three times that
    picture = PILImage.new("RGB", (size, size), (245, 245, 240))
    draw = ImageDraw.Draw(picture)
    if t["slug"] in FLAGS:
        bands, emblem = FLAGS[t["slug"]]
        for band, colour in enumerate(bands):
            draw.rectangle((band * size // 3, 0, (band + 1) * size // 3 - 1, size - 1), fill=colour)
        draw.ellipse((size // 2 - 55, size // 2 - 55, size // 2 + 55, size // 2 + 55), outline=emblem, width=10)
        alt, title = f"The flag of {t['name']}", f"Flag of {t['name']}"
    else:
        initials = "".join(word[0] for word in t["name"].split()[:2]).upper()
        colour = MONOGRAM_COLOURS[sum(map(ord, t["slug"])) % len(MONOGRAM_COLOURS)]
        draw.rectangle((0, 0, size, size), fill=colour)
        font = ImageFont.load_default(size=200)
        draw.text((size // 2, size // 2), initials, fill="white", font=font, anchor="mm")
        alt, title = f"The initials {initials} of {t['name']}, drawn as a monogram", f"Monogram of {t['name']}"
    out = io.BytesIO()
    picture.save(out, "PNG")
    return image_ingest(
        upload=ContentFile(out.getvalue(), name=f"{t['slug']}.png"), title=title, alt_text=alt,
        credit="Newsroom (drawn for the demo)", licence="Made by the project",
    )  # fmt: skip


def _date(value):
    return date.fromisoformat(value) if value else None
