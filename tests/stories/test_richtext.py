"""Rich text against a corpus of XSS payloads: nothing executable reaches a page."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from faq.models import QuestionItem
from newsroom.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html
from stories.models import SectionBlock
from stories.workflow import story_publish
from tests.factories import CommonQuestionFactory, StoryFactory

CORPUS = Path(__file__).resolve().parent.parent / "data" / "xss_payloads.txt"
PAYLOADS = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("# ")]
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Audit(HTMLParser):
    """Every tag and attribute in a piece of HTML, as a browser would tokenise it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and name != "rel":
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and not "".join((value or "").split()).lower().startswith(SAFE_SCHEMES):
                self.problems.append(f"href {value!r}")


DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "meta", "base", "link", "template"}


class _DangerAudit(_Audit):
    """Only what can run or restyle: for whole pages, whose own markup is outside the allow-list."""

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in {"href", "src", "action"} and "script:" in "".join((value or "").split()).lower():
                self.problems.append(f"{name} {value!r}")


def audit(html: str, parser_class=_Audit) -> list[str]:
    parser = parser_class()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_corpus_has_at_least_twenty_payloads():
    assert len(PAYLOADS) >= 20


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitiser_leaves_nothing_executable(payload):
    cleaned = sanitize_html(payload)
    assert audit(cleaned) == []
    lowered = cleaned.lower()
    for needle in ("<script", "javascript:", "vbscript:", "onerror", "onload", "onclick", "style=", "<style", "<iframe"):
        assert needle not in lowered


def test_sanitiser_keeps_ordinary_formatting():
    html = '<h2>Title</h2><p><strong>Bold</strong> and <a href="https://ok.example/">a link</a></p><ul><li>one</li></ul>'
    assert sanitize_html(html) == (
        "<h2>Title</h2><p><strong>Bold</strong> and "
        '<a href="https://ok.example/" rel="noopener noreferrer nofollow">a link</a></p><ul><li>one</li></ul>'
    )


@pytest.mark.django_db
def test_no_payload_reaches_the_public_story_or_answer_page(client):
    story = StoryFactory(slug="xss-story")
    question = CommonQuestionFactory(slug="xss-question")
    for i, payload in enumerate(PAYLOADS):
        SectionBlock.objects.create(story=story, position=i, kind="custom", heading=f"S{i}", body=payload)
        QuestionItem.objects.create(common_question=question, position=i, question=f"Q{i}?", answer=payload)
    story_publish(story=story, actor=None)
    for url in ("/story/xss-story/", "/answers/xss-question/"):
        page = client.get(url).content.decode()
        main = page[page.index("<main") : page.index("</main>")]
        assert "S19" in main or "Q19?" in main  # the sections really are on the page
        assert audit(main, _DangerAudit) == [], url


@pytest.mark.django_db
def test_payloads_posted_through_the_admin_editor_are_stored_clean(client, editor):
    story = StoryFactory()
    client.force_login(editor)
    from tests.stories.test_admin import admin_form_data

    data = admin_form_data(client.get(f"/admin/stories/story/{story.pk}/change/"))
    data.update({"blocks-TOTAL_FORMS": str(len(PAYLOADS))})
    for i, payload in enumerate(PAYLOADS):
        data.update(
            {
                f"blocks-{i}-position": str(i),
                f"blocks-{i}-kind": "custom",
                f"blocks-{i}-heading": f"S{i}",
                f"blocks-{i}-body": f"<p>Text {i}.</p>{payload}",  # some payloads clean to nothing: an empty section
            }
        )
    assert client.post(f"/admin/stories/story/{story.pk}/change/", data).status_code == 302
    bodies = list(story.blocks.values_list("body", flat=True))
    assert bodies and all(audit(body) == [] for body in bodies)
