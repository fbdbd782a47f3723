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


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_reads_the_live_api_end_to_end(live_server, demo, generated, settings):
    """What an app team does first with our schema: generate a client, then list, open a story by slug and by id,
    search, read its ninjs and sync from nothing to the end, over real HTTP, every answer parsed into its type."""
    settings.API_THROTTLE_ANON = ""
    package = importlib.import_module("newsroom_client")
    api = {name: importlib.import_module(f"newsroom_client.api.{name}") for name in (
        "stories.stories_list", "stories.stories_retrieve", "stories.stories_ninjs_retrieve", "sync.sync_retrieve",
        "topics.topics_list",
    )}  # fmt: skip
    client = package.Client(base_url=live_server.url, follow_redirects=True, raise_on_unexpected_status=True)
    newest = generated.StoriesListOrderingItem.PUBLISHED_DESC  # a named value, not VALUE_1

    page = api["stories.stories_list"].sync(client=client, ordering=[newest], page_size=5)
    assert isinstance(page, generated.PaginatedStoryListItemList)
    assert [s.slug for s in page.results] == [demo.live_slug] and page.results[0].topics[0].name
    by_slug = api["stories.stories_retrieve"].sync(demo.live_slug, client=client)
    by_id = api["stories.stories_retrieve"].sync(str(demo.pk), client=client)  # a 301 to the slug, followed
    assert isinstance(by_slug, generated.StoryDetail) and by_id.to_dict() == by_slug.to_dict()
    assert [b.kind for b in by_slug.blocks][:2] == ["whats_happened", "behind_headline"] and by_slug.citations
    found = api["stories.stories_list"].sync(client=client, q="Mexico")
    assert found.results[0].slug == demo.live_slug and "<mark>" in found.results[0].snippet
    ninjs = api["stories.stories_ninjs_retrieve"].sync(demo.live_slug, client=client)
    assert ninjs.to_dict()["uri"] and demo.live_headline in json.dumps(ninjs.to_dict(), ensure_ascii=False)
    assert all(isinstance(t, generated.TopicListItem) for t in api["topics.topics_list"].sync(client=client).results)

    since, kinds, pages = 0, set(), 0
    while True:
        sync = api["sync.sync_retrieve"].sync(client=client, since=since, limit=7)
        assert isinstance(sync, generated.SyncPage)
        kinds |= {change.kind for change in sync.changes}
        since, pages = sync.next_cursor, pages + 1
        if not sync.has_more:
            break
    assert kinds == {"story", "topic", "question", "outlet"} and pages > 1
    assert api["sync.sync_retrieve"].sync(client=client, since=since).changes == []  # caught up
