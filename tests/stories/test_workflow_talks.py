"""A workflow that talks: the return comment where the writer looks, notifications on the desk and by email,
withdrawing from review, cancelling a schedule, and a save that does not say its version refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from stories.models import Notification, Story
from stories.workflow import (
    WorkflowError,
    story_publish,
    story_return,
    story_schedule,
    story_submit,
    story_unschedule,
    story_withdraw,
)
from tests.factories import UserFactory, build_story
from tests.stories.test_admin import admin_form_data, change_url

pytestmark = pytest.mark.django_db
S = Story.Status


@pytest.fixture
def people(editor, writer):
    editor.email, writer.email = "eddie@example.com", "wendy@example.com"
    editor.save()
    writer.save()
    return editor, writer


def _draft(author, headline="The vote count"):
    return build_story(publish=False, author=author, headline=headline)


def test_submitting_tells_the_editors_and_returning_tells_the_writer_on_the_desk_and_by_email(
    client, people, django_capture_on_commit_callbacks
):
    editor, writer = people
    story = _draft(writer)
    with django_capture_on_commit_callbacks(execute=True):
        story_submit(story=story, actor=writer, comment="Ready for a look")
    assert [m.to for m in mail.outbox] == [["eddie@example.com"]]
    assert "submitted for review “The vote count”: “Ready for a look”" in mail.outbox[0].subject
    assert f"/admin/stories/story/{story.pk}/change/" in mail.outbox[0].body
    client.force_login(editor)
    assert "submitted for review" in client.get("/admin/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        story_return(story=story, actor=editor, comment="Add a second source for the count.")
    assert mail.outbox[-1].to == ["wendy@example.com"] and "Add a second source" in mail.outbox[-1].subject
    client.force_login(writer)
    desk = client.get("/admin/").content.decode()
    assert "returned to you “The vote count”: “Add a second source for the count.”" in desk
    form = client.get(change_url(story)).content.decode()  # where the writer looks: the top of the form
    assert "Returned to the writer by Editor" in form and "Add a second source for the count." in form
    assert form.index("Add a second source") < form.index('id="story_form"')
    assert Notification.objects.get(recipient=writer).read_at is not None  # opening the story read it
    assert "Nothing new" in client.get("/admin/").content.decode()
    listing = client.get("/admin/stories/story/").content.decode()
    assert "Returned: Add a second source for the count." in listing


def test_nobody_hears_of_their_own_step_and_a_refused_step_sends_nothing(people, django_capture_on_commit_callbacks):
    editor, writer = people
    story = _draft(editor)  # an editor's own story, published by themselves
    with django_capture_on_commit_callbacks(execute=True):
        story_publish(story=story, actor=editor)
    assert mail.outbox == [] and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError):
        story_return(story=_draft(writer), actor=editor, comment="x")  # a draft cannot be returned
    assert mail.outbox == [] and not Notification.objects.exists()


def test_publishing_and_scheduling_tell_the_author(people, django_capture_on_commit_callbacks):
    editor, writer = people
    with django_capture_on_commit_callbacks(execute=True):
        story_schedule(story=_draft(writer, "Tomorrow"), actor=editor, publish_at=timezone.now() + timedelta(days=1))
        story_publish(story=_draft(writer, "Now"), actor=editor)
    assert [(m.to, m.subject.split("“")[0]) for m in mail.outbox] == [
        (["wendy@example.com"], "[Newsroom] Editor scheduled "),
        (["wendy@example.com"], "[Newsroom] Editor published "),
    ]


def test_a_writer_withdraws_their_story_from_review_but_not_someone_elses(client, people):
    editor, writer = people
    mine = story_submit(story=_draft(writer), actor=writer)
    client.force_login(writer)
    page = client.get(change_url(mine)).content.decode()
    assert "Withdraw from review" in page
    client.post(f"/admin/stories/story/{mine.pk}/transition/withdraw/", {"comment": ""})
    mine.refresh_from_db()
    assert mine.status == S.DRAFT and mine.transitions.first().action == "withdraw"
    other_writer = UserFactory(username="wes", is_staff=True)
    other_writer.groups.add(writer.groups.get())
    theirs = story_submit(story=_draft(other_writer), actor=other_writer)
    with pytest.raises(WorkflowError, match="Only the story's author"):
        story_withdraw(story=theirs, actor=writer)
    assert Story.objects.get(pk=theirs.pk).status == S.IN_REVIEW


def test_an_editor_cancels_a_schedule_and_the_story_waits_for_review_again(client, people):
    editor, writer = people
    story = story_schedule(story=_draft(writer), actor=editor, publish_at=timezone.now() + timedelta(hours=3))
    client.force_login(editor)
    assert "Cancel schedule" in client.get(change_url(story)).content.decode()
    client.post(f"/admin/stories/story/{story.pk}/transition/unschedule/", {"comment": ""})
    story.refresh_from_db()
    assert (story.status, story.publish_at) == (S.IN_REVIEW, None)
    with pytest.raises(WorkflowError):
        story_unschedule(story=story, actor=editor)  # no longer scheduled


def test_a_save_that_does_not_say_its_version_is_refused_and_changes_nothing(client, people):
    editor, _ = people
    story = build_story(publish=False, headline="Kept headline")
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(story)))
    data.pop("expected_version")
    data["headline"] = "Overwritten blindly"
    response = client.post(change_url(story), data)
    assert response.status_code == 200 and "does not say which version" in response.content.decode()
    assert Story.objects.get(pk=story.pk).headline == "Kept headline"
