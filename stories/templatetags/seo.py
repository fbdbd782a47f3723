"""Template filters for structured data."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsroom.seo import absolute, ld_json_dumps

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
