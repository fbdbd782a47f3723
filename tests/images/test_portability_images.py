"""export_content/import_content carry the library's files: a clone into an empty database and an empty media
folder gets every master and rendition back byte for byte, and exporting again gives the same file. A file that
is not a picture we accept (the upload's bad-file corpus), a missing one or a name that climbs out of the media
folder is refused with its row named, and nothing is written: no row, no file."""

import base64
import json

import pytest
from PIL import Image as PILImage

from images.ingest import image_ingest
from images.models import Image
from newsroom.portability import ImportError_, content_export, content_import
from stories.models import Story
from stories.workflow import story_publish
from tests.factories import TopicFactory, build_story
from tests.images.test_ingest import BAD_FILES, encode, upload
from tests.newsroom.test_portability import _wipe_content

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def library(commit):
    """A published story with a lead image and an inline figure, and a topic with a picture."""
    with commit():
        lead = image_ingest(upload=upload(encode(PILImage.new("RGB", (1600, 900), "navy"), "JPEG"), "lead.jpg"))
        flag = image_ingest(upload=upload(encode(PILImage.new("RGB", (600, 600), "red"), "PNG"), "flag.png"))
    Image.objects.update(alt_text="A picture", credit="Newsroom")
    TopicFactory(name="Peru", image=flag)
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(lead_image=lead)
    block = story.blocks.get()
    block.body = f'<p>Text.</p><figure data-image-id="{flag.pk}"></figure>'
    block.save()
    with commit():
        story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    return lead, flag


def _files_on_disk(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_clone_into_empty_storage_gets_every_file_back_and_exports_the_same(library, settings, tmp_path, client):
    first = content_export()
    files_before = _files_on_disk(settings.MEDIA_ROOT)
    names = json.loads(first)["files"].keys()
    assert names == {name for name in files_before} and len(names) == Image.objects.count() + sum(
        i.renditions.count() for i in Image.objects.all()
    )
    _wipe_content()
    settings.MEDIA_ROOT = tmp_path / "clone-media"  # another machine: nothing on disk yet
    settings.MEDIA_ROOT.mkdir()

    content_import(first)
    assert _files_on_disk(settings.MEDIA_ROOT) == files_before
    assert content_export() == first
    story = Story.objects.get()
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'class="inline-image"' in html and 'class="lead-image"' in html


def _tampered(document: str, name: str, data: bytes) -> str:
    parsed = json.loads(document)
    parsed["files"][name] = base64.b64encode(data).decode()
    return json.dumps(parsed)


def test_every_bad_file_in_an_import_is_refused_naming_its_row_and_nothing_is_written(library, settings, tmp_path):
    """The upload's bad-file corpus, each case in place of the lead image's master in one export."""
    lead, _ = library
    export = content_export()
    _wipe_content()
    settings.MEDIA_ROOT = tmp_path / "clone-media"
    settings.MEDIA_ROOT.mkdir()
    cases = {name: case for name, case in BAD_FILES.items() if case[0]}  # an empty file is refused as empty upstream
    assert len(cases) >= 20
    for name, (data, says) in cases.items():
        with pytest.raises(ImportError_) as refusal:
            content_import(_tampered(export, lead.file.name, data))
        assert f"images.image {lead.pk}: file '{lead.file.name}'" in str(refusal.value), name
        assert says in str(refusal.value), (name, str(refusal.value))
        assert Image.objects.count() == 0 and Story.objects.count() == 0, name
        assert _files_on_disk(settings.MEDIA_ROOT) == {}, name


def test_an_import_refuses_a_file_of_another_size_a_missing_file_and_a_climbing_name(library, settings, tmp_path):
    lead, _ = library
    export = content_export()
    _wipe_content()
    settings.MEDIA_ROOT = tmp_path / "clone-media"
    settings.MEDIA_ROOT.mkdir()
    smaller = _tampered(export, lead.file.name, encode(PILImage.new("RGB", (10, 10), "navy"), "JPEG"))
    with pytest.raises(ImportError_, match="10 × 10 pixels; its row says 1600 × 900"):
        content_import(smaller)
    missing = json.loads(export)
    del missing["files"][lead.file.name]
    with pytest.raises(ImportError_, match="the file is not in the export's files"):
        content_import(json.dumps(missing))
    climbing = json.loads(export)
    row = next(o for o in climbing["objects"] if o["model"] == "images.image" and o["pk"] == lead.pk)
    row["fields"]["file"] = "../../etc/cron.d/evil"
    climbing["files"]["../../etc/cron.d/evil"] = climbing["files"][lead.file.name]
    with pytest.raises(ImportError_, match="not a plain file name"):
        content_import(json.dumps(climbing))
    assert Image.objects.count() == 0 and _files_on_disk(settings.MEDIA_ROOT) == {}
    assert not (tmp_path / "etc").exists()


def test_an_export_refuses_when_a_file_a_row_names_is_gone(library, tmp_path):
    from django.core.management import CommandError, call_command

    lead, _ = library
    rendition = lead.renditions.first()
    from django.core.files.storage import default_storage

    default_storage.delete(rendition.file.name)
    with pytest.raises(CommandError, match=f"images.rendition {rendition.pk}: its file '{rendition.file.name}' is missing"):
        call_command("export_content", str(tmp_path / "out.json"))
    assert not (tmp_path / "out.json").exists()
