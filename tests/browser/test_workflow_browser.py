"""In Chromium: a writer drafts and submits a story, an editor publishes it, the public page shows it."""

import re

import pytest

PASSWORD = "pw-for-tests-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    return context, page


def test_writer_drafts_and_submits_editor_publishes_reader_sees_it(browser, live_server, writer, editor):
    errors = []
    # The writer drafts a story in the admin, with the rich-text editor.
    context, page = sign_in(browser, live_server, writer.username)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/stories/story/add/")
    page.fill("#id_headline", "Glacier retreat speeds up in the Andes")  # the slug follows it
    page.fill("#id_summary", "Satellite data show the fastest loss on record.")
    page.click("#blocks-group .add-row a")
    page.select_option("#id_blocks-0-kind", "whats_happened")
    editor_box = page.locator("#blocks-0 [contenteditable=true]")
    editor_box.click()
    page.keyboard.type("Glaciers lost a fifth of their area since 2000.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert "Draft" in page.inner_text(".workflow-panel h2")
    page.click(".workflow-submit button")
    page.wait_for_selector(".messagelist .success")
    assert "In review" in page.inner_text(".workflow-panel h2")
    assert page.locator(".workflow-publish").count() == 0  # writers cannot publish
    context.close()

    # The draft is not public yet.
    reader = browser.new_page()
    assert reader.goto(f"{live_server.url}/story/glacier-retreat-speeds-up-in-the-andes/").status == 404

    # The editor publishes it.
    context, page = sign_in(browser, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/stories/story/")
    page.click("text=Glacier retreat speeds up in the Andes")
    page.click(".workflow-publish button")
    page.wait_for_selector(".messagelist .success")
    assert "Published" in page.inner_text(".workflow-panel h2")
    context.close()

    # Readers see it on the story page and the home page.
    response = reader.goto(f"{live_server.url}/story/glacier-retreat-speeds-up-in-the-andes/")
    assert response.status == 200
    assert reader.inner_text("h1") == "Glacier retreat speeds up in the Andes"
    assert "Glaciers lost a fifth of their area since 2000." in reader.inner_text("main")
    reader.goto(f"{live_server.url}/")
    assert re.search("Glacier retreat speeds up", reader.inner_text("main"))
    assert errors == []


def test_sections_reorder_by_dragging_and_by_buttons(browser, live_server, editor):
    from stories.models import Story
    from tests.factories import build_story

    story = build_story(blocks=3, publish=False)
    headings = lambda: list(Story.objects.get(pk=story.pk).blocks.values_list("heading", flat=True))  # noqa: E731
    assert headings() == ["Section 0", "Section 1", "Section 2"]
    # A tall window, so that dragging needs no scrolling.
    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 7000})
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    # Keyboard-friendly buttons: move the last section up once (0, 2, 1).
    page.click("#blocks-2 button[aria-label='Move up']")
    # Drag the first section onto the lower half of the last row (2, 1, 0).
    page.locator("#blocks-0 .sortable-handle").hover()
    page.mouse.down()
    last = page.locator("#blocks-1").bounding_box()
    page.mouse.move(last["x"] + 20, last["y"] + last["height"] - 10, steps=10)
    page.mouse.up()
    assert page.input_value("#id_blocks-0-position") == "2"
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    context.close()
    assert headings() == ["Section 2", "Section 1", "Section 0"]


def test_editor_corrects_one_story_schedules_another_and_unpublishes_a_third(browser, live_server, editor):
    from datetime import timedelta

    from django.utils import timezone

    from stories.models import Story
    from stories.workflow import story_publish_due
    from tests.factories import build_story

    live = build_story(headline="Vote count story", slug="vote-count")
    waiting = build_story(headline="Embargoed report", slug="embargoed", publish=False)
    doomed = build_story(headline="Mistaken story", slug="mistaken")
    context, page = sign_in(browser, live_server, editor.username)

    # Correct the live story: the change stays private until published with a note.
    page.goto(f"{live_server.url}/admin/stories/story/{live.pk}/change/")
    page.fill("#id_headline", "Vote count story (corrected)")
    page.click("input[name=_continue]")
    page.wait_for_selector(".unpublished-changes")
    reader = browser.new_page()
    reader.goto(f"{live_server.url}/story/vote-count/")
    assert reader.inner_text("h1") == "Vote count story"
    page.fill(".workflow-publish input[name=note]", "Corrected the headline.")
    page.click(".workflow-publish button")
    page.wait_for_selector(".messagelist .success")
    reader.goto(f"{live_server.url}/story/vote-count/")
    assert reader.inner_text("h1") == "Vote count story (corrected)"
    assert "Corrected the headline." in reader.inner_text("main")

    # Schedule another for tomorrow; it goes live when the scheduler runs after that time.
    page.goto(f"{live_server.url}/admin/stories/story/{waiting.pk}/change/")
    tomorrow = timezone.now() + timedelta(days=1)
    page.fill(".workflow-schedule input[name=publish_at]", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.click(".workflow-schedule button")
    page.wait_for_selector(".messagelist .success")
    assert "Scheduled" in page.inner_text(".workflow-panel h2")
    assert reader.goto(f"{live_server.url}/story/embargoed/").status == 404
    story_publish_due(now=tomorrow + timedelta(minutes=1))
    assert reader.goto(f"{live_server.url}/story/embargoed/").status == 200

    # Unpublish a third: readers get 410 Gone with a notice.
    page.goto(f"{live_server.url}/admin/stories/story/{doomed.pk}/change/")
    page.click(".workflow-unpublish button")
    page.wait_for_selector(".messagelist .success")
    response = reader.goto(f"{live_server.url}/story/mistaken/")
    assert response.status == 410
    assert "withdrawn" in reader.inner_text("main").lower()
    context.close()
    assert Story.objects.get(pk=doomed.pk).status == Story.Status.UNPUBLISHED
