"""A client generated from our OpenAPI schema (openapi-python-client) parses every sync change into its model."""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from stories.workflow import story_unpublish

pytestmark = pytest.mark.django_db

CLASSES = {"story": ("StoryChange", "StoryDetail"), "topic": ("TopicChange", "TopicDetail"),
           "question": ("QuestionChange", "QuestionDetail"), "outlet": ("OutletChange", "OutletDetail")}  # fmt: skip


@pytest.fixture
def generated(client, tmp_path, monkeypatch):
    """Generate the client from the schema the API serves, and import its models."""
    schema = tmp_path / "schema.json"
    schema.write_bytes(client.get("/api/v1/schema/", {"format": "json"}).content)
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\nproject_name_override: newsroom-client\npackage_name_override: newsroom_client\n")
    tool = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [str(tool), "generate", "--path", str(schema), "--output-path", str(tmp_path / "gen"), "--config", str(config)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    monkeypatch.syspath_prepend(str(tmp_path / "gen"))
    for name in [m for m in sys.modules if m.startswith("newsroom_client")]:
        del sys.modules[name]
    yield importlib.import_module("newsroom_client.models")
    for name in [m for m in sys.modules if m.startswith("newsroom_client")]:
        del sys.modules[name]


def test_every_sync_change_parses_into_the_model_of_its_kind(client, demo, generated, settings):
    settings.API_THROTTLE_ANON = ""
    story_unpublish(story=demo, actor=None)  # a tombstone too
    body = client.get("/api/v1/sync/", {"since": 0, "limit": 500}).json()
    page = generated.SyncPage.from_dict(body)
    assert len(page.changes) == len(body["changes"]) and {c["kind"] for c in body["changes"]} == set(CLASSES)
    for parsed, raw in zip(page.changes, body["changes"], strict=True):
        change_class, detail_class = CLASSES[raw["kind"]]
        assert type(parsed).__name__ == change_class
        if raw["data"] is None:
            assert raw["action"] == "delete" and parsed.data is None
        else:
            assert type(parsed.data).__name__ == detail_class
            assert parsed.data.slug == raw["data"]["slug"] and parsed.id == raw["id"]
        assert json.loads(json.dumps(parsed.to_dict(), default=str))["kind"] == raw["kind"]
