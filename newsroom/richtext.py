"""Rich text: one allow-list, used by the editor field and by every write.

Section bodies and answers are HTML typed in the admin's editor. Whatever
arrives (the editor, an import, the shell) is cleaned with nh3 against the
allow-list below before it is stored, so templates may mark it safe.
"""

import html
import re

import nh3
from django_prose_editor.fields import ProseEditorField

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "hr",
    "code",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    clean_content_tags={"script", "style"},
)

_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*</p>\s*)*$")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h[2-4]|blockquote)>|<br\s*/?>", re.I)
_SPACE = re.compile(r"[ \t\r\f\v]+")


def sanitize_html(value: str | None) -> str:
    """Return ``value`` reduced to the allow-list; an empty editor gives ''."""
    if not value:
        return ""
    cleaned = _cleaner.clean(value).strip()
    return "" if _EMPTY_PARAGRAPH.match(cleaned) else cleaned


def html_to_text(value: str | None) -> str:
    """Plain text of stored rich text: paragraphs on their own lines."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n", value)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def text_to_html(value: str) -> str:
    """Wrap plain paragraphs (separated by blank lines or newlines) in <p>."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", value or "") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


class RichTextField(ProseEditorField):
    """An HTML field edited with the prose editor and always stored sanitised.

    Cleaning happens in ``pre_save`` too, so writes that bypass forms
    (services, imports, fixtures) cannot store markup outside the allow-list.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", dict(EDITOR_EXTENSIONS))
        kwargs["sanitize"] = sanitize_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
