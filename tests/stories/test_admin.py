"""The editorial desk through the admin, with the test client: roles, buttons, conflicts, previews."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone

from stories.models import Presence, Revision, Story
from stories.preview import story_preview_token
from stories.workflow import story_saved
from tests.factories import TopicFactory, UserFactory, build_story

pytestmark = pytest.mark.django_db

S = Story.Status


def admin_form_data(response) -> dict:
    """The POST data the change form would send as rendered (fields and every inline formset)."""
    data = {}

    def put(form, name):
        value = form[name].value()
        if value is None or value is False:
            return
        data[form.add_prefix(name)] = value.isoformat() if hasattr(value, "isoformat") else value

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for subform in formset.forms:
            for name in subform.fields:
                put(subform, name)
    return data


def change_url(story) -> str:
    return f"/admin/stories/story/{story.pk}/change/"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def roles(writer, editor, superuser):
    return {"writer": writer, "editor": editor, "superuser": superuser}


# --- the permission matrix through the admin ------------------------------------

FUTURE = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
ADMIN_ACTIONS = {
    "submit": (S.DRAFT, {}, S.IN_REVIEW),
    "return": (S.IN_REVIEW, {"comment": "Needs a source"}, S.DRAFT),
    "schedule": (S.IN_REVIEW, {"publish_at": FUTURE}, S.SCHEDULED),
    "publish": (S.IN_REVIEW, {}, S.PUBLISHED),
    "unpublish": (S.PUBLISHED, {}, S.UNPUBLISHED),
}
ALLOWED = {"writer": {"submit"}, "editor": set(ADMIN_ACTIONS), "superuser": set(ADMIN_ACTIONS)}


def story_in(state):
    story = build_story(publish=state == S.PUBLISHED)
    if state not in (S.DRAFT, S.PUBLISHED):
        Story.objects.filter(pk=story.pk).update(status=state)
    return Story.objects.get(pk=story.pk)


@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize("action", sorted(ADMIN_ACTIONS))
def test_admin_permission_matrix(client, roles, role, action):
    start, post, target = ADMIN_ACTIONS[action]
    story = story_in(start)
    login(client, roles[role])
    page = client.get(change_url(story)).content.decode()
    offered = f"/admin/stories/story/{story.pk}/transition/{action}/" in page
    response = client.post(f"/admin/stories/story/{story.pk}/transition/{action}/", post, follow=True)
    story.refresh_from_db()
    shown = [str(m) for m in response.context["messages"]]
    if action in ALLOWED[role]:
        assert offered
        assert story.status == target
        assert any("done" in m for m in shown)
    else:
        assert not offered
        assert story.status == start
        assert any("only editors may do that" in m for m in shown)


def test_plain_staff_without_a_role_cannot_reach_stories(client):
    login(client, UserFactory(username="visitor", is_staff=True))
    story = story_in(S.DRAFT)
    assert client.get(change_url(story)).status_code == 403
    response = client.post(f"/admin/stories/story/{story.pk}/transition/publish/")
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == S.DRAFT


def test_change_page_lists_transitions_and_revisions(client, writer, editor):
    story = story_in(S.DRAFT)
    login(client, writer).post(f"/admin/stories/story/{story.pk}/transition/submit/")
    login(client, editor).post(f"/admin/stories/story/{story.pk}/transition/return/", {"comment": "Tighten the second section"})
    page = client.get(change_url(story)).content.decode()
    assert "Tighten the second section" in page
    assert "wendy-writer" in page or "Writer" in page
    assert page.count('class="revision-') >= 2
    assert "In review" in page and "Draft" in page


def test_illegal_transition_through_the_admin_shows_a_message_and_changes_nothing(client, editor):
    story = story_in(S.DRAFT)
    response = login(client, editor).post(f"/admin/stories/story/{story.pk}/transition/unpublish/", follow=True)
    assert any("Cannot unpublish a story that is draft" in str(m) for m in response.context["messages"])
    story.refresh_from_db()
    assert story.status == S.DRAFT


def test_schedule_in_the_past_is_refused(client, editor):
    story = story_in(S.IN_REVIEW)
    past = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = login(client, editor).post(
        f"/admin/stories/story/{story.pk}/transition/schedule/", {"publish_at": past}, follow=True
    )
    assert any("future" in str(m) for m in response.context["messages"])
    story.refresh_from_db()
    assert story.status == S.IN_REVIEW


@pytest.mark.parametrize("publish_at", ["2030-02-30T10:00", "next tuesday"])
def test_schedule_with_an_impossible_date_shows_an_error_and_changes_nothing(client, editor, publish_at):
    story = story_in(S.IN_REVIEW)
    transitions = story.transitions.count()
    response = login(client, editor).post(
        f"/admin/stories/story/{story.pk}/transition/schedule/", {"publish_at": publish_at}, follow=True
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("Publish at: Enter a valid date/time." in m for m in shown), shown
    story.refresh_from_db()
    assert story.status == S.IN_REVIEW and story.publish_at is None
    assert story.transitions.count() == transitions


def test_list_actions_are_offered_by_role(client, writer, editor):
    build_story(publish=False)
    page = login(client, writer).get("/admin/stories/story/").content.decode()
    assert "submit_selected" in page and "publish_selected" not in page
    page = login(client, editor).get("/admin/stories/story/").content.decode()
    assert "publish_selected" in page and "unpublish_selected" in page


def test_editor_publishes_selected_stories_from_the_list(client, editor):
    stories = [story_in(S.IN_REVIEW), story_in(S.IN_REVIEW)]
    login(client, editor).post(
        "/admin/stories/story/", {"action": "publish_selected", "_selected_action": [s.pk for s in stories]}
    )
    assert Story.objects.live().filter(pk__in=[s.pk for s in stories]).count() == 2


# --- editing ----------------------------------------------------------------------


def test_writer_creates_a_story_and_is_its_author(client, writer):
    login(client, writer)
    data = admin_form_data(client.get("/admin/stories/story/add/"))
    data.update(headline="Port strike enters second week", slug="port-strike", summary="Dockers stay out.")
    data.update(
        {
            "blocks-TOTAL_FORMS": "1",
            "blocks-0-position": "0",
            "blocks-0-kind": "whats_happened",
            "blocks-0-body": "<p>The strike <script>alert(1)</script>continues.</p>",
        }
    )
    response = client.post("/admin/stories/story/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Story.objects.get(slug="port-strike")
    assert list(story.authors.all()) == [writer] and story.status == S.DRAFT
    assert story.blocks.get().body == "<p>The strike continues.</p>"
    revision = story.revisions.get()
    assert revision.kind == Revision.Kind.SAVE and revision.author == writer
    assert revision.data["blocks"][0]["body"] == "<p>The strike continues.</p>"


def test_writer_edits_drafts_but_only_views_stories_past_draft(client, writer):
    draft, published = story_in(S.DRAFT), story_in(S.PUBLISHED)
    login(client, writer)
    assert 'name="_save"' in client.get(change_url(draft)).content.decode()
    page = client.get(change_url(published)).content.decode()
    assert 'name="_save"' not in page
    data = {"headline": "Hijacked", "slug": published.slug}
    assert client.post(change_url(published), data).status_code == 403
    published.refresh_from_db()
    assert published.headline != "Hijacked"


def test_editing_a_published_story_shows_unpublished_changes_and_changes_nothing_public(client, editor):
    story = build_story(headline="Live headline")
    login(client, editor)
    data = admin_form_data(client.get(change_url(story)))
    data["headline"] = "Edited headline"
    assert client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.has_unpublished_changes
    assert "Has unpublished changes" in client.get(change_url(story)).content.decode()
    assert "Edited headline" not in client.get(story.get_absolute_url()).content.decode()
    client.post(f"/admin/stories/story/{story.pk}/transition/publish/", {"note": "Sharper headline."})
    story.refresh_from_db()
    assert not story.has_unpublished_changes
    public = client.get(story.get_absolute_url()).content.decode()
    assert "Edited headline" in public and "Sharper headline." in public
    assert "Public update notes" in client.get(change_url(story)).content.decode()


def test_second_save_of_the_same_version_is_refused_and_kept_as_a_revision(client, editor):
    story = build_story(blocks=1)
    other = UserFactory(username="olga-editor", first_name="Olga", last_name="Ortiz", is_staff=True)
    other.groups.add(Group.objects.get(name="Editor"))
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    mine = admin_form_data(first.get(change_url(story)))
    theirs = admin_form_data(second.get(change_url(story)))
    Presence.objects.all().delete()  # both pages stopped beating (the soft lock is tested in test_presence.py)
    theirs["headline"] = "Olga's headline"
    assert second.post(change_url(story), theirs).status_code == 302
    mine["headline"] = "Eddie's headline"
    mine["blocks-0-body"] = "<p>Eddie typed this carefully.</p>"
    response = first.post(change_url(story), mine, follow=True)
    message = " ".join(str(m) for m in response.context["messages"])
    assert re.search(r"Olga Ortiz saved this story on \d+ \w+ \d{4}, \d\d:\d\d:\d\d UTC while you were editing", message)
    story.refresh_from_db()
    assert story.headline == "Olga's headline"
    assert story.blocks.get().body != "<p>Eddie typed this carefully.</p>"
    refused = story.revisions.get(kind=Revision.Kind.CONFLICT)
    assert refused.author == editor
    assert refused.data["headline"] == "Eddie's headline"
    assert refused.data["blocks"][0]["body"] == "<p>Eddie typed this carefully.</p>"
    assert "Refused (conflicting edit)" in response.content.decode()
    # What Eddie typed is back in his form, not saved, with a comparison of the two versions one click away.
    page = response.content.decode()
    assert 'value="Eddie&#x27;s headline"' in page and "Eddie typed this carefully." in page
    assert "Compare their version (saved) with yours" in page
    row = re.search(r"<tr><td>Headline</td>.*?</tr>", page, re.S).group(0)  # the field, theirs, yours, a button
    assert "Olga&#x27;s headline" in row and "Eddie&#x27;s headline" in row and 'data-take-theirs="id_headline"' in row
    again = admin_form_data(first.get(change_url(story) + "?restore=1"))
    assert again["headline"] == "Eddie's headline" and int(again["expected_version"]) == story.version
    assert first.post(change_url(story), again).status_code == 302  # he chose his: saved now, knowingly
    story.refresh_from_db()
    assert story.headline == "Eddie's headline" and story.blocks.get().body == "<p>Eddie typed this carefully.</p>"


def test_saving_again_from_a_fresh_form_works_after_a_conflict(client, editor):
    story = build_story()
    login(client, editor)
    stale = admin_form_data(client.get(change_url(story)))
    fresh = dict(stale)
    fresh["headline"] = "First"
    client.post(change_url(story), fresh)
    stale["headline"] = "Stale"
    client.post(change_url(story), stale)
    again = admin_form_data(client.get(change_url(story)))
    again["headline"] = "Second"
    assert client.post(change_url(story), again).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Second"


def test_change_page_loads_the_rich_text_editor_and_reorder_script(client, editor):
    story = build_story(blocks=2)
    page = login(client, editor).get(change_url(story)).content.decode()
    assert "django_prose_editor/editor.js" in page
    assert '"importmap"' in page or "importmap" in page
    assert "newsroom/admin/inline-reorder.js" in page
    assert "sortable-inline" in page


def test_autocomplete_for_topics_answers_writers(client, writer):
    TopicFactory(name="Peru")
    TopicFactory(name="Mexico")
    response = login(client, writer).get(
        "/admin/autocomplete/",
        {"app_label": "stories", "model_name": "storytopic", "field_name": "topic", "term": "Per"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Peru"]


def test_list_filters_by_state_author_and_topic(client, editor, writer):
    topic = TopicFactory(name="Chile")
    tagged = build_story(publish=False, headline="Tagged draft", author=writer)
    tagged.story_topics.create(topic=topic)
    build_story(headline="Published one")
    login(client, editor)
    page = client.get("/admin/stories/story/", {"status__exact": "draft"}).content.decode()
    assert "Tagged draft" in page and "Published one" not in page
    page = client.get("/admin/stories/story/", {"topics__id__exact": topic.pk}).content.decode()
    assert "Tagged draft" in page and "Published one" not in page
    page = client.get("/admin/stories/story/", {"authors__id__exact": writer.pk}).content.decode()
    assert "Tagged draft" in page and "Published one" not in page
    page = client.get("/admin/stories/story/", {"q": "Published"}).content.decode()
    assert "Published one" in page and "Tagged draft" not in page


def test_overdue_scheduled_story_is_flagged_in_the_admin(client, editor):
    story = story_in(S.SCHEDULED)
    Story.objects.filter(pk=story.pk).update(publish_at=timezone.now() - timedelta(minutes=6))
    login(client, editor)
    assert "Overdue" in client.get(change_url(story)).content.decode()
    listing = client.get("/admin/stories/story/", {"overdue": "yes"}).content.decode()
    assert story.headline in listing and "OVERDUE" in listing
    Story.objects.filter(pk=story.pk).update(publish_at=timezone.now() - timedelta(minutes=4))
    assert "Overdue:" not in client.get(change_url(story)).content.decode()


def test_view_on_site_is_offered_for_live_stories(client, editor):
    live, draft = build_story(), story_in(S.DRAFT)
    login(client, editor)
    page = client.get(change_url(live)).content.decode()
    assert 'class="viewsitelink"' in page
    assert page.count("View on site") == 1  # not on every section of the working copy
    assert 'class="viewsitelink"' not in client.get(change_url(draft)).content.decode()


# --- previews ---------------------------------------------------------------------


def test_preview_renders_the_working_copy_with_the_public_template(client, writer):
    story = story_in(S.DRAFT)
    story.blocks.update(body="<p>Draft-only paragraph.</p>")
    response = login(client, writer).get(f"/admin/stories/story/{story.pk}/preview/")
    page = response.content.decode()
    assert "Draft-only paragraph." in page and "Draft preview." in page
    assert 'class="story-header"' in page  # the public story template
    assert response["X-Robots-Tag"].startswith("noindex")


def test_preview_of_a_revision_that_is_not_a_number_or_not_this_storys_is_404(client, writer):
    story, other = story_in(S.DRAFT), story_in(S.DRAFT)
    login(client, writer)
    url = f"/admin/stories/story/{story.pk}/preview/"
    own, foreign = story_saved(story=story, actor=writer), story_saved(story=other, actor=writer)
    assert client.get(url, {"revision": "abc"}).status_code == 404
    assert client.get(url, {"revision": "1.5"}).status_code == 404
    assert client.get(url, {"revision": str(foreign.pk)}).status_code == 404
    assert client.get(url, {"revision": str(own.pk)}).status_code == 200


def test_share_link_lets_a_reviewer_without_an_account_read_the_draft(client, editor):
    story = story_in(S.DRAFT)
    story.blocks.update(body="<p>Shared draft text.</p>")
    page = login(client, editor).get(change_url(story)).content.decode()
    link = re.search(r'value="(http://testserver/preview/[^"]+)"', page).group(1)
    client.logout()
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert "Shared draft text." in response.content.decode()
    expires = (timezone.now() + timedelta(days=3)).strftime("%-d %B %Y")
    assert f"this link works until {expires}" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_share_link_stops_working_once_the_story_is_unpublished(client, editor):
    from stories.workflow import story_publish, story_unpublish

    story = story_in(S.IN_REVIEW)
    story.blocks.update(body="<p>Working copy text.</p>")
    token = story_preview_token(story=story)
    assert client.get(f"/preview/{token}/").status_code == 200
    story_unpublish(story=story_publish(story=story, actor=editor), actor=editor, comment="Taken down")
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 404
    assert "Working copy text." not in response.content.decode()


def _share_link(client, story) -> str:
    page = client.get(change_url(story)).content.decode()
    return re.search(r'value="http://testserver(/preview/[^"]+)"', page).group(1)


def test_revoking_share_links_stops_those_given_out_and_offers_a_new_one(client, editor):
    story = story_in(S.IN_REVIEW)
    story.blocks.update(body="<p>Shared draft text.</p>")
    login(client, editor)
    assert "Revoke shared preview links" in client.get(change_url(story)).content.decode()
    old = _share_link(client, story)
    assert client.get(old).status_code == 200
    response = client.post(f"/admin/stories/story/{story.pk}/preview/revoke/", follow=True)
    assert "no longer work" in response.content.decode()
    new = _share_link(client, story)
    client.logout()
    assert new != old
    gone = client.get(old)
    assert gone.status_code == 404 and "Shared draft text." not in gone.content.decode()
    assert "Shared draft text." in client.get(new).content.decode()


def test_only_someone_who_may_edit_the_story_revokes_its_share_links(client, writer):
    story = story_in(S.IN_REVIEW)  # writers edit drafts only
    link = story_preview_token(story=story)
    login(client, writer)
    page = client.get(change_url(story))
    assert page.status_code == 200 and "Revoke shared preview links" not in page.content.decode()
    revoke = f"/admin/stories/story/{story.pk}/preview/revoke/"
    assert client.get(revoke).status_code == 405
    response = client.post(revoke, follow=True)
    assert "may revoke" in response.content.decode()
    assert client.get(f"/preview/{link}/").status_code == 200


def test_tampered_or_expired_share_link_is_404(client):
    story = story_in(S.DRAFT)
    token = story_preview_token(story=story)
    assert client.get(f"/preview/{token}x/").status_code == 404
    other = story_in(S.DRAFT)
    forged = token.replace(f"{story.pk}:", f"{other.pk}:", 1)
    assert client.get(f"/preview/{forged}/").status_code == 404
    with override_settings(STORY_PREVIEW_MAX_AGE=-1):
        assert client.get(f"/preview/{token}/").status_code == 404


def test_editors_manage_topics_outlets_and_questions_and_writers_only_look_or_add(client, writer, editor):
    for path in ("/admin/topics/topic/add/", "/admin/sources/outlet/add/", "/admin/faq/commonquestion/add/"):
        assert login(client, editor).get(path).status_code == 200, path
    assert login(client, writer).get("/admin/faq/commonquestion/add/").status_code == 403
    for path in ("/admin/topics/topic/add/", "/admin/sources/outlet/add/"):  # a story may need a new one
        assert login(client, writer).get(path).status_code == 200, path
    for path in ("/admin/topics/topic/", "/admin/sources/outlet/", "/admin/faq/commonquestion/"):
        assert login(client, writer).get(path).status_code == 200, path


def test_story_list_query_count_does_not_grow_with_stories(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, editor)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/stories/story/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        build_story(author=editor)
    few = count()
    for _ in range(8):
        build_story(author=editor)
    assert count() == few


def test_live_stories_are_unpublished_before_they_can_be_deleted(client, editor):
    live, gone = build_story(), build_story()
    from stories.workflow import story_unpublish

    story_unpublish(story=gone, actor=editor)
    login(client, editor)
    assert client.get(f"/admin/stories/story/{live.pk}/delete/").status_code == 403
    assert client.post(f"/admin/stories/story/{gone.pk}/delete/", {"post": "yes"}).status_code == 302
    client.post("/admin/stories/story/", {"action": "delete_selected", "_selected_action": [live.pk], "post": "yes"})
    assert list(Story.objects.values_list("pk", flat=True)) == [live.pk]


def test_change_page_queries_grow_only_by_the_autocomplete_widgets(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, editor)

    def count(story) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(change_url(story)).status_code == 200
        return len(ctx.captured_queries)

    small = build_story(blocks=1, citations=1, topics=1, questions=1)
    large = build_story(blocks=12, citations=12, topics=12, questions=12)
    count(build_story())  # warm the per-process caches (content types): what the migrations left there varies
    # Django's autocomplete widget looks up its selected option: one query per outlet, topic and question row.
    assert count(large) - count(small) == 3 * 11


def test_change_page_reads_the_story_row_once(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    story = build_story(blocks=2, citations=1, topics=1, questions=1)
    login(client, editor)
    client.get(change_url(story))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(change_url(story)).content.decode()
    story_reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "stories_story"."id"')]
    assert len(story_reads) == 1, story_reads
    assert f"/admin/stories/story/{story.pk}/transition/unpublish/" in page  # the workflow panel is there
    assert 'aria-label="Shareable preview link"' in page


def test_saving_a_form_opened_before_a_publish_does_not_undo_the_publish(client, editor):
    from stories.workflow import story_publish

    story = story_in(S.IN_REVIEW)
    login(client, editor)
    data = admin_form_data(client.get(change_url(story)))
    story_publish(story=story, actor=editor)  # while the form is open
    data["headline"] = "Edited after publishing"
    assert client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.status == S.PUBLISHED and story.live_revision_id is not None
    assert story.has_unpublished_changes
    assert Story.objects.live().filter(pk=story.pk).exists()
