"""Rich text: one allow-list, used by the editor field and by every write.

Section bodies and answers are HTML typed in the admin's editor. Whatever
arrives (the editor, an import, the shell) is cleaned with nh3 against the
allow-list below before it is stored, so templates may mark it safe.

Pictures are never stored as ``<img src>``: an inline figure is a reference
to a library image, ``<figure data-image-id="12"></figure>``, and nothing
else survives on a figure (no ``src``, no children, no other attribute).
Pages and the API expand each reference into the image's renditions, alt
text, caption and credit when they render (``figures_expand``).
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
    "figure",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "figure": {"data-image-id"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    clean_content_tags={"script", "style"},
    attribute_filter=lambda tag, attribute, value: value if tag != "figure" or _IMAGE_ID.fullmatch(value) else None,
)

_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*</p>\s*)*$")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h[2-4]|blockquote)>|<br\s*/?>", re.I)
_SPACE = re.compile(r"[ \t\r\f\v]+")
_IMAGE_ID = re.compile(r"[1-9][0-9]{0,17}")
_FIGURE_TAG = re.compile(r'<figure(?: data-image-id="([0-9]+)")?>|</figure>')
_FIGURE_REF = re.compile(r'<figure data-image-id="([0-9]+)"></figure>')


def sanitize_html(value: str | None) -> str:
    """Return ``value`` reduced to the allow-list; an empty editor gives ''."""
    if not value:
        return ""
    cleaned = _figures_canonical(_cleaner.clean(value)).strip()
    return "" if _EMPTY_PARAGRAPH.match(cleaned) else cleaned


def _figures_canonical(cleaned: str) -> str:
    """Each figure that names an image becomes an empty reference; any other figure tag goes (its text stays)."""
    if "<figure" not in cleaned:
        return cleaned
    return _FIGURE_TAG.sub(lambda m: f'<figure data-image-id="{m[1]}"></figure>' if m[1] else "", cleaned)


def figure_ids(value: str | None) -> list[int]:
    """The library images that stored rich text shows inline, in order, each once."""
    return list(dict.fromkeys(int(i) for i in _FIGURE_REF.findall(value or "")))


def figures_expand(value: str, render) -> str:
    """``value`` with each inline figure reference replaced by ``render(image_id)`` (the markup to show,
    or '' for an image that is gone)."""
    return _FIGURE_REF.sub(lambda m: render(int(m[1])), value) if "<figure" in value else value


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
# Inline figures from the image library (``newsroom/static/newsroom/editor/library-figure.js``):
# only where the field asks for them (section bodies), not in every rich-text field.
FIGURE_EXTENSIONS = {"LibraryFigure": True}


def library_figure_allowlist(config, shared_config):
    """What the editor's ``LibraryFigure`` extension writes (for django-prose-editor's allow-list)."""
    shared_config["tags"].add("figure")
    shared_config["attributes"].setdefault("figure", set()).add("data-image-id")


class RichTextField(ProseEditorField):
    """An HTML field edited with the prose editor and always stored sanitised.

    Cleaning happens in ``pre_save`` too, so writes that bypass forms
    (services, imports, fixtures) cannot store markup outside the allow-list.
    """

    def __init__(self, *args, figures: bool = False, **kwargs):
        kwargs.setdefault("extensions", dict(EDITOR_EXTENSIONS) | (FIGURE_EXTENSIONS if figures else {}))
        kwargs["sanitize"] = sanitize_html
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
