"""Structured data for search engines and link previews (schema.org JSON-LD).

Built as plain dicts in Python and written into pages by the ``ld_json``
filter (``stories/templatetags/seo.py``), which escapes ``<``, ``>`` and ``&``
so no text an editor typed can close the script element.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from django.conf import settings

# Topic kinds as schema.org types.
TOPIC_TYPES = {
    "person": "Person",
    "country": "Country",
    "organisation": "Organization",
    "place": "Place",
    "event": "Event",
    "theme": "Thing",
}


def absolute(path: str) -> str:
    """``path`` on the public origin (``SITE_URL``), as canonical links need."""
    return path if "://" in path else settings.SITE_URL + path


# As json_script does: nothing inside the script element can end it or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).translate(_SCRIPT_ESCAPES)


def publisher() -> dict:
    return {"@type": "NewsMediaOrganization", "name": settings.SITE_NAME, "url": absolute("/")}


def topic_thing(topic) -> dict:
    thing = {"@type": TOPIC_TYPES.get(topic.kind, "Thing"), "name": topic.name, "url": absolute(topic.get_absolute_url())}
    if topic.external_url:
        thing["sameAs"] = topic.external_url
    if topic.description:
        thing["description"] = topic.description
    return thing


def news_article(page) -> dict:
    """``NewsArticle`` for a story page (``stories.selectors.StoryPage``)."""
    url = absolute(page.story.get_absolute_url())
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.headline[:110],
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": page.published_at.isoformat() if page.published_at else None,
        "dateModified": (page.updated_at or page.published_at).isoformat() if page.published_at else None,
        "author": (
            [{"@type": "Person", "name": b.name, **({"url": absolute(b.url)} if b.url else {})} for b in page.bylines]
            if page.author_names
            else [{"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")}]
        ),
        "publisher": publisher(),
        "isAccessibleForFree": True,
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if page.summary:
        article["description"] = page.summary
    if page.lead_image is not None:  # the shapes search engines ask for, widest first
        wanted = ("16x9-1280.jpeg", "4x3-1200.jpeg", "1x1-640.jpeg", "social-1200.jpeg")
        by_spec = {r.spec: r for r in page.lead_image.renditions}
        article["image"] = [absolute(by_spec[spec].file.url) for spec in wanted if spec in by_spec] or [
            absolute(page.lead_image.image.file.url)
        ]
    if page.event_date:
        article["dateline"] = page.event_date.isoformat()
    if page.topics:
        article["about"] = [topic_thing(t) for t in page.topics]
        article["keywords"] = [t.name for t in page.topics]
    if page.citations:
        article["citation"] = [
            {
                "@type": "NewsArticle",
                "url": c.url,
                "abstract": c.claim,
                "publisher": {
                    "@type": "NewsMediaOrganization",
                    "name": c.outlet.name,
                    **({"url": c.outlet.homepage} if c.outlet.homepage else {}),
                },
            }
            for c in page.citations
        ]
    return {k: v for k, v in article.items() if v is not None}


def share_links(path: str, title: str) -> list[tuple[str, str]]:
    """Plain share addresses for a page (no third-party script): (service, URL), email first."""
    url = absolute(path)
    return [
        ("Email", "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": f"{title} {url}"}, quote_via=quote)),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title}, quote_via=quote)),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote)),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}, quote_via=quote)),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"}, quote_via=quote)),
    ]


def person(profile) -> dict:
    """``ProfilePage`` about the ``Person`` of an author page (``stories.models.AuthorProfile``)."""
    thing = {"@type": "Person", "name": profile.public_name, "url": absolute(profile.get_absolute_url())}
    if profile.role:
        thing["jobTitle"] = profile.role
    if profile.bio:
        thing["description"] = profile.bio
    thing["worksFor"] = publisher()
    return {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": thing}


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """``BreadcrumbList`` of (name, path) pairs, from the home page down."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": absolute(path)}
            for i, (name, path) in enumerate(trail, start=1)
        ],
    }


def story_breadcrumbs(page) -> dict:
    trail = [("Home", "/")]
    if page.topics:
        trail.append((page.topics[0].name, page.topics[0].get_absolute_url()))
    trail.append((page.headline, page.story.get_absolute_url()))
    return breadcrumbs(trail)


def faq_page(question, items) -> dict:
    """``FAQPage`` for a common-question page and its answered items."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "name": question.question,
        "url": absolute(question.get_absolute_url()),
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": item.answer},
            }
            for item in items
        ],
    }


def website() -> dict:
    """``WebSite`` with its search, for the home page (search engines may offer a search box)."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "publisher": publisher(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": absolute("/search/?q={search_term_string}")},
            "query-input": "required name=search_term_string",
        },
    }
