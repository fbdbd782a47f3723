"""The workflow module: who may do what, in which state, and what each transition records and changes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.changes.models import ChangeEvent
from stories.models import Revision, SlugRedirect, Story
from stories.workflow import (
    WorkflowError,
    story_publish,
    story_publish_due,
    story_return,
    story_schedule,
    story_submit,
    story_unpublish,
)
from tests.factories import UserFactory, build_story

pytestmark = pytest.mark.django_db

S = Story.Status
FUTURE = timezone.now() + timedelta(days=1)

# action → (the state it is tried from, a call that performs it, the state it leads to)
ACTIONS = {
    "submit": (S.DRAFT, lambda story, actor: story_submit(story=story, actor=actor), S.IN_REVIEW),
    "return": (S.IN_REVIEW, lambda story, actor: story_return(story=story, actor=actor, comment="Fix the intro"), S.DRAFT),
    "schedule": (S.IN_REVIEW, lambda story, actor: story_schedule(story=story, actor=actor, publish_at=FUTURE), S.SCHEDULED),
    "publish": (S.IN_REVIEW, lambda story, actor: story_publish(story=story, actor=actor), S.PUBLISHED),
    "unpublish": (S.PUBLISHED, lambda story, actor: story_unpublish(story=story, actor=actor), S.UNPUBLISHED),
}
# role → actions it may take
MATRIX = {
    "nobody": set(),
    "writer": {"submit"},
    "editor": {"submit", "return", "schedule", "publish", "unpublish"},
    "superuser": {"submit", "return", "schedule", "publish", "unpublish"},
    "system": {"submit", "return", "schedule", "publish", "unpublish"},
}


def story_in(state: str) -> Story:
    story = build_story(publish=state == S.PUBLISHED, headline="Matrix story")
    if state not in (S.PUBLISHED, S.DRAFT):
        Story.objects.filter(pk=story.pk).update(status=state)
        story.refresh_from_db()
    return story


@pytest.fixture
def actors(writer, editor):
    return {
        "nobody": UserFactory(username="plain-staff", is_staff=True),
        "writer": writer,
        "editor": editor,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        "system": None,
    }


@pytest.mark.parametrize("role", sorted(MATRIX))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_permission_matrix(actors, role, action):
    start, call, target = ACTIONS[action]
    story = story_in(start)
    before = story.transitions.count()
    if action in MATRIX[role]:
        assert call(story, actors[role]).status == target
        story.refresh_from_db()
        assert story.status == target
        latest = story.transitions.latest("id")
        assert (latest.action, latest.to_status, latest.actor) == (action, target, actors[role])
    else:
        with pytest.raises(WorkflowError, match="may not .*: only (writers and )?editors may do that"):
            call(story, actors[role])
        story.refresh_from_db()
        assert story.status == start
        assert story.transitions.count() == before


ILLEGAL = [
    ("submit", S.IN_REVIEW),
    ("submit", S.PUBLISHED),
    ("submit", S.SCHEDULED),
    ("return", S.DRAFT),
    ("return", S.PUBLISHED),
    ("unpublish", S.DRAFT),
    ("unpublish", S.IN_REVIEW),
    ("unpublish", S.UNPUBLISHED),
    ("schedule", S.PUBLISHED),
]


@pytest.mark.parametrize(("action", "state"), ILLEGAL)
def test_illegal_transition_is_refused_with_a_clear_message_and_changes_nothing(editor, action, state):
    story = story_in(state)
    revisions, events = story.revisions.count(), ChangeEvent.objects.count()
    with pytest.raises(WorkflowError, match=f"Cannot .* a story that is {Story.Status(state).label.lower()}"):
        ACTIONS[action][1](story, editor)
    story.refresh_from_db()
    assert story.status == state
    assert story.transitions.count() == (1 if state == S.PUBLISHED else 0)
    assert story.revisions.count() == revisions
    assert ChangeEvent.objects.count() == events


def test_every_transition_records_who_when_from_to_comment_and_a_revision(writer, editor):
    story = build_story(publish=False)
    story_submit(story=story, actor=writer)
    story_return(story=story, actor=editor, comment="Add the minister's reply")
    story_submit(story=story, actor=writer, comment="Added it")
    story_publish(story=story, actor=editor)
    rows = list(story.transitions.order_by("created_at", "id"))
    assert [(t.actor, t.from_status, t.to_status) for t in rows] == [
        (writer, S.DRAFT, S.IN_REVIEW),
        (editor, S.IN_REVIEW, S.DRAFT),
        (writer, S.DRAFT, S.IN_REVIEW),
        (editor, S.IN_REVIEW, S.PUBLISHED),
    ]
    assert rows[1].comment == "Add the minister's reply"
    assert all(t.revision_id and t.created_at for t in rows)
    assert rows[-1].revision.kind == Revision.Kind.PUBLISH


def test_return_needs_a_comment(editor):
    story = story_in(S.IN_REVIEW)
    with pytest.raises(WorkflowError, match="needs a comment"):
        story_return(story=story, actor=editor, comment="  ")
    story.refresh_from_db()
    assert story.status == S.IN_REVIEW


def test_publishing_and_unpublishing_write_the_sync_feed(editor, client):
    story = build_story(publish=False, slug="taken-down")
    story_publish(story=story, actor=editor)
    story_unpublish(story=story, actor=editor, comment="Legal request")
    actions = list(ChangeEvent.objects.filter(object_id=story.pk).values_list("action", flat=True))
    assert actions == [ChangeEvent.Action.UPSERT, ChangeEvent.Action.DELETE]
    assert not Story.objects.live().filter(pk=story.pk).exists()


def test_unpublished_story_answers_410_and_publishing_again_restores_it(editor, client):
    story = build_story(headline="Withdrawn headline", slug="withdrawn")
    story_unpublish(story=story, actor=editor)
    response = client.get("/story/withdrawn/")
    assert response.status_code == 410
    assert b"withdrawn" in response.content.lower()
    assert b"Withdrawn headline" not in response.content
    story_publish(story=story, actor=editor)
    response = client.get("/story/withdrawn/")
    assert response.status_code == 200
    assert b"Withdrawn headline" in response.content


def test_slug_change_on_republish_redirects_the_old_address_permanently(editor, client):
    story = build_story(slug="old-address")
    Story.objects.filter(pk=story.pk).update(slug="new-address")
    story_publish(story=story, actor=editor)
    response = client.get("/story/old-address/")
    assert response.status_code == 301
    assert response["Location"] == "/story/new-address/"
    assert client.get("/story/new-address/").status_code == 200
    # Changing it back drops the redirect that would now loop.
    Story.objects.filter(pk=story.pk).update(slug="old-address")
    story_publish(story=story, actor=editor)
    assert client.get("/story/old-address/").status_code == 200
    assert client.get("/story/new-address/").status_code == 301
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["new-address"]


def test_publishing_onto_another_storys_live_slug_is_refused(editor):
    build_story(slug="shared")
    other = build_story(slug="other")
    Story.objects.filter(slug="shared").update(slug="shared-renamed")
    Story.objects.filter(pk=other.pk).update(slug="shared")
    with pytest.raises(WorkflowError, match="Another story already lives at /story/shared/"):
        story_publish(story=other, actor=editor)


def test_update_note_is_listed_on_the_story_page_with_its_time(editor, client):
    story = build_story()
    story.blocks.update(body="<p>Corrected figure: 41 deaths.</p>")
    at = timezone.now().replace(microsecond=0)
    story_publish(story=story, actor=editor, note="Corrected the death toll.", now=at)
    content = client.get(story.get_absolute_url()).content.decode()
    assert "Corrected figure: 41 deaths." in content
    assert "Corrected the death toll." in content
    assert f'datetime="{at.isoformat()}"' in content
    # The note stays with later publications.
    story_publish(story=story, actor=editor)
    assert "Corrected the death toll." in client.get(story.get_absolute_url()).content.decode()


# --- scheduling (time travel: the services take ``now``) ----------------------


def test_schedule_needs_a_future_time(editor):
    story = story_in(S.IN_REVIEW)
    now = timezone.now()
    with pytest.raises(WorkflowError, match="future"):
        story_schedule(story=story, actor=editor, publish_at=now - timedelta(minutes=1), now=now)


def test_scheduled_story_is_published_when_due_and_not_before(editor, client):
    now = timezone.now()
    story = story_in(S.IN_REVIEW)
    story_schedule(story=story, actor=editor, publish_at=now + timedelta(hours=1), now=now)
    assert story_publish_due(now=now + timedelta(minutes=59)) == []
    assert client.get(story.get_absolute_url()).status_code == 404
    published = story_publish_due(now=now + timedelta(hours=1, seconds=1))
    assert [s.pk for s in published] == [story.pk]
    story.refresh_from_db()
    assert story.status == S.PUBLISHED and story.publish_at is None
    assert story.transitions.latest("id").actor is None  # the system did it
    assert client.get(story.get_absolute_url()).status_code == 200
    # A second run (beat and the command both running) publishes nothing more.
    assert story_publish_due(now=now + timedelta(hours=2)) == []
    assert story.revisions.filter(kind=Revision.Kind.PUBLISH).count() == 1


def _refuse_live_slug(slug: str) -> None:
    """Make the database itself refuse to give any story ``slug`` as its live slug (as a unique index would)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_live_slug() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.live_slug = '{slug}' THEN "
                "RAISE EXCEPTION 'duplicate live slug' USING ERRCODE = 'unique_violation'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_live_slug BEFORE UPDATE ON stories_story FOR EACH ROW EXECUTE FUNCTION refuse_live_slug()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_live_slug BEFORE UPDATE ON stories_story WHEN NEW.live_slug = '{slug}' "
                "BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: stories_story.live_slug'); END"
            )


def test_one_due_story_that_cannot_be_published_does_not_stop_the_others(editor, client, caplog):
    now = timezone.now()
    first, second = story_in(S.IN_REVIEW), story_in(S.IN_REVIEW)
    story_schedule(story=first, actor=editor, publish_at=now + timedelta(minutes=1), now=now)
    story_schedule(story=second, actor=editor, publish_at=now + timedelta(minutes=2), now=now)
    _refuse_live_slug(first.slug)  # an IntegrityError, not a WorkflowError, as when another story took the slug

    published = story_publish_due(now=now + timedelta(hours=1))

    assert [s.pk for s in published] == [second.pk]
    first.refresh_from_db()
    assert first.status == S.SCHEDULED and not first.is_live
    assert client.get(second.get_absolute_url()).status_code == 200
    failure = next(r for r in caplog.records if r.name == "stories.workflow" and r.exc_info)
    assert f"Scheduled story {first.pk} could not be published" in failure.getMessage()
    assert "IntegrityError" in failure.exc_info[0].__name__


def test_returned_scheduled_story_is_not_published(editor):
    now = timezone.now()
    story = story_in(S.IN_REVIEW)
    story_schedule(story=story, actor=editor, publish_at=now + timedelta(minutes=5), now=now)
    story_return(story=story, actor=editor, comment="Hold it")
    assert story_publish_due(now=now + timedelta(hours=1)) == []


def test_overdue_scheduled_story_is_flagged_after_five_minutes(editor):
    now = timezone.now()
    story = story_in(S.IN_REVIEW)
    story_schedule(story=story, actor=editor, publish_at=now + timedelta(minutes=1), now=now)
    story.refresh_from_db()
    assert not story.is_overdue(now=now + timedelta(minutes=5))
    assert story.is_overdue(now=now + timedelta(minutes=6, seconds=1))


def test_publish_scheduled_command_and_task_publish_due_stories(editor, capsys):
    from stories.tasks import publish_scheduled_stories

    first, second = story_in(S.IN_REVIEW), story_in(S.IN_REVIEW)
    for story in (first, second):
        story_schedule(story=story, actor=editor, publish_at=timezone.now() + timedelta(seconds=30))
    past = timezone.now() - timedelta(minutes=1)
    Story.objects.filter(pk=first.pk).update(publish_at=past)
    call_command("publish_scheduled")
    assert "1 scheduled story(ies) published" in capsys.readouterr().out
    Story.objects.filter(pk=second.pk).update(publish_at=past)
    assert publish_scheduled_stories.delay().get() == [second.pk]
    assert Story.objects.live().filter(pk__in=[first.pk, second.pk]).count() == 2


# --- accounts -----------------------------------------------------------------


def test_createuser_gives_a_staff_account_with_the_role():
    from django.contrib.auth import get_user_model

    call_command("createuser", "nora", "--role", "writer", "--password", "a-long-newsroom-pass-77")
    user = get_user_model().objects.get(username="nora")
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == ["Writer"]
    assert user.has_perm("stories.submit_story") and not user.has_perm("stories.publish_story")
    call_command("createuser", "nora", "--role", "editor")
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    assert get_user_model().objects.get(username="nora").has_perm("stories.publish_story")
    assert user.check_password("a-long-newsroom-pass-77")


def test_publishing_costs_the_same_number_of_queries_whatever_the_story_size():
    """The transaction of a publish, change-log fan-out included: no query per block, citation, topic or question."""
    counts = []
    for n in (1, 8):
        story = build_story(publish=False, blocks=n, citations=n, topics=n, questions=n)
        with CaptureQueriesContext(connection) as ctx:
            story_publish(story=Story.objects.get(pk=story.pk), actor=None)
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 37, counts  # 37: the live images are one more set of links, the byline two, its credits two
