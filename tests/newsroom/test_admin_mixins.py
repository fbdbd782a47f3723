"""The admin's shared behaviour: deletes in bulk go through the services, history records stay read-only."""

import pytest

from newsroom.changes.models import ChangeEvent
from stories.models import Revision, Transition
from tests.factories import TopicFactory, UserFactory, build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_deleting_topics_in_bulk_leaves_a_tombstone_for_each(superuser_client):
    topics = [TopicFactory(), TopicFactory()]
    response = superuser_client.post(
        "/admin/topics/topic/",
        {"action": "delete_selected", "_selected_action": [t.pk for t in topics], "post": "yes"},
    )
    assert response.status_code == 302
    tombstones = set(ChangeEvent.objects.filter(kind="topic", action="delete").values_list("object_id", flat=True))
    assert tombstones == {t.pk for t in topics}


@pytest.mark.parametrize("model", [Revision, Transition])
def test_history_records_cannot_be_added_changed_or_deleted_even_by_a_superuser(superuser_client, model):
    story = build_story()  # publishing writes a revision and a transition
    record = model.objects.filter(story=story).first()
    base = f"/admin/stories/{model._meta.model_name}/"
    assert superuser_client.get(f"{base}add/").status_code == 403
    assert superuser_client.get(f"{base}{record.pk}/delete/").status_code == 403
    page = superuser_client.get(f"{base}{record.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert superuser_client.post(f"{base}{record.pk}/change/", {}).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()
