"""The desk in Chromium: the editor reaches the oldest story in review in one click from the admin home and
returns it; the writer sees the comment on their desk and at the top of the story; leaving a story with
unsaved edits asks first."""

import pytest

from stories.workflow import story_submit
from tests.browser.test_public_browser import ARTIFACTS
from tests.browser.test_workflow_browser import sign_in
from tests.factories import build_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_reaches_the_oldest_story_in_one_click_and_the_writer_sees_why_it_came_back(browser, live_server, editor, writer):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    oldest = story_submit(story=build_story(publish=False, author=writer, headline="Oldest in the queue"), actor=writer)
    story_submit(story=build_story(publish=False, author=writer, headline="Newer in the queue"), actor=writer)
    errors = []

    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    assert page.url.endswith("/admin/")  # signing in lands on the desk
    page.screenshot(path=str(ARTIFACTS / "desk-editor-1280.png"))
    page.click(".desk-review li:first-child a.desk-title")  # one click from the admin home
    page.wait_for_selector(".workflow-panel")
    assert page.url.endswith(f"/admin/stories/story/{oldest.pk}/change/")
    page.fill(".workflow-return input[name=comment]", "Two numbers disagree: check the count in section 2.")
    page.click(".workflow-return button")
    page.wait_for_selector(".messagelist .success")
    context.close()

    context, page = sign_in(browser, live_server, writer.username, viewport={"width": 360, "height": 740})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    returned = page.locator(".desk-returned")
    assert "Two numbers disagree" in returned.inner_text() and "Oldest in the queue" in returned.inner_text()
    page.screenshot(path=str(ARTIFACTS / "desk-writer-returned-360.png"), full_page=True)
    returned.locator("a.desk-title").click()
    page.wait_for_selector(".workflow-flag.returned")
    assert "Two numbers disagree" in page.inner_text(".workflow-flag.returned")
    flag_top = page.locator(".workflow-flag.returned").bounding_box()["y"]
    assert flag_top < 740  # on the first screen of a phone, without scrolling
    # Nothing makes the phone scroll sideways (the history's wide table scrolls inside its own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Writer" in page.inner_text("#story_authors-group")  # the byline by name, not a list of accounts

    # Unsaved edits: leaving asks first; staying keeps the text.
    page.fill("#id_headline", "Oldest in the queue, corrected")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.click("#site-name a")  # back to the desk: a link out of the form
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.input_value("#id_headline") == "Oldest in the queue, corrected"
    context.close()
    assert errors == []


def test_a_closed_tab_loses_nothing_autosave_offers_the_typing_back(browser, live_server, writer):
    from stories.models import Story

    story = build_story(publish=False, author=writer, blocks=1, headline="Draft about the river")
    context, page = sign_in(browser, live_server, writer.username, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    page.fill("#id_headline", "Draft about the river, rewritten")
    page.locator("#blocks-0 [contenteditable=true]").click()
    page.keyboard.press("End")
    page.keyboard.type(" A sentence typed just before the crash.")
    page.locator(".story-stats", has_text="kept automatically").wait_for(timeout=15_000)
    context.close()  # the tab is gone, nothing was saved
    assert Story.objects.get(pk=story.pk).headline == "Draft about the river"

    context, page = sign_in(browser, live_server, writer.username, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    page.click(".autosave-offer a.button")  # Restore them
    page.wait_for_selector(".autosave-restored")
    assert page.input_value("#id_headline") == "Draft about the river, rewritten"
    assert "A sentence typed just before the crash." in page.inner_text("#blocks-0 [contenteditable=true]")
    page.screenshot(path=str(ARTIFACTS / "autosave-restored-1280.png"))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    saved = Story.objects.get(pk=story.pk)
    assert saved.headline == "Draft about the river, rewritten"
    assert "A sentence typed just before the crash." in saved.blocks.get().body
    context.close()


def test_the_search_title_counts_its_characters_and_the_previews_follow_the_typing(browser, live_server, editor):
    story = build_story(publish=False, headline="Floods in the valley", summary="Rivers rose overnight.")
    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    assert page.inner_text(".search-preview .sp-title") == "Floods in the valley"
    assert not page.locator(".presence-take").is_visible()  # the lock is this editor's: nothing to take over
    parts = page.locator(".story-parts a").all_inner_texts()
    assert {"Workflow", "Story", "Publishing", "Search and social", "History"} <= set(parts) and any(
        "ection" in p for p in parts
    ), parts
    page.screenshot(path=str(ARTIFACTS / "story-form-parts-1280.png"))
    page.click(".story-parts a:text-is('Search and social')")  # one click to a part far down the form
    page.wait_for_timeout(300)
    assert page.locator("#id_seo_title").is_visible() and page.evaluate("window.scrollY") > 300
    title = "Floods in the valley: what the rising rivers mean for the harvest"
    page.fill("#id_seo_title", title)
    counter = page.locator("#id_seo_title + .char-count")
    assert counter.inner_text() == f"{len(title)} / 60" and "over" in counter.get_attribute("class")
    assert page.inner_text(".search-preview .sp-title") == title and page.inner_text(".social-card .sc-title") == title
    page.fill("#id_seo_description", "What the floods mean.")
    assert page.inner_text(".search-preview .sp-desc") == "What the floods mean."
    page.locator(".search-preview").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "search-and-social-preview-1280.png"))
    context.close()


def test_a_second_editor_sees_who_holds_the_lock_and_takes_it_over(browser, live_server, editor):
    from django.contrib.auth.models import Group

    from tests.browser.test_workflow_browser import PASSWORD
    from tests.factories import UserFactory

    other = UserFactory(username="olga-editor", first_name="Olga", is_staff=True)
    other.set_password(PASSWORD)
    other.save()
    other.groups.add(Group.objects.get(name="Editor"))
    story = build_story(publish=False, headline="Shared story")
    url = f"{live_server.url}/admin/stories/story/{story.pk}/change/"
    first_context, first = sign_in(browser, live_server, editor.username)
    first.goto(url)
    second_context, second = sign_in(browser, live_server, other.username)
    second.goto(url)
    assert "Editor is editing this story and holds the lock" in second.inner_text("#presence")
    assert second.locator(".presence-take").is_visible()
    second.screenshot(path=str(ARTIFACTS / "lock-held-by-another-1280.png"))
    second.click(".presence-take button")
    second.wait_for_selector(".messagelist .success")
    assert not second.locator(".presence-take").is_visible() and "Also open by Editor" in second.inner_text("#presence")
    first_context.close()
    second_context.close()


def test_after_a_conflict_the_editor_takes_their_headline_and_keeps_their_own_summary(browser, live_server, editor):
    from django.db.models import F

    from stories.models import Presence, Story

    story = build_story(publish=False, headline="Original headline", summary="Original summary.")
    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    # Meanwhile someone else saved a new headline (their page closed since: no lock stands in the way).
    Story.objects.filter(pk=story.pk).update(headline="Their better headline", version=F("version") + 1)
    Presence.objects.all().delete()
    page.fill("#id_summary", "My new summary.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".conflict-fields")
    assert page.input_value("#id_summary") == "My new summary."  # the typing came back
    page.screenshot(path=str(ARTIFACTS / "conflict-fields-1280.png"))
    page.click("[data-take-theirs='id_headline']")
    assert page.input_value("#id_headline") == "Their better headline"
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    saved = Story.objects.get(pk=story.pk)
    assert (saved.headline, saved.summary) == ("Their better headline", "My new summary.")
    context.close()


def test_cite_adds_the_article_in_place_without_a_reload_and_keeps_what_was_typed(browser, live_server, editor):
    from datetime import timedelta

    from stories.models import Presence, Story
    from tests.sources.test_coverage import on_topic

    story = build_story(topics=1, citations=1, headline="Envoys recalled")
    topic = story.story_topics.get().topic
    article = on_topic(topic, published_at=story.last_published_at + timedelta(minutes=5), title="Lima recalls its envoy")
    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    page.evaluate("window.notReloaded = true")  # gone if the page loads again
    page.fill("#id_summary", "Typed before citing, not saved yet.")
    page.click(f"button[name=_cite][value='{article.pk}']")
    row = page.locator("#citations-1")
    assert page.evaluate("window.notReloaded === true")
    assert page.input_value("#id_summary") == "Typed before citing, not saved yet."
    assert row.locator("[name=citations-1-url]").input_value() == article.url
    assert row.locator("[name=citations-1-claim]").input_value() == "Lima recalls its envoy"
    assert article.outlet.name in row.inner_text()  # the outlet chosen in its autocomplete
    assert "Added to the citations below" in page.inner_text("#story_form")
    page.screenshot(path=str(ARTIFACTS / "cite-in-place-1280.png"))
    page.fill("[name=citations-1-claim]", "Lima recalled its ambassador on Monday.")
    page.click(f"button[name=_cite][value='{article.pk}']")  # a second click adds nothing: it finds the row
    assert page.locator("[name$='-claim']:not([name*=__prefix__])").count() == 2
    assert "Already among the citations" in page.inner_text("#story_form")
    assert not Story.objects.get(pk=story.pk).citations.filter(source_article=article).exists()  # not saved yet
    Presence.objects.all().delete()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    saved = Story.objects.get(pk=story.pk)
    cited = saved.citations.get(source_article=article)
    claim = "Lima recalled its ambassador on Monday."
    assert (cited.outlet_id, cited.url, cited.claim) == (article.outlet_id, article.url, claim)
    assert saved.summary == "Typed before citing, not saved yet." and saved.citations.count() == 2
    context.close()
    assert errors == []


def test_after_a_conflict_the_editor_takes_their_section_text_in_its_editor_and_keeps_their_own_heading(
    browser, live_server, editor
):
    from django.db.models import F

    from stories.models import Presence, SectionBlock, Story

    story = build_story(publish=False, blocks=2, headline="Two sections")
    first, second = story.blocks.order_by("position")
    context, page = sign_in(browser, live_server, editor.username, viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    # Meanwhile someone else rewrote the first section's text and saved (their page is closed since).
    SectionBlock.objects.filter(pk=first.pk).update(body="<p>Their corrected count: 41 dams.</p>")
    Story.objects.filter(pk=story.pk).update(version=F("version") + 1)
    Presence.objects.all().delete()
    page.locator("#blocks-0 [contenteditable=true]").click()
    page.keyboard.press("End")
    page.keyboard.type(" My sentence on the dams.")
    page.fill("#id_blocks-1-heading", "My better heading")
    page.click("input[name=_continue]")
    page.wait_for_selector(".conflict-fields")
    table = page.inner_text(".conflict-fields")
    page.locator(".conflict-fields").screenshot(path=str(ARTIFACTS / "conflict-sections-1280.png"))
    assert "Section 1, text" in table and "Their corrected count: 41 dams." in table and "My sentence on the dams." in table
    assert "Section 2, heading" in table and "Section 2, text" not in table  # only where the two differ
    page.click("[data-take-theirs='id_blocks-0-body']")
    assert page.inner_text("#blocks-0 [contenteditable=true]") == "Their corrected count: 41 dams."
    assert page.input_value("#id_blocks-1-heading") == "My better heading"
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    saved = {b.pk: b for b in Story.objects.get(pk=story.pk).blocks.all()}
    assert saved[first.pk].body == "<p>Their corrected count: 41 dams.</p>"
    assert saved[second.pk].heading == "My better heading"
    context.close()
