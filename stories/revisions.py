"""Snapshots of a story's whole tree, as stored in revisions, and their comparison."""

import difflib
import re
from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from django.utils.dateparse import parse_date

from faq.models import CommonQuestion
from images.models import Image as LibraryImage
from newsroom.auth import byline
from newsroom.richtext import figure_ids, figures_expand, html_to_text
from sources.models import Outlet
from topics.models import Topic

from .models import Story

SNAPSHOT_SCHEMA = 1


class BlockData(TypedDict):
    kind: str  # a SectionBlock.Kind value
    heading: str
    body: str  # sanitised HTML


class CitationData(TypedDict):
    outlet_id: int
    url: str
    source_article_id: int | None
    claim: str
    quote: str


class NoteData(TypedDict):
    text: str
    at: str  # ISO 8601
    at_display: str


class Snapshot(TypedDict):
    """A story's whole tree as a revision stores it (``Revision.data``)."""

    schema: int
    headline: str
    slug: str
    summary: str
    event_date: str | None  # ISO date
    author_name: str  # the byline: "Ana Ruiz and Ben Ode"
    author_names: NotRequired[list[str]]  # with two or more authors, each in byline order
    blocks: list[BlockData]
    citations: list[CitationData]
    topic_ids: list[int]
    question_ids: list[int]
    lead_image_id: NotRequired[int]  # a library image (images.Image)
    lead_image_caption: NotRequired[str]  # instead of the library's caption
    seo_title: NotRequired[str]  # search and link previews: empty means the headline
    seo_description: NotRequired[str]  # empty means the summary
    social_image_id: NotRequired[int]  # link previews: empty means the lead image
    notes: NotRequired[list[NoteData]]  # added by publishing


# Keys that publishing adds to a snapshot; they are not part of the working copy.
PUBLISHING_KEYS = {"notes"}


def story_snapshot(*, story: Story) -> Snapshot:
    """The story's working copy as plain JSON data (one query per child table).

    The lead image's keys are there only when set, so a snapshot of a story
    without one equals those taken before lead images existed.
    """
    data: Snapshot = {
        "schema": SNAPSHOT_SCHEMA,
        "headline": story.headline,
        "slug": story.slug,
        "summary": story.summary,
        "event_date": story.event_date.isoformat() if story.event_date else None,
        "author_name": byline(names := story.author_names()),
        "blocks": [{"kind": b.kind, "heading": b.display_heading, "body": b.body} for b in story.blocks.all()],
        "citations": [
            {
                "outlet_id": c.outlet_id,
                "url": c.url,
                "source_article_id": c.source_article_id,
                "claim": c.claim,
                "quote": c.quote,
            }
            for c in story.citations.all()
        ],
        "topic_ids": list(story.story_topics.values_list("topic_id", flat=True)),
        "question_ids": list(story.story_questions.values_list("question_id", flat=True)),
    }
    if len(names) > 1:  # one author's snapshot stays as it was before bylines had several names
        data["author_names"] = names
    if story.lead_image_id:
        data["lead_image_id"] = story.lead_image_id
    if story.lead_image_caption:
        data["lead_image_caption"] = story.lead_image_caption
    for key in OPTIONAL_KEYS:  # only when set: older snapshots compare equal
        value = getattr(story, key)
        if value:
            data[key] = value
    return data


OPTIONAL_KEYS = ("seo_title", "seo_description", "social_image_id")


def snapshot_image_ids(data: Snapshot) -> list[int]:
    """The library images a snapshot shows: its lead image, its social image, then each section's inline
    figures, each once."""
    ids = [data[key] for key in ("lead_image_id", "social_image_id") if data.get(key)]
    for block in data["blocks"]:
        ids += figure_ids(block["body"])
    return list(dict.fromkeys(ids))


def snapshot_content(data: Snapshot | None) -> dict | None:
    """A snapshot without what publishing adds, for comparing working and live copies."""
    if data is None:
        return None
    return {k: v for k, v in data.items() if k not in PUBLISHING_KEYS}


def snapshot_differs_from_live(*, story: Story, data: Snapshot) -> bool:
    """Whether ``data`` (a working-copy snapshot) differs from what readers see."""
    if story.live_revision_id is None:
        return False
    return snapshot_content(data) != snapshot_content(story.live_revision.data)


def snapshot_search_text(data: Snapshot) -> str:
    """Plain text of a snapshot, for search indexing."""
    parts = [data.get("headline", ""), data.get("summary", "")]
    for block in data.get("blocks", []):
        parts.append(block.get("heading", ""))
        parts.append(html_to_text(block.get("body", "")))
    parts.extend(c.get("claim", "") for c in data.get("citations", []))
    return "\n".join(p for p in parts if p)


def snapshot_event_date(data: Snapshot):
    value = data.get("event_date")
    return parse_date(value) if value else None


# --- comparing two snapshots ---------------------------------------------


@dataclass
class FieldDiff:
    """One changed field or block: its label and its lines, each marked ' ', '-', '+' or '~'.

    A '~' line was edited in place: its text is a list of (mark, words) runs, the words removed ('-'),
    added ('+') or kept (' '), so a changed word reads as one, not as a rewritten paragraph. ``note``
    says a section moved.
    """

    label: str
    lines: list[tuple[str, object]] = field(default_factory=list)
    note: str = ""


def snapshot_diff(*, old: dict, new: dict) -> list[FieldDiff]:
    """A readable diff of two snapshots, per field and per block; unchanged parts are left out."""
    names = _reference_names(old, new)
    diffs = [
        _diff_text("Headline", old.get("headline", ""), new.get("headline", "")),
        _diff_text("Slug", old.get("slug", ""), new.get("slug", "")),
        _diff_text("Summary", old.get("summary", ""), new.get("summary", "")),
        _diff_text("Event date", old.get("event_date") or "", new.get("event_date") or ""),
        _diff_text("Authors", old.get("author_name", ""), new.get("author_name", "")),
    ]
    diffs += _blocks_diff(old.get("blocks", []), new.get("blocks", []))
    old_cites, new_cites = old.get("citations", []), new.get("citations", [])
    for i in range(max(len(old_cites), len(new_cites))):
        a = old_cites[i] if i < len(old_cites) else None
        b = new_cites[i] if i < len(new_cites) else None
        diffs.append(_diff_text(f"Citation {i + 1}", _citation_text(a, names), _citation_text(b, names)))
    diffs.append(_diff_text("Topics", _names(old, "topic_ids", names), _names(new, "topic_ids", names)))
    diffs.append(_diff_text("Common questions", _names(old, "question_ids", names), _names(new, "question_ids", names)))
    image_ids = {data.get("lead_image_id") for data in (old, new)} - {None}
    titles = dict(LibraryImage.objects.filter(pk__in=image_ids).values_list("pk", "title")) if image_ids else {}
    diffs.append(_diff_text("Lead image", _image_title(old, titles), _image_title(new, titles)))
    diffs.append(_diff_text("Lead image caption", old.get("lead_image_caption", ""), new.get("lead_image_caption", "")))
    diffs.append(_diff_text("Search title", old.get("seo_title", ""), new.get("seo_title", "")))
    diffs.append(_diff_text("Search description", old.get("seo_description", ""), new.get("seo_description", "")))
    return [d for d in diffs if d is not None]


def _image_title(data: dict, titles: dict) -> str:
    image_id = data.get("lead_image_id")
    return "" if image_id is None else titles.get(image_id, f"image {image_id} (deleted)")


def _block_key(block: dict) -> tuple:
    """What makes a section the same section in two versions: its kind (each standard kind is there once),
    or, for a custom section, its heading."""
    return (block["kind"],) if block["kind"] != "custom" else ("custom", block.get("heading", ""))


def _blocks_diff(old_blocks: list, new_blocks: list) -> list[FieldDiff]:
    """Sections matched by identity, not position: an edit is diffed inside its section, a move says so."""
    diffs: list[FieldDiff] = []
    old_by_key: dict = {}
    for index, block in enumerate(old_blocks):
        old_by_key.setdefault(_block_key(block), (index, block))
    matched = set()
    for index, block in enumerate(new_blocks):
        key = _block_key(block)
        label = f"Section {index + 1}: {block['heading'] or block['kind']}"
        found = old_by_key.get(key) if key not in matched else None
        if found is None:
            diffs.append(_diff_text(f"{label} (added)", "", _block_text(block)))
            continue
        matched.add(key)
        old_index, old_block = found
        diff = _diff_text(label, _block_text(old_block), _block_text(block)) or (
            FieldDiff(label=label) if old_index != index else None
        )
        if diff is not None and old_index != index:
            diff.note = f"Moved from position {old_index + 1} to {index + 1}."
        diffs.append(diff)
    for key, (index, block) in old_by_key.items():
        if key not in matched:
            diffs.append(
                _diff_text(f"Section {index + 1}: {block['heading'] or block['kind']} (removed)", _block_text(block), "")
            )
    return diffs


_WORDS = re.compile(r"\s+|[^\s]+")


def _words_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Runs of kept, removed and added words between two versions of a line."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append((" ", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("+", "".join(b[j1:j2])))
    return runs


def _diff_text(label: str, old: str, new: str) -> FieldDiff | None:
    if old == new:
        return None
    a, b = old.splitlines(), new.splitlines()
    lines: list[tuple[str, object]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [(" ", line) for line in a[i1:i2]]
        elif op == "replace" and i2 - i1 == j2 - j1:  # lines edited in place: show the words that changed
            lines += [("~", _words_diff(x, y)) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
        else:
            lines += [("-", line) for line in a[i1:i2]] + [("+", line) for line in b[j1:j2]]
    return FieldDiff(label=label, lines=lines)


def _block_text(block: dict | None) -> str:
    if block is None:
        return ""
    body = figures_expand(block["body"], lambda image_id: f"<p>[Image {image_id} from the library]</p>")
    return f"[{block['kind']}] {block['heading']}\n{html_to_text(body)}"


def _citation_text(citation: dict | None, names: dict) -> str:
    if citation is None:
        return ""
    outlet = names["outlets"].get(citation["outlet_id"], f"outlet #{citation['outlet_id']}")
    lines = [f"{outlet}: {citation['claim']}", citation["url"]]
    if citation.get("quote"):
        lines.append(f"“{citation['quote']}”")
    return "\n".join(lines)


def _names(data: dict, key: str, names: dict) -> str:
    table = names["topics" if key == "topic_ids" else "questions"]
    return "\n".join(table.get(i, f"#{i}") for i in data.get(key, []))


def _reference_names(*snapshots: dict) -> dict:
    def ids(key):
        return {i for s in snapshots for i in s.get(key, [])}

    outlet_ids = {c["outlet_id"] for s in snapshots for c in s.get("citations", [])}
    return {
        "outlets": dict(Outlet.objects.filter(pk__in=outlet_ids).values_list("pk", "name")),
        "topics": dict(Topic.objects.filter(pk__in=ids("topic_ids")).values_list("pk", "name")),
        "questions": dict(CommonQuestion.objects.filter(pk__in=ids("question_ids")).values_list("pk", "question")),
    }
