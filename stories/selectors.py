"""Read queries for public pages and the API: live stories only, prefetched."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.html import format_html

from faq.models import CommonQuestion
from images.models import Image as LibraryImage
from images.models import Rendition
from newsroom.richtext import figure_ids, figures_expand, sanitize_html
from sources.models import Outlet
from topics.models import Topic

from .bylines import Byline, bylines_for
from .models import Revision, SectionBlock, SlugRedirect, Story
from .revisions import BlockData, NoteData, Snapshot, snapshot_event_date, snapshot_image_ids

_SLUG = "\x00slug\x00"


@cache
def _live_row_sql(fields: tuple[str, ...]) -> tuple[str, tuple, int]:
    queryset = Story.objects.live().filter(live_slug=_SLUG).order_by().values_list(*fields)[:1]
    sql, params = queryset.query.sql_with_params()
    # Choices as their plain values: the driver adapts a str at once, a choices enum after a walk of its classes.
    params = tuple(getattr(param, "value", param) for param in params)
    return sql, params, params.index(_SLUG)


def live_story_field_sql(slug: str, field: str) -> tuple[str, tuple]:
    """A scalar subquery of ``field`` of the live story at ``slug`` (NULL when there is none), and its params:
    for reading it in another statement (the API's fingerprint)."""
    sql, params, at = _live_row_sql((field,))
    return f"({sql})", (*params[:at], slug, *params[at + 1 :])


def live_story_row(slug: str, *fields: str) -> tuple | None:
    """``fields`` of the live story at ``slug`` (through ``Story.objects.live()``, the gate), or None: one query.

    Compiling a query costs more than running it, so each set of fields is
    compiled once per process and run with each slug (the story page and the
    API detail are the hottest reads of the site).
    """
    sql, params, at = _live_row_sql(fields)
    with connections[router.db_for_read(Story)].cursor() as cursor:
        cursor.execute(sql, (*params[:at], slug, *params[at + 1 :]))
        return cursor.fetchone()


def story_list_live() -> QuerySet[Story]:
    """Live stories, newest first, with only the columns a list shows."""
    return (
        Story.objects.live()
        .only(
            "id",
            "live_slug",
            "live_headline",
            "live_summary",
            "first_published_at",
            "last_published_at",
            "status",
            "live_revision_id",
        )
        .order_by("-first_published_at", "-id")
    )


@dataclass
class CitationView:
    outlet: Outlet
    url: str
    claim: str
    quote: str


@dataclass
class ShownImage:
    """A library image as pages, feeds and the API show it: renditions of one shape, alt text, caption, credit.

    A lead image is shown in 16:9, an inline figure uncropped ("full").
    """

    image: LibraryImage
    caption: str
    renditions: list[Rendition]
    shape: str = "16x9"

    @property
    def alt(self) -> str:
        return "" if self.image.decorative else self.image.alt_text

    def _shape(self, fmt: str) -> list[Rendition]:
        prefix = f"{self.shape}-"
        return sorted((r for r in self.renditions if r.spec.startswith(prefix) and r.format == fmt), key=lambda r: r.width)

    def srcset(self, fmt: str, url: Callable[[str], str] = str) -> str:
        return ", ".join(f"{url(r.file.url)} {r.width}w" for r in self._shape(fmt))

    @property
    def webp_srcset(self) -> str:
        return self.srcset("webp")

    @property
    def jpeg_srcset(self) -> str:
        return self.srcset("jpeg")

    @property
    def fallback(self) -> Rendition | None:
        """The largest JPEG of the shape: the ``src`` for browsers without ``srcset``."""
        jpegs = self._shape("jpeg")
        return jpegs[-1] if jpegs else None

    @property
    def social(self) -> Rendition | None:
        return next((r for r in self.renditions if r.spec == "social-1200.jpeg"), None)


SIZES = "(min-width: 48rem) 46rem, 100vw"  # the story column: full width on a phone, 46rem beside nothing on a desktop


def figure_html(figure: ShownImage | None, url: Callable[[str], str] = str) -> str:
    """The markup of an inline figure (``url`` maps a file's URL, e.g. to an absolute one); '' when it is gone.

    Width and height reserve its space (no layout shift); it loads lazily, being below the headline.
    """
    if figure is None:
        return ""
    fallback = figure.fallback
    src, width, height = (fallback.file.url, fallback.width, fallback.height) if fallback else (
        figure.image.file.url, figure.image.width, figure.image.height
    )  # fmt: skip
    webp, jpeg = figure.srcset("webp", url), figure.srcset("jpeg", url)
    caption = (
        format_html(
            "<figcaption>{}{}</figcaption>",
            figure.caption,
            format_html(' <span class="credit">{}</span>', figure.image.credit) if figure.image.credit else "",
        )
        if figure.caption or figure.image.credit
        else ""
    )
    return format_html(
        '<figure class="inline-image"><picture>{}<img src="{}"{} width="{}" height="{}" alt="{}" loading="lazy" '
        'decoding="async"></picture>{}</figure>',
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, SIZES) if webp else "",
        url(src),
        format_html(' srcset="{}" sizes="{}"', jpeg, SIZES) if jpeg else "",
        width,
        height,
        figure.alt,
        caption,
    )


def with_picture(queryset: QuerySet, field: str = "image") -> QuerySet:
    """``queryset`` with each row's library picture (``field``) and its renditions: a join, and one prefetch
    query when any row has one."""
    return queryset.select_related(field).prefetch_related(f"{field}__renditions")


def library_images(image_ids: Iterable[int | None]) -> dict[int, LibraryImage]:
    """Library images by id, each with its renditions: two queries for any number of them."""
    ids = {i for i in image_ids if i}
    return LibraryImage.objects.prefetch_related("renditions").in_bulk(ids) if ids else {}


def lead_image_for(data: Snapshot, images: dict[int, LibraryImage] | None = None) -> ShownImage | None:
    """The lead image a snapshot names, or None (none, or deleted since); from ``images`` (``library_images``)
    when the caller fetched many at once, else two queries."""
    image_id = data.get("lead_image_id")
    if not image_id:
        return None
    image = (library_images([image_id]) if images is None else images).get(image_id)
    if image is None:
        return None
    return ShownImage(
        image=image, caption=data.get("lead_image_caption") or image.caption, renditions=list(image.renditions.all())
    )


def _social_image_for(data: Snapshot, images: dict[int, LibraryImage]) -> ShownImage | None:
    image = images.get(data.get("social_image_id") or 0)
    return ShownImage(image=image, caption="", renditions=list(image.renditions.all()), shape="social") if image else None


def figures_for(data: Snapshot, images: dict[int, LibraryImage]) -> dict[int, ShownImage]:
    """The inline figures a snapshot's sections show, by image id (those still in the library)."""
    figures = {}
    for block in data["blocks"]:
        for image_id in figure_ids(block["body"]):
            if image_id not in figures and (image := images.get(image_id)) is not None:
                renditions = list(image.renditions.all())
                figures[image_id] = ShownImage(image=image, caption=image.caption, renditions=renditions, shape="full")
    return figures


@dataclass
class StoryPage:
    """Everything a story page shows, read from the live revision."""

    story: Story
    headline: str
    summary: str
    event_date: date | None
    author_name: str  # the byline
    published_at: datetime
    updated_at: datetime
    blocks: list[BlockData]
    citations: list[CitationView]
    topics: list[Topic]
    questions: list[CommonQuestion]
    notes: list[NoteData] = field(default_factory=list)
    lead_image: ShownImage | None = None
    figures: dict[int, ShownImage] = field(default_factory=dict)  # inline figures by image id
    author_names: list[str] = field(default_factory=list)  # each author, in byline order
    seo_title: str = ""  # as search engines and link previews show it: the headline unless set
    seo_description: str = ""  # the summary unless set
    social_image: ShownImage | None = None  # link previews: the lead image unless set
    author_links: list[Byline] = field(default_factory=list)  # the byline linked to author pages (live pages only)

    @property
    def bylines(self) -> list[Byline]:
        """Each name of the byline, linked where its person has an author page."""
        return self.author_links or [Byline(name=name) for name in self.author_names]

    @property
    def share_image(self) -> Rendition | None:
        """The 1200 × 630 picture of link previews: the social image's, else the lead image's."""
        shown = self.social_image or self.lead_image
        return shown.social if shown else None

    @property
    def share_image_alt(self) -> str:
        shown = self.social_image or self.lead_image
        return shown.alt if shown else ""

    def block_html(self, block: BlockData, url: Callable[[str], str] = str) -> str:
        """A section's body as shown: sanitised, each inline figure reference expanded (``url`` maps file URLs)."""
        return figures_expand(sanitize_html(block["body"]), lambda image_id: figure_html(self.figures.get(image_id), url))


def story_live_queryset() -> QuerySet[Story]:
    # One query for the story and its live revision, one each for topics,
    # published questions, cited outlets and credited people (with their
    # author profiles): five in all, whatever the number of blocks,
    # citations, topics, questions or authors.
    return (
        Story.objects.live()
        .select_related("live_revision")
        .prefetch_related(
            Prefetch("live_topics", queryset=with_picture(Topic.objects.all())),
            Prefetch("live_outlets", queryset=with_picture(Outlet.objects.all(), "logo")),
            Prefetch("live_questions", queryset=with_picture(CommonQuestion.objects.published())),
            Prefetch("live_authors", queryset=get_user_model().objects.select_related("author_profile")),
        )
    )


RELATED_ON_STORY = 4  # "Related stories" under a story


def _related_live(*, story: dict, limit: int) -> QuerySet[Story]:
    # ``story``: a lookup naming the one story (by id, or by live slug).
    links = Story.live_topics.through.objects
    topics = links.filter(**{f"story__{k}" if k != "id" else "story_id": v for k, v in story.items()})
    shared = links.filter(topic_id__in=topics.values("topic_id")).values("story_id")
    return story_list_live().filter(pk__in=shared).exclude(**story)[:limit]


def related_stories(*, story_id: int, limit: int = RELATED_ON_STORY) -> list[Story]:
    """Up to ``limit`` live stories sharing a live topic with the story ``story_id``, newest first, not the
    story itself: one query, whatever the number of topics."""
    return list(_related_live(story={"id": story_id}, limit=limit))


# A related story as the story page needs it: its card as kept at its publication (``card``, current when
# ``card_key`` names its live revision), and what rebuilds the card when it is not.
RELATED_FIELDS = (
    "id",
    "live_revision_id",
    "card_key",
    "card",
    "live_slug",
    "live_headline",
    "live_summary",
    "first_published_at",
    "last_published_at",
)


def _related_rows(queryset: QuerySet[Story]) -> QuerySet:
    return queryset.annotate(card_key=F("live_page__key"), card=F("live_page__card_html")).values(*RELATED_FIELDS)


def related_story_rows(*, story_id: int, limit: int = RELATED_ON_STORY) -> list[dict]:
    """``related_stories`` as rows of ``RELATED_FIELDS`` with each story's kept card: one query."""
    return list(_related_rows(_related_live(story={"id": story_id}, limit=limit)))


@cache
def _page_with_related_sql(fields: tuple[str, ...]) -> tuple[str, tuple]:
    page_sql, page_params, _ = _live_row_sql(fields)
    related = _related_rows(_related_live(story={"live_slug": _SLUG}, limit=RELATED_ON_STORY))
    related_sql, related_params = related.query.sql_with_params()
    sql = (
        f"SELECT page.*, (SELECT COALESCE(json_agg(r ORDER BY r.first_published_at DESC, r.id DESC), '[]') "
        f"FROM ({related_sql}) r) FROM ({page_sql}) page"
    )
    return sql, (*related_params, *page_params)  # in the order they appear


def live_story_row_with_related(slug: str, *fields: str) -> tuple | None:
    """``live_story_row`` plus, last, its related stories (``related_story_rows``, as dicts with dates in ISO text):
    one statement on PostgreSQL (two elsewhere), compiled once per process, for the story page."""
    if connections[router.db_for_read(Story)].vendor != "postgresql":
        row = live_story_row(slug, *fields)
        if row is None:
            return None
        return (*row, related_story_rows(story_id=row[fields.index("id")]))
    sql, params = _page_with_related_sql(fields)
    with connections[router.db_for_read(Story)].cursor() as cursor:
        cursor.execute(sql, tuple(slug if p == _SLUG else p for p in params))
        return cursor.fetchone()


def story_page_from(story: Story, images: dict | None = None) -> StoryPage:
    """Build the page of a story fetched with ``story_live_queryset``; ``images`` (``library_images``) when the
    caller builds many pages at once, else its images cost two queries."""
    page = _story_page(
        story=story,
        data=story.live_revision.data,
        topics={t.id: t for t in story.live_topics.all()},
        questions={q.id: q for q in story.live_questions.all()},
        outlets={o.id: o for o in story.live_outlets.all()},
        images=images,
        published_at=story.first_published_at,
        updated_at=story.last_published_at,
    )
    page.author_links = bylines_for(names=page.author_names, credited=story.live_authors.all())
    return page


def story_page_with(*, story: Story, topics: dict, questions: dict, outlets: dict, images: dict | None = None) -> StoryPage:
    """The page of a live story fetched without prefetches, from reference maps the caller holds.

    ``topics``, ``outlets`` and ``questions`` map ids to rows; ``questions``
    must hold published questions only. The API keeps these maps per process
    while public content is unchanged, so a detail costs one query. ``images``
    (``library_images``) holds the images of many stories built at once.
    """
    return _story_page(
        story=story,
        data=story.live_revision.data,
        topics=topics,
        questions=questions,
        outlets=outlets,
        images=images,
        published_at=story.first_published_at,
        updated_at=story.last_published_at,
    )


def story_page_from_snapshot(*, story: Story, data: Snapshot, now: datetime | None = None) -> StoryPage:
    """A page built from any snapshot (the working copy, a revision) without saving: for previews.

    Linked questions are shown whatever their status, so a reviewer sees what
    the editor linked; three queries for the references.
    """
    now = now or timezone.now()
    outlet_ids = {c["outlet_id"] for c in data["citations"]}
    return _story_page(
        story=story,
        data=data,
        topics=with_picture(Topic.objects.all()).in_bulk(data["topic_ids"]),
        questions=with_picture(CommonQuestion.objects.all()).in_bulk(data["question_ids"]),
        outlets=with_picture(Outlet.objects.all(), "logo").in_bulk(outlet_ids),
        published_at=story.first_published_at or now,
        updated_at=story.last_published_at or story.first_published_at or now,
    )


def _story_page(*, story: Story, data: Snapshot, topics, questions, outlets, published_at, updated_at, images=None) -> StoryPage:
    if images is None:
        images = library_images(snapshot_image_ids(data))  # two queries, none when it shows no image
    blocks = list(data["blocks"])
    papers_say = SectionBlock.Kind.PAPERS_SAY
    if data["citations"] and not any(b["kind"] == papers_say for b in blocks):
        # Citations are shown under “What the papers say”; give them one.
        blocks.append(BlockData(kind=papers_say, heading=papers_say.label, body=""))
    page = StoryPage(
        story=story,
        headline=data["headline"],
        summary=data["summary"],
        event_date=snapshot_event_date(data),
        author_name=data.get("author_name", ""),
        author_names=data.get("author_names") or [name for name in [data.get("author_name", "")] if name],
        published_at=published_at,
        updated_at=updated_at,
        blocks=blocks,
        citations=[
            CitationView(outlet=outlets[c["outlet_id"]], url=c["url"], claim=c["claim"], quote=c["quote"])
            for c in data["citations"]
            if c["outlet_id"] in outlets
        ],
        topics=[topics[i] for i in data["topic_ids"] if i in topics],
        questions=[questions[i] for i in data["question_ids"] if i in questions],
        notes=data.get("notes", []),
        lead_image=lead_image_for(data, images),
        figures=figures_for(data, images),
        seo_title=data.get("seo_title") or data["headline"],
        seo_description=data.get("seo_description") or data["summary"],
        social_image=_social_image_for(data, images),
    )
    page.blocks = [{**block, "html": page.block_html(block)} for block in blocks]  # as the page shows them
    return page


class StoryGone(Exception):
    """The story at this address was unpublished: answer 410 Gone."""


class StoryMoved(Exception):
    """The story now lives at another slug: answer 301 to ``slug``."""

    def __init__(self, slug: str):
        super().__init__(slug)
        self.slug = slug


def story_address_check(*, slug: str) -> None:
    """For a slug with no live story: raise ``StoryMoved`` or ``StoryGone`` when either applies."""
    moved = SlugRedirect.objects.filter(old_slug=slug).values_list("story__live_slug", "story__status").first()
    if moved and moved[0]:
        if moved[1] == Story.Status.PUBLISHED:
            raise StoryMoved(moved[0])
        raise StoryGone(slug)
    if Story.objects.filter(live_slug=slug, status=Story.Status.UNPUBLISHED).exists():
        raise StoryGone(slug)


# --- topic, question and outlet pages: the stories they list -----------------


def topic_stories(*, topic: Topic) -> QuerySet[Story]:
    """Live stories whose live revision is tagged with ``topic``."""
    return story_list_live().filter(live_topics=topic)


def topic_questions(*, topic: Topic) -> QuerySet[CommonQuestion]:
    return CommonQuestion.objects.published().filter(topics=topic)


# A question may be linked from thousands of stories; its page lists the newest.
RELATED_STORIES_MAX = 20


def question_page(*, slug: str) -> CommonQuestion:
    """A published question with its items and topics prefetched, and in ``related_stories``
    the newest ``RELATED_STORIES_MAX`` live stories linking to it (one sliced query)."""
    question = with_picture(CommonQuestion.objects.published()).prefetch_related("items", "topics").get(slug=slug)
    question.related_stories = list(story_list_live().filter(live_questions=question)[:RELATED_STORIES_MAX])
    return question


def outlet_stories(*, outlet: Outlet) -> QuerySet[Story]:
    """Live stories that cite ``outlet`` in their live revision."""
    return story_list_live().filter(live_outlets=outlet)


@dataclass
class OutletCitation:
    url: str
    claim: str
    quote: str


def outlet_claims(*, outlet: Outlet, stories) -> dict[int, list[OutletCitation]]:
    """What ``outlet`` said in each of ``stories``, read from their live revisions (one query).

    Only the citations are read out of each revision's JSON, not the whole story.
    """
    by_revision = {s.live_revision_id: s.pk for s in stories}
    claims: dict[int, list[OutletCitation]] = {pk: [] for pk in by_revision.values()}
    rows = Revision.objects.filter(pk__in=by_revision).values_list("pk", "data__citations")
    for revision_id, citations in rows:
        for c in citations or []:
            if c.get("outlet_id") == outlet.pk:
                claims[by_revision[revision_id]].append(
                    OutletCitation(url=c.get("url", ""), claim=c.get("claim", ""), quote=c.get("quote", ""))
                )
    return claims
