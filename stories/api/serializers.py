"""How stories and what they reference look in the API.

The declared fields are the documented shape (OpenAPI); ``represent`` builds
the same shape as plain dicts, which is what the hot endpoints return.
"""

import hashlib

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from faq.models import CommonQuestion
from newsroom.api import PlainRepresentation, SparseFieldsMixin, absolute_url, iso, site_url
from newsroom.richtext import html_to_text
from sources.models import Outlet
from stories.models import Story
from stories.revisions import BlockData, Snapshot
from stories.selectors import StoryPage
from topics.models import Topic


def story_url(slug: str) -> str:
    return site_url("stories:detail", slug)


CARD_SHAPES = {"1x1", "full"}  # a card's picture: square crops, and the uncropped picture (a logo) up to 640 wide


def card_image_data(image) -> dict | None:
    """A topic's, question's or outlet's picture as its reference shows it (``None`` when it has none).

    The caller loads it with its renditions (``select_related`` and ``prefetch_related``).
    """
    if image is None:
        return None
    renditions = [r for r in image.renditions.all() if r.spec.split("-", 1)[0] in CARD_SHAPES and r.width <= 640]
    return {
        "id": image.id, "alt": "" if image.decorative else image.alt_text, "credit": image.credit,
        "width": image.width, "height": image.height, "focal_point": {"x": image.focal_x, "y": image.focal_y},
        "renditions": [_rendition(r) for r in sorted(renditions, key=_rendition_order)],
    }  # fmt: skip


def _rendition(r) -> dict:
    return {
        "url": absolute_url(r.file.url),
        "shape": r.spec.split("-", 1)[0],
        "width": r.width,
        "height": r.height,
        "format": r.format,
    }


def _rendition_order(r) -> tuple:
    return r.spec.split("-", 1)[0], r.width, r.format


def topic_ref(topic: Topic) -> dict:
    """A topic as stories show it. Built once per topic object: the API's reference maps keep their topics for
    as long as no public change comes (``references.py``), and a list shows each topic on many stories."""
    ref = topic.__dict__.get("_api_ref")
    if ref is None:
        ref = topic.__dict__["_api_ref"] = {
            "slug": topic.slug, "name": topic.name, "kind": topic.kind, "url": site_url("topics:detail", topic.slug),
            "image": card_image_data(topic.image) if topic.image_id else None,
        }  # fmt: skip
    return ref


def outlet_ref(outlet: Outlet) -> dict:
    return {
        "slug": outlet.slug,
        "name": outlet.name,
        "homepage": outlet.homepage,
        "country": outlet.country,
        "language": outlet.language,
        "url": site_url("sources:outlet", outlet.slug),
        "logo": card_image_data(outlet.logo) if outlet.logo_id else None,
    }


def question_ref(question: CommonQuestion) -> dict:
    return {
        "slug": question.slug,
        "question": question.question,
        "teaser": question.teaser,
        "url": site_url("faq:detail", question.slug),
        "image": card_image_data(question.image) if question.image_id else None,
    }


class RenditionSerializer(serializers.Serializer):
    """One size of a picture, as a file to fetch (its shape, format and pixel size)."""

    url = serializers.CharField(
        help_text="Absolute address; the name ends in a digest of the bytes, so it can be cached forever."
    )
    shape = serializers.CharField(help_text="full, 16x9, 1x1 or social.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField(help_text="webp or jpeg.")


class FocalPointSerializer(serializers.Serializer):
    """The point of the picture to keep in view when cropping it yourself (0-1 across and down)."""

    x = serializers.FloatField(help_text="0 is the left edge, 1 the right.")
    y = serializers.FloatField(help_text="0 is the top edge, 1 the bottom.")


class ImageSerializer(serializers.Serializer):
    """A picture with its alt text, credit and caption, in every size it comes in."""

    id = serializers.IntegerField()
    alt = serializers.CharField(allow_blank=True, help_text="Alt text; empty for a decorative image.")
    caption = serializers.CharField(allow_blank=True)
    credit = serializers.CharField(allow_blank=True)
    width = serializers.IntegerField(help_text="Of the master.")
    height = serializers.IntegerField(help_text="Of the master.")
    focal_point = FocalPointSerializer()
    renditions = RenditionSerializer(many=True)


class CardImageSerializer(serializers.Serializer):
    """The picture of a topic, question or outlet card (its logo, for an outlet), in every size it comes in."""

    id = serializers.IntegerField()
    alt = serializers.CharField(allow_blank=True, help_text="Alt text; empty for a decorative image.")
    credit = serializers.CharField(allow_blank=True)
    width = serializers.IntegerField(help_text="Of the master.")
    height = serializers.IntegerField(help_text="Of the master.")
    focal_point = FocalPointSerializer()
    renditions = RenditionSerializer(many=True, help_text="Square crops, and the whole picture up to 640 wide.")


@extend_schema_field(CardImageSerializer(allow_null=True))
class CardImageField(serializers.Field):
    """A picture (``card_image_data``) read from a foreign key loaded with ``stories.selectors.with_picture``."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, image):
        return card_image_data(image)


class TopicRefSerializer(PlainRepresentation, serializers.ModelSerializer):
    """A topic (a person, country, organisation, place or event) as stories and questions name it."""

    url = serializers.CharField(help_text="The topic's public page.")
    image = CardImageSerializer(allow_null=True, help_text="The topic's picture (portrait, flag, logo), or null.")

    class Meta:
        model = Topic
        fields = ["slug", "name", "kind", "url", "image"]

    def represent(self, topic):
        return topic_ref(topic)


class OutletRefSerializer(PlainRepresentation, serializers.ModelSerializer):
    """A news outlet as a citation names it."""

    url = serializers.CharField(help_text="The outlet's page on this site.")
    logo = CardImageSerializer(allow_null=True, help_text="The outlet's logo, or null.")

    class Meta:
        model = Outlet
        fields = ["slug", "name", "homepage", "country", "language", "url", "logo"]

    def represent(self, outlet):
        return outlet_ref(outlet)


class QuestionRefSerializer(PlainRepresentation, serializers.ModelSerializer):
    """A common question (“Go deeper”) as a story or topic links to it."""

    url = serializers.CharField(help_text="The question's public page.")
    image = CardImageSerializer(allow_null=True, help_text="The question's card picture, or null.")

    class Meta:
        model = CommonQuestion
        fields = ["slug", "question", "teaser", "url", "image"]

    def represent(self, question):
        return question_ref(question)


class BlockSerializer(serializers.Serializer):
    """One section of a story, in page order: its kind, heading and text (HTML, and the same as plain text)."""

    kind = serializers.CharField(help_text="whats_happened, behind_headline, papers_say, how_we_got_here or custom.")
    heading = serializers.CharField(help_text="The section's heading as the page shows it.")
    html = serializers.CharField(help_text="The section's text as sanitised HTML.")
    text = serializers.CharField(help_text="The section's text as plain text, one paragraph a line.")


class CitationSerializer(serializers.Serializer):
    """What an outlet reported (“What the papers say”): its claim, an optional quote, and the article’s address."""

    outlet = OutletRefSerializer(help_text="The outlet whose reporting is cited.")
    url = serializers.URLField(help_text="The cited article.")
    claim = serializers.CharField(help_text="The outlet's claim or stance, in one sentence.")
    quote = serializers.CharField(allow_blank=True, help_text="A short quote from the article, or empty.")


class NoteSerializer(serializers.Serializer):
    """An update or correction note, with when it was published."""

    at = serializers.CharField(help_text="When the update or correction was made (ISO 8601).")
    text = serializers.CharField(help_text="What changed.")


class StoryListItemSerializer(SparseFieldsMixin, PlainRepresentation, serializers.ModelSerializer):
    """A published story as lists show it: headline, summary, dates, topics and, in a search, the passage that matched."""

    slug = serializers.CharField(help_text="The story's address; use it for the detail.")
    headline = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField(help_text="The story's canonical public page.")
    published_at = serializers.DateTimeField(help_text="First published.")
    updated_at = serializers.DateTimeField(help_text="Last published (updated).")
    topics = TopicRefSerializer(many=True)
    snippet = serializers.CharField(
        allow_null=True,
        help_text="With `q`: the passages of the story that match, as HTML (escaped text, the matched words in "
        "`<mark>`); null otherwise.",
    )

    class Meta:
        model = Story
        fields = ["id", "slug", "headline", "summary", "url", "published_at", "updated_at", "topics", "snippet"]

    def represent(self, story):
        return {
            "id": story.id,
            "slug": story.live_slug,
            "headline": story.live_headline,
            "summary": story.live_summary,
            "url": story_url(story.live_slug),
            "published_at": iso(story.first_published_at),
            "updated_at": iso(story.last_published_at),
            "topics": [topic_ref(t) for t in story.api_topics],
            "snippet": getattr(story, "api_snippet", None),
        }


def lead_image_data(lead) -> dict | None:
    """A story's lead image (``stories.selectors.ShownImage``) as the API shows it."""
    if lead is None:
        return None
    image = lead.image
    return {
        "id": image.id, "alt": lead.alt, "caption": lead.caption, "credit": image.credit,
        "width": image.width, "height": image.height, "focal_point": {"x": image.focal_x, "y": image.focal_y},
        "renditions": [_rendition(r) for r in sorted(lead.renditions, key=_rendition_order)],
    }  # fmt: skip


class StoryDetailSerializer(PlainRepresentation, serializers.Serializer):
    """A published story, whole: everything its page shows, in order (sections, what the papers say, topics, common
    questions, notes and the lead image)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    headline = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    event_date = serializers.DateField(allow_null=True, help_text="The date the dateline refers to.")
    author = serializers.CharField(allow_blank=True, help_text="The byline as readers see it: “Ana Ruiz and Ben Ode”.")
    authors = serializers.ListField(child=serializers.CharField(), help_text="Each author's name, in byline order.")
    url = serializers.CharField(help_text="The story's canonical public page.")
    published_at = serializers.DateTimeField(help_text="First published.")
    updated_at = serializers.DateTimeField(help_text="Last published (updated).")
    revision = serializers.IntegerField(help_text="The live revision's id.")
    blocks = BlockSerializer(many=True)
    citations = CitationSerializer(many=True)
    topics = TopicRefSerializer(many=True)
    questions = QuestionRefSerializer(many=True, help_text="“Go deeper”: published common questions.")
    notes = NoteSerializer(many=True, help_text="Update and correction notes, oldest first.")
    lead_image = ImageSerializer(allow_null=True, help_text="Shown above the story, in cards and when shared.")

    def represent(self, page: StoryPage):
        story = page.story
        return {
            "id": story.id,
            "slug": story.live_slug,
            "headline": page.headline,
            "summary": page.summary,
            "event_date": page.event_date.isoformat() if page.event_date else None,
            "author": page.author_name,
            "authors": page.author_names,
            "url": story_url(story.live_slug),
            "published_at": iso(page.published_at),
            "updated_at": iso(page.updated_at),
            "revision": story.live_revision_id,
            "blocks": [_block(b, page) for b in page.blocks],
            "citations": [
                {"outlet": outlet_ref(c.outlet), "url": c.url, "claim": c.claim, "quote": c.quote} for c in page.citations
            ],
            "topics": [topic_ref(t) for t in page.topics],
            "questions": [question_ref(q) for q in page.questions],
            "notes": [{"at": n["at"], "text": n["text"]} for n in page.notes],
            "lead_image": lead_image_data(page.lead_image),
        }


def story_detail_json(page: StoryPage) -> bytes:
    """The detail's body exactly as the API sends a plain request for it (kept by ``stories/rendering.py``)."""
    return JSONRenderer().render(StoryDetailSerializer(page).data)


def story_references(data: Snapshot) -> str:
    """The ids a revision snapshot links, as kept beside its detail: topics, cited outlets, questions ("1,2|5|7")."""
    outlets = dict.fromkeys(c["outlet_id"] for c in data["citations"])
    return "|".join(",".join(map(str, ids)) for ids in (data["topic_ids"], outlets, data["question_ids"]))


def references_signature(references: str, *, topics: dict, outlets: dict, questions: dict) -> str:
    """A digest of how the topics, outlets and questions named by ``references`` look in a detail now.

    One missing from its map (a question not published, a topic deleted) counts
    as absent. A kept detail is current only while its signature is unchanged.
    """
    topic_ids, outlet_ids, question_ids = ([int(i) for i in part.split(",") if i] for part in references.split("|"))
    shown = (
        [topic_ref(t) if (t := topics.get(i)) else None for i in topic_ids],
        [outlet_ref(o) if (o := outlets.get(i)) else None for i in outlet_ids],
        [question_ref(q) if (q := questions.get(i)) else None for i in question_ids],
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=8).hexdigest()


def page_references_signature(page: StoryPage, references: str) -> str:
    """``references_signature`` from what a built page shows (it holds only the references it found)."""
    return references_signature(
        references,
        topics={t.id: t for t in page.topics},
        outlets={c.outlet.id: c.outlet for c in page.citations},
        questions={q.id: q for q in page.questions},
    )


def _block(block: BlockData, page: StoryPage) -> dict:
    # Bodies are cleaned on every write; cleaning again on the way out (block_html) costs
    # microseconds and keeps a snapshot written by other means from leaking markup.
    html = page.block_html(block, absolute_url)  # inline figures expanded, with absolute addresses for apps
    return {"kind": block["kind"], "heading": block["heading"], "html": html, "text": html_to_text(html)}
