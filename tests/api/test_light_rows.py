"""The first page of the unfiltered story list comes from SQL compiled once, as plain rows (PublicViewSet.light_rows):
the same items, order and cursor as the ORM's path, which a filtered list takes."""

import pytest

from tests.factories import build_story

pytestmark = pytest.mark.django_db


def test_the_first_page_is_the_same_as_the_filtered_path_gives(client, settings, postgres):
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0
    for i in range(5):
        build_story(headline=f"Story {i}", topics=2)
    plain = client.get("/api/v1/stories/?page_size=3").json()
    # A filter that keeps every story takes the ORM's path (model instances, SQL compiled per request).
    filtered = client.get("/api/v1/stories/?page_size=3&published_before=2999-01-01T00:00:00Z").json()
    assert plain["results"] == filtered["results"] and len(plain["results"]) == 3
    assert [item["headline"] for item in plain["results"]] == ["Story 4", "Story 3", "Story 2"]
    assert all(len(item["topics"]) == 2 for item in plain["results"])
    assert plain["next_cursor"] == filtered["next_cursor"]
    rest = client.get(f"/api/v1/stories/?page_size=3&cursor={plain['next_cursor']}").json()
    assert [item["headline"] for item in rest["results"]] == ["Story 1", "Story 0"] and rest["next"] is None


def test_sparse_fields_and_page_sizes_still_apply(client, settings, postgres):
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0
    for i in range(4):
        build_story(headline=f"Story {i}")
    for size in (1, 2, 4):
        page = client.get(f"/api/v1/stories/?page_size={size}&fields=headline").json()
        assert [set(item) for item in page["results"]] == [{"slug", "headline"}] * size
        assert (page["next"] is None) == (size == 4)
