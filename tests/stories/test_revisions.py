"""Revisions: whole-tree snapshots, readable comparison, restore into the working copy."""

import pytest

from stories.models import Revision, SectionBlock, Story
from stories.revisions import snapshot_diff, story_snapshot
from stories.workflow import WorkflowError, story_publish, story_restore, story_saved
from tests.factories import CitationFactory, CommonQuestionFactory, OutletFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db


def test_snapshot_holds_the_whole_tree():
    story = build_story(blocks=2, citations=2, topics=2, questions=1, publish=False)
    data = story_snapshot(story=story)
    assert [b["heading"] for b in data["blocks"]] == ["Section 0", "Section 1"]
    assert len(data["citations"]) == 2 and all(c["claim"] and c["url"] for c in data["citations"])
    assert data["topic_ids"] == list(story.story_topics.values_list("topic_id", flat=True))
    assert data["question_ids"] == list(story.story_questions.values_list("question_id", flat=True))


def test_diff_is_readable_per_field_and_per_block():
    peru, mexico = TopicFactory(name="Peru"), TopicFactory(name="Mexico")
    reuters = OutletFactory(name="Reuters")
    old = {
        "headline": "Peru cuts ties",
        "slug": "peru",
        "summary": "Lima acts.",
        "event_date": "2025-11-03",
        "blocks": [
            {"kind": "whats_happened", "heading": "What's happened", "body": "<p>Peru cut ties.</p><p>Same.</p>"},
            {"kind": "custom", "heading": "Timeline", "body": "<p>1990s.</p>"},
        ],
        "citations": [{"outlet_id": reuters.pk, "url": "https://r.example/1", "claim": "Reuters says A.", "quote": ""}],
        "topic_ids": [peru.pk],
        "question_ids": [],
    }
    new = {
        **old,
        "headline": "Peru severs ties with Mexico",
        "blocks": [
            {"kind": "whats_happened", "heading": "What's happened", "body": "<p>Peru severed ties.</p><p>Same.</p>"},
            old["blocks"][1],
        ],
        "topic_ids": [peru.pk, mexico.pk],
    }
    diffs = {d.label: d.lines for d in snapshot_diff(old=old, new=new)}
    assert set(diffs) == {"Headline", "Section 1: What's happened", "Topics"}
    # An edited line shows the words that changed, not a removed and a rewritten paragraph.
    assert diffs["Headline"] == [("~", [(" ", "Peru "), ("-", "cuts"), ("+", "severs"), (" ", " ties"), ("+", " with Mexico")])]
    section = diffs["Section 1: What's happened"]
    assert ("~", [(" ", "Peru "), ("-", "cut"), ("+", "severed"), (" ", " ties.")]) in section and (" ", "Same.") in section
    assert diffs["Topics"] == [(" ", "Peru"), ("+", "Mexico")]


def test_a_moved_section_reads_as_a_move_not_as_two_rewrites():
    blocks = [
        {"kind": "whats_happened", "heading": "What's happened", "body": "<p>One.</p>"},
        {"kind": "behind_headline", "heading": "Behind", "body": "<p>Two.</p>"},
        {"kind": "custom", "heading": "Timeline", "body": "<p>Three.</p>"},
    ]
    old = {"headline": "h", "slug": "s", "summary": "", "blocks": blocks, "citations": [], "topic_ids": [], "question_ids": []}
    new = {**old, "blocks": [blocks[2], blocks[0], {**blocks[1], "body": "<p>Two, longer.</p>"}]}
    diffs = {d.label: d for d in snapshot_diff(old=old, new=new)}
    assert set(diffs) == {"Section 1: Timeline", "Section 2: What's happened", "Section 3: Behind"}
    assert diffs["Section 1: Timeline"].note == "Moved from position 3 to 1." and diffs["Section 1: Timeline"].lines == []
    assert diffs["Section 3: Behind"].note == "Moved from position 2 to 3."
    assert ("~", [("-", "Two."), ("+", "Two, longer.")]) in diffs["Section 3: Behind"].lines  # words are the unit
    removed = snapshot_diff(old=old, new={**old, "blocks": blocks[:2]})
    assert [d.label for d in removed] == ["Section 3: Timeline (removed)"]


def test_compare_page_shows_the_diff_between_two_revisions(client, editor):
    story = build_story(headline="First headline")
    first = story.revisions.get(kind=Revision.Kind.PUBLISH)
    Story.objects.filter(pk=story.pk).update(headline="Second headline")
    second = story_saved(story=Story.objects.get(pk=story.pk), actor=editor)
    client.force_login(editor)
    page = client.get(f"/admin/stories/story/{story.pk}/compare/", {"a": first.pk, "b": second.pk}).content.decode()
    assert (
        '<del style="background:#fdd">First</del>' in page
        and '<ins style="background:#dfd;text-decoration:none">Second</ins>' in page
    )
    assert "headline" in page
    # Default: live revision against the working copy.
    page = client.get(f"/admin/stories/story/{story.pk}/compare/").content.decode()
    assert "Second headline" in page and "the working copy" in page


def test_compare_page_loads_only_the_two_compared_snapshots_whatever_the_history(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story = build_story(headline="First headline")
    first = story.revisions.get(kind=Revision.Kind.PUBLISH)
    second = story_saved(story=story, actor=editor)
    client.force_login(editor)
    url = f"/admin/stories/story/{story.pk}/compare/"
    listed = 200  # the latest revisions offered in each select

    def load() -> tuple[list[str], str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"a": first.pk, "b": second.pk})
        assert response.status_code == 200
        return [q["sql"] for q in ctx.captured_queries], response.content.decode()

    few, _ = load()
    data = story_snapshot(story=story)
    Revision.objects.bulk_create(
        Revision(story=story, kind=Revision.Kind.SAVE, data=data, author=editor) for _ in range(listed + 10)
    )
    many, page = load()
    assert len(many) == len(few)
    # Only the two compared revisions are read with their snapshot.
    assert sum('"stories_revision"."data"' in sql for sql in many) == 2
    assert page.count('<option value="') == 2 * (listed + 1)  # the latest revisions and the working copy
    assert "First headline" in page


def test_restore_brings_a_revision_back_into_the_working_copy_only(client, editor):
    story = build_story(headline="Original", blocks=2, citations=1, topics=1)
    original = story.live_revision
    Story.objects.filter(pk=story.pk).update(headline="Rewritten", slug="rewritten")
    story.blocks.all().delete()
    story.story_topics.all().delete()
    SectionBlock.objects.create(story=story, kind="custom", heading="New", body="<p>New text.</p>")
    story_saved(story=Story.objects.get(pk=story.pk), actor=editor)
    restored = story_restore(story=Story.objects.get(pk=story.pk), revision=original, actor=editor)
    assert restored.headline == "Original" and restored.slug == original.data["slug"]
    assert [b.heading for b in restored.blocks.all()] == ["Section 0", "Section 1"]
    assert restored.story_topics.count() == 1 and restored.citations.count() == 1
    assert story_snapshot(story=restored)["blocks"] == original.data["blocks"]
    assert restored.revisions.latest("id").kind == Revision.Kind.RESTORE
    assert not restored.has_unpublished_changes  # back to exactly what is live


def test_restore_through_the_admin_confirms_then_restores(client, editor):
    story = build_story(headline="Keep me")
    Story.objects.filter(pk=story.pk).update(headline="Oops")
    story_saved(story=Story.objects.get(pk=story.pk), actor=editor)
    client.force_login(editor)
    url = f"/admin/stories/story/{story.pk}/restore/{story.live_revision_id}/"
    page = client.get(url).content.decode()
    assert "Oops" in page and "Keep me" in page and "Restore this revision" in page
    client.post(url)
    story.refresh_from_db()
    assert story.headline == "Keep me"
    assert story.version == 3  # saved once, restored once


def test_restore_skips_outlets_deleted_since(editor):
    story = build_story(publish=False)
    gone = OutletFactory()
    CitationFactory(story=story, outlet=gone)
    revision = story_saved(story=story, actor=editor)
    story.citations.all().delete()
    gone.delete()
    restored = story_restore(story=story, revision=revision, actor=editor)
    assert restored.citations.count() == 0


def test_restore_refuses_a_revision_of_another_story(editor):
    one, two = build_story(), build_story()
    with pytest.raises(WorkflowError, match="another story"):
        story_restore(story=one, revision=two.live_revision, actor=editor)


def test_writer_cannot_restore_into_a_published_story(writer):
    story = build_story()
    with pytest.raises(WorkflowError, match="may not edit"):
        story_restore(story=story, revision=story.live_revision, actor=writer)


def test_published_revision_keeps_questions_and_notes(editor):
    story = build_story(questions=1, publish=False)
    question = CommonQuestionFactory()
    story.story_questions.create(question=question, position=1)
    story = story_publish(story=story, actor=editor, note="First note.")
    assert story.live_revision.data["question_ids"][-1] == question.pk
    assert [n["text"] for n in story.live_revision.data["notes"]] == ["First note."]


def test_preview_of_an_old_revision(client, editor):
    story = build_story(headline="Old words")
    Story.objects.filter(pk=story.pk).update(headline="New words")
    client.force_login(editor)
    page = client.get(f"/admin/stories/story/{story.pk}/preview/", {"revision": story.live_revision_id}).content.decode()
    assert "Old words" in page and "New words" not in page
    assert f"This is revision #{story.live_revision_id} Published" in page
