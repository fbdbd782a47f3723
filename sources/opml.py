"""Import a standard OPML feed list: one Feed per ``xmlUrl``, grouped into outlets by site."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from lxml import etree

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import change_record

from .models import Feed, Outlet

# "BBC News - World" → outlet "BBC News", feed "World".
_TITLE_SPLIT = re.compile(r"\s+[-–—|:]\s+")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_FEED_URL = URLValidator(schemes=["http", "https"])
#: Larger files are refused before parsing (a feed list of 25,000 feeds is about 5 MB).
MAX_BYTES = 5 * 1024 * 1024


class OpmlError(Exception):
    """The file is not readable OPML."""


@dataclass
class OpmlImportResult:
    outlets_created: list[str] = field(default_factory=list)
    feeds_created: int = 0
    feeds_existing: int = 0
    skipped: list[str] = field(default_factory=list)
    feeds: list[tuple[str, str, str]] = field(default_factory=list)  # (outlet, title, URL) of each new feed


class _DryRun(Exception):
    def __init__(self, result: OpmlImportResult):
        super().__init__("dry run")
        self.result = result


def opml_preview(*, source: bytes, outlet: Outlet | None = None) -> OpmlImportResult:
    """What ``opml_import`` would create, without creating anything (it runs, and is rolled back)."""
    try:
        with transaction.atomic():
            raise _DryRun(opml_import(source=source, outlet=outlet))
    except _DryRun as dry:
        return dry.result


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _usable_url(url: str) -> bool:
    try:
        _FEED_URL(url)
    except ValidationError:
        return False
    return len(url) <= 1000


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:190] or "outlet"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def opml_import(*, source: bytes, outlet: Outlet | None = None) -> OpmlImportResult:
    """Create the outlets and feeds an OPML file lists; feeds already present are left alone.

    A feed joins the outlet whose homepage is on the same site (its ``htmlUrl``,
    else the feed's own host, ``www.`` ignored); a new outlet is named after the
    feed's title up to a " - ", " | " or ": " separator. Pass ``outlet`` to put
    every feed under one outlet instead. All or nothing: a file that is not
    OPML, is too large, or lists no usable feed creates nothing.
    """
    if len(source) > MAX_BYTES:
        raise OpmlError(f"larger than {MAX_BYTES:,} bytes")
    try:
        root = etree.fromstring(source, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not well-formed XML: {exc}") from exc
    if etree.QName(root).localname.lower() != "opml":
        raise OpmlError(f"the root element is <{etree.QName(root).localname}>, not <opml>")

    result = OpmlImportResult()
    outlets_by_host = {_host(o.homepage): o for o in Outlet.objects.exclude(homepage="")}
    outlets_by_name = {o.name.casefold(): o for o in Outlet.objects.all()}
    slugs = set(Outlet.objects.values_list("slug", flat=True))
    known_urls = set(Feed.objects.values_list("url", flat=True))
    for node in root.iter("{*}outline", "outline"):
        xml_url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if not xml_url:
            continue
        if not _usable_url(xml_url):
            result.skipped.append(xml_url)
            continue
        if xml_url in known_urls:
            result.feeds_existing += 1
            continue
        title = (node.get("title") or node.get("text") or "").strip()
        html_url = (node.get("htmlUrl") or node.get("htmlurl") or "").strip()
        host = _host(html_url) or _host(xml_url)
        parts = _TITLE_SPLIT.split(title, maxsplit=1) if title else [host]
        outlet_name, feed_title = parts[0][:200], (parts[1] if len(parts) > 1 else title)[:300]
        target = outlet or outlets_by_host.get(host) or outlets_by_name.get(outlet_name.casefold())
        if target is None:
            scheme = urlsplit(html_url or xml_url).scheme or "https"
            target = Outlet.objects.create(
                name=outlet_name,
                slug=_unique_slug(outlet_name, slugs),
                homepage=html_url if html_url.startswith(("http://", "https://")) else f"{scheme}://{host}/",
                language=(node.get("language") or "")[:16],
            )
            change_record(ChangeEvent.Kind.OUTLET, target)  # new: nothing shows it yet
            result.outlets_created.append(target.name)
            outlets_by_host[host] = outlets_by_name[target.name.casefold()] = target
        Feed.objects.create(outlet=target, url=xml_url, title=feed_title)
        result.feeds.append((target.name, feed_title, xml_url))
        known_urls.add(xml_url)
        result.feeds_created += 1
    if not result.feeds_created and not result.feeds_existing:
        skipped = f" ({len(result.skipped)} not a valid http(s) URL)" if result.skipped else ""
        raise OpmlError(f"no feed to import: no outline has a usable xmlUrl{skipped}")
    return result
