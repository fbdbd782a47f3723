"""Images in Chromium, as a writer, an editor and a reader use them: upload to the library, set the focal point by
clicking, choose a lead image and insert an inline figure from the library in the editor; publish; the reader's
page at 360 and 1280 px loads the rendition its screen needs, moves nothing as the pictures arrive, passes axe."""

import io

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from images.models import Image
from stories.models import Story
from tests.browser.test_public_browser import ARTIFACTS, _axe_violations
from tests.browser.test_workflow_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAYOUT_SHIFTS = """
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""


def _photo(tmp_path):
    picture = PILImage.new("RGB", (2400, 1500), (40, 90, 140))
    ImageDraw.Draw(picture).ellipse((400, 300, 900, 800), fill=(240, 200, 40))  # the subject, left of centre
    path = tmp_path / "harbour at dawn.jpg"
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def test_writer_adds_pictures_editor_publishes_reader_gets_the_right_rendition(browser, live_server, writer, editor, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors = []
    context, page = sign_in(browser, live_server, writer.username, viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # Upload one picture, describe it, and set its focal point by clicking the subject.
    page.goto(f"{live_server.url}/admin/images/image/add/")
    page.set_input_files("#id_upload", str(_photo(tmp_path)))
    page.fill("#id_alt_text", "A yellow buoy in the blue harbour")
    page.fill("#id_credit", "Ana Q./Newsroom")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    image = Image.objects.get()
    preview = page.locator(".image-preview img")
    box = preview.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.27, box["y"] + box["height"] * 0.37)
    assert abs(float(page.input_value("#id_focal_x")) - 0.27) < 0.02
    page.screenshot(path=str(ARTIFACTS / "image-focal-point.png"))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    image.refresh_from_db()
    assert abs(image.focal_x - 0.27) < 0.02 and abs(image.focal_y - 0.37) < 0.02

    # A story with that picture as its lead image and as a figure inside its first section.
    page.goto(f"{live_server.url}/admin/stories/story/add/")
    page.fill("#id_headline", "Harbour reopens after the storm")
    page.fill("#id_summary", "Boats are back in Callao.")
    lead = page.locator("[data-image-field]").filter(has=page.locator("#id_lead_image"))
    lead.locator("[data-image-choose]").click()
    page.click(f"dialog.image-chooser .image-chooser-pick[data-image-id='{image.pk}']")
    lead.locator(".image-field-label", has_text=image.title).wait_for(timeout=10_000)  # the field names the pick
    page.click("#blocks-group .add-row a")
    page.select_option("#id_blocks-0-kind", "whats_happened")
    page.locator("#blocks-0 [contenteditable=true]").click()
    page.keyboard.type("The harbour reopened on Monday.")
    page.locator("#blocks-0 button[title='Image from the library']").click()
    page.click(f"dialog.image-chooser .image-chooser-pick[data-image-id='{image.pk}']")
    page.wait_for_selector("#blocks-0 figure.library-figure img")
    page.locator("#blocks-0 figure.library-figure").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "image-inline-in-editor.png"))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    story = Story.objects.get()
    assert story.lead_image == image
    assert f'<figure data-image-id="{image.pk}"></figure>' in story.blocks.get().body
    context.close()

    context, page = sign_in(browser, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    page.click(".workflow-publish button")
    page.wait_for_selector(".messagelist .success")
    context.close()

    # The reader: the rendition the screen needs, no layout shift, no accessibility violation.
    chosen = {}
    for width, expected_inline in ((360, "full-640"), (1280, "full-960")):
        reader_context = browser.new_context(viewport={"width": width, "height": 800})
        reader_context.add_init_script(LAYOUT_SHIFTS)
        reader = reader_context.new_page()
        reader.goto(f"{live_server.url}/story/harbour-reopens-after-the-storm/")
        figure = reader.locator("figure.inline-image img")
        figure.scroll_into_view_if_needed()
        reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
        chosen[width] = (
            reader.evaluate("img => img.currentSrc", reader.locator("figure.lead-image img").element_handle()),
            reader.evaluate("img => img.currentSrc", figure.element_handle()),
        )
        assert expected_inline in chosen[width][1] and chosen[width][1].endswith(".webp"), chosen
        assert reader.get_attribute("figure.inline-image img", "alt") == "A yellow buoy in the blue harbour"
        assert "Ana Q./Newsroom" in reader.text_content("figure.inline-image figcaption")
        reader.screenshot(path=str(ARTIFACTS / f"image-story-{width}.png"), full_page=True)
        assert reader.evaluate("window.__shift") < 0.01
        assert _axe_violations(reader) == []
        reader_context.close()
    assert "16x9-640" in chosen[360][0] and "16x9-1280" in chosen[1280][0]
    assert errors == []
