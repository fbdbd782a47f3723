"""Export → import into an empty database → export gives the same file."""

import difflib
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from newsroom.portability import content_export, content_import, content_models
from stories.models import SectionBlock, Story
from tests.api.test_sync import published_set, replay
from tests.factories import UserFactory, build_story

pytestmark = pytest.mark.django_db(transaction=True)


def _wipe_content():
    Story.objects.update(live_revision=None)
    for model in reversed(content_models()):
        model.objects.all().delete()


def test_round_trip_gives_the_same_file(demo, tmp_path):
    author = UserFactory(username="writer1", first_name="Ana")
    story = build_story(blocks=3, citations=2, topics=2, questions=1, author=author)
    first = tmp_path / "first.json"
    call_command("export_content", str(first))
    _wipe_content()
    assert Story.objects.count() == 0

    call_command("import_content", str(first))
    second = tmp_path / "second.json"
    call_command("export_content", str(second))
    changed = list(difflib.unified_diff(first.read_text().splitlines(), second.read_text().splitlines(), lineterm=""))
    assert not changed, "\n".join(changed[:40])
    restored = Story.objects.get(pk=story.pk)
    assert restored.is_live and [u.username for u in restored.authors.all()] == ["writer1"]
    assert restored.revisions.count() == story.revisions.count()
    # New rows after an import get fresh ids, not clashing ones.
    assert build_story().pk > story.pk


def test_the_sync_feed_survives_a_round_trip(demo, client, settings, tmp_path):
    """The change log is content: clients' cursors stay valid, and replaying from 0 gives the published set."""
    settings.API_THROTTLE_ANON = ""
    store, cursor = replay(client)
    path = tmp_path / "export.json"
    path.write_text(content_export())
    _wipe_content()
    content_import(path.read_text())
    build_story()  # published after the restore
    assert replay(client)[0] == published_set(client)
    assert replay(client, since=cursor, store=store)[0] == published_set(client)


def test_import_refuses_a_non_empty_database(demo, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(content_export())
    with pytest.raises(CommandError, match="already holds content"):
        call_command("import_content", str(path))


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json", "Not JSON"),
        ('{"format": "other"}', "Not a newsroom-content file"),
        ('{"format": "newsroom-content", "version": 99}', "Unsupported version"),
    ],
)
def test_import_rejects_bad_files_clearly(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(CommandError, match=message):
        call_command("import_content", str(path))


def test_a_bad_row_rolls_back_the_whole_import(demo):
    document = json.loads(content_export())
    _wipe_content()
    document["objects"][-1]["fields"] = {"no_such_field": 1, **document["objects"][-1]["fields"]}
    document["objects"].append({"model": "stories.sectionblock", "pk": 999, "fields": {"story": 123456}})
    with pytest.raises(Exception, match="cannot be imported"):
        content_import(json.dumps(document))
    assert all(not m.objects.exists() for m in content_models())


def test_imported_rich_text_is_sanitised(demo):
    document = json.loads(content_export())
    _wipe_content()
    for obj in document["objects"]:
        if obj["model"] == "stories.sectionblock":
            obj["fields"]["body"] = '<p>Safe</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    content_import(json.dumps(document))
    assert all(b == "<p>Safe</p>" for b in SectionBlock.objects.values_list("body", flat=True))


@pytest.mark.parametrize(
    "objects, message",
    [
        (
            [{"model": "auth.user", "pk": 9, "fields": {"username": "mallory", "password": "x", "is_superuser": True}}],
            "auth.user is not content",
        ),
        ([{"model": "topics.topic", "pk": 1, "fields": {"name": "P", "slug": "p q", "kind": "country"}}], "slug"),
        (
            [{"model": "stories.story", "pk": 1, "fields": {"headline": "H", "slug": "h", "status": "hacked"}}],
            "not a valid choice",
        ),
        (
            [
                {
                    "model": "topics.topic",
                    "pk": 1,
                    "fields": {
                        "name": "P",
                        "slug": "p",
                        "kind": "country",
                        "created_at": "2026-01-01T00:00:00Z",
                        "updated_at": "2026-01-01T00:00:00Z",
                    },
                }
            ]
            * 2,
            "appears twice",
        ),
    ],
)
def test_import_refuses_rows_a_raw_save_would_store_unchecked(tmp_path, objects, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "newsroom-content", "version": 1, "users": [], "objects": objects}))
    with pytest.raises(CommandError, match=message):
        call_command("import_content", str(path))
    assert get_user_model().objects.count() == 0
    assert all(not m.objects.exists() for m in content_models())


def test_an_edited_export_cannot_put_markup_on_public_pages(demo, client):
    """Live revisions and rendered pages are content readers see: an import sanitises the one and re-renders the other."""
    document = json.loads(content_export())
    _wipe_content()
    for obj in document["objects"]:
        if obj["model"] == "stories.revision":
            for block in obj["fields"]["data"].get("blocks", []):
                block["body"] = '<p>Kept</p><script>alert("revision")</script><img src=x onerror="alert(1)">'
        if obj["model"] == "stories.livepage":
            obj["fields"]["html"] = '<html><body><script>alert("cached page")</script></body></html>'
    content_import(json.dumps(document))
    page = client.get(demo.get_absolute_url()).content.decode()
    assert "<p>Kept</p>" in page
    assert "<script>alert" not in page and "onerror" not in page


def test_times_survive_a_round_trip_to_the_microsecond(demo):
    from datetime import UTC, datetime

    from faq.models import CommonQuestion

    CommonQuestion.objects.update(created_at=datetime(2026, 1, 2, 3, 4, 5, 400, tzinfo=UTC))
    first = content_export()
    _wipe_content()
    content_import(first)
    assert CommonQuestion.objects.values_list("created_at", flat=True).distinct().get().microsecond == 400
    assert content_export() == first


def test_a_story_with_a_lead_image_survives_a_round_trip(tmp_path, settings):
    from PIL import Image as PILImage

    from images.ingest import image_ingest
    from tests.images.test_ingest import encode, upload

    settings.MEDIA_ROOT = tmp_path / "media"
    image = image_ingest(upload=upload(encode(PILImage.new("RGB", (64, 36), "navy"), "PNG"), "harbour.png"))
    Image = type(image)
    story = build_story()
    Story.objects.filter(pk=story.pk).update(lead_image=image)
    first = content_export()
    _wipe_content()
    assert not Image.objects.exists()
    content_import(first)
    assert Story.objects.get(pk=story.pk).lead_image_id == image.pk and Image.objects.get().content_hash == image.content_hash
    assert content_export() == first
