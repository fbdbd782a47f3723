"""Template filters for structured data."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsroom.seo import absolute, ld_json_dumps, share_links

register = template.Library()


@register.filter
def ld_json(data) -> str:
    """``data`` as a ``<script type="application/ld+json">`` element, safely escaped."""
    if not data:
        return ""
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(ld_json_dumps(data)))


@register.filter
def absolute_url(path: str) -> str:
    """A site path made absolute on the public origin (``SITE_URL``)."""
    return absolute(path or "/")


@register.simple_tag
def share(path: str, title: str) -> list[tuple[str, str]]:
    """``{% share path title as links %}``: plain share addresses of a page (``newsroom.seo.share_links``)."""
    return share_links(path, title)
