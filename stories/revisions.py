"""Snapshots of a story's whole tree, as stored in revisions."""

from django.utils.dateparse import parse_date

from newsroom.richtext import html_to_text

from .models import Story

SNAPSHOT_SCHEMA = 1


def story_snapshot(*, story: Story) -> dict:
    """The story's working copy as plain JSON data (one query per child table)."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "headline": story.headline,
        "slug": story.slug,
        "summary": story.summary,
        "event_date": story.event_date.isoformat() if story.event_date else None,
        "author_name": _author_name(story),
        "blocks": [
            {"kind": b.kind, "heading": b.display_heading, "body": b.body}
            for b in story.blocks.all()
        ],
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


def snapshot_search_text(data: dict) -> str:
    """Plain text of a snapshot, for search indexing."""
    parts = [data.get("headline", ""), data.get("summary", "")]
    for block in data.get("blocks", []):
        parts.append(block.get("heading", ""))
        parts.append(html_to_text(block.get("body", "")))
    parts.extend(c.get("claim", "") for c in data.get("citations", []))
    return "\n".join(p for p in parts if p)


def snapshot_event_date(data: dict):
    value = data.get("event_date")
    return parse_date(value) if value else None


def _author_name(story: Story) -> str:
    if story.author_id is None:
        return ""
    author = story.author
    return author.get_full_name() or author.get_username()
