"""A live story as an IPTC ninjs 2.2 news item (https://iptc.org/standards/ninjs/)."""

from django.utils.html import escape

from newsroom.api import absolute_url, path_of, site_url
from newsroom.richtext import html_to_text
from stories.models import SectionBlock
from stories.revisions import BlockData
from stories.selectors import StoryPage
from topics.models import Topic

# Which ninjs array a topic goes in, by its kind.
NINJS_ARRAY = {
    Topic.Kind.PERSON: "people",
    Topic.Kind.ORGANISATION: "organisations",
    Topic.Kind.COUNTRY: "places",
    Topic.Kind.PLACE: "places",
    Topic.Kind.EVENT: "subjects",
    Topic.Kind.THEME: "subjects",
}


def story_ninjs(*, page: StoryPage) -> dict:
    """The ninjs item of a story page: the live revision, its topics and its citations."""
    story = page.story
    item = {
        # The story's identifier for its whole life: its address by id (a 301 to wherever it lives now), which a
        # slug change does not move.
        "uri": absolute_url(f"{path_of('api:story-list')}{story.id}/"),
        "type": "text",
        "representationtype": "full",
        "profile": "newsroom-explainer",
        "version": str(story.live_revision_id),
        "firstcreated": _iso(page.published_at),
        "versioncreated": _iso(page.updated_at),
        "pubstatus": "usable",
        "language": "en",
        "slugline": story.live_slug,
        "headlines": [{"role": "main", "value": page.headline}],
        "bodies": [_body(block, page) for block in page.blocks],
        "altids": [{"role": "slug", "value": story.live_slug}],
    }
    if page.summary:
        item["descriptions"] = [{"role": "summary", "contenttype": "text/plain", "value": page.summary}]
    if page.author_name:
        item["by"] = page.author_name
    if page.event_date:
        item["contentcreated"] = f"{page.event_date.isoformat()}T00:00:00Z"
    if page.lead_image is not None:
        item["associations"] = [_feature_image(page.lead_image)]
    for topic in page.topics:
        entry = {"name": topic.name, "rel": "about", "literal": topic.slug, "uri": _topic_uri(topic)}
        item.setdefault(NINJS_ARRAY.get(topic.kind, "subjects"), []).append(entry)
    sources = {}
    for citation in page.citations:
        outlet = citation.outlet
        sources.setdefault(
            outlet.pk,
            {
                "name": outlet.name,
                "role": "cited",
                "literal": outlet.slug,
                **({"uri": outlet.homepage} if outlet.homepage else {}),
            },
        )
    if sources:
        item["infosources"] = list(sources.values())
    return item


def _body(block: BlockData, page: StoryPage) -> dict:
    html = page.block_html(block, absolute_url)
    if block["kind"] == SectionBlock.Kind.PAPERS_SAY and page.citations:
        html += "<ul>" + "".join(_citation_html(c) for c in page.citations) + "</ul>"
    text = html_to_text(html)
    return {
        "role": block["kind"],
        "contenttype": "text/html",
        "value": html,
        "charcount": len(text),
        "wordcount": len(text.split()),
    }


def _citation_html(citation) -> str:
    quote = f" “{escape(citation.quote)}”" if citation.quote else ""
    return f'<li><a href="{escape(citation.url)}">{escape(citation.outlet.name)}</a>: {escape(citation.claim)}{quote}</li>'


def _topic_uri(topic: Topic) -> str:
    return topic.external_url or site_url("topics:detail", topic.slug)


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


_CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}


def _feature_image(lead) -> dict:
    """The lead image as an associated ninjs picture, with its renditions."""
    image = lead.image
    picture = {
        "name": "featureimage",
        "uri": absolute_url(image.file.url),
        "type": "picture",
        "representationtype": "full",
        "renditions": [
            {"name": r.spec, "href": absolute_url(r.file.url), "width": r.width, "height": r.height,
             "contenttype": _CONTENT_TYPES[r.format]}
            for r in sorted(lead.renditions, key=lambda r: r.spec)
        ],
    }  # fmt: skip
    if image.credit:
        picture["by"] = image.credit
    if image.licence:
        picture["usageterms"] = image.licence
    descriptions = [("caption", lead.caption), ("alt", lead.alt)]
    if any(value for _, value in descriptions):
        picture["descriptions"] = [
            {"role": role, "contenttype": "text/plain", "value": value} for role, value in descriptions if value
        ]
    return picture
