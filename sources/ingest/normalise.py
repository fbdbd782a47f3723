"""Normalise: raw feed entries to the values we store.

A canonical URL (absolute http(s), lower-case host, no fragment, no tracking
parameters), a plain-text title and summary (tags stripped, entities
unescaped, whitespace collapsed), an aware UTC time, a language tag, and a
digest of all of it, so an unchanged entry can be recognised without a write.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3

from .parse import RawEntry

TITLE_MAX = 500
SUMMARY_MAX = 4000
URL_MAX = 1000
GUID_MAX = 500

# Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
    "vero_id", "vero_conv", "wickedid", "rb_clickid", "s_cid", "spm", "ref_src", "ref_url", "cmpid", "ocid",
    "icid", "ncid", "sr_share", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
    "xtor", "smid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")


# Block-level tags separate words: "<p>One</p><p>Two</p>" reads "One Two", not "OneTwo".
_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|figure))\b[^>]*>", re.I)


@dataclass(slots=True)
class Entry:
    guid: str
    url: str
    title: str
    summary: str
    published_at: datetime | None
    language: str
    content_hash: str


def url_canonical(url: str, *, base: str = "") -> str:
    """The article's address without tracking parameters, or "" if it is not a usable web URL."""
    url = (url or "").strip()
    if not url:
        return ""
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        host = f"{host}:{port}"
    query = parts.query
    if query:
        kept = [
            (key, value) for key, value in parse_qsl(query, keep_blank_values=True)
            if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
        ]
        query = urlencode(kept, doseq=True)
    canonical = urlunsplit((scheme, host, parts.path or "/", query, ""))
    return canonical if len(canonical) <= URL_MAX else ""


def text_plain(value: str, *, limit: int) -> str:
    """Plain text from a feed field that may hold HTML or entities."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        # nh3 drops every tag (and script/style contents) and re-escapes the
        # text; unescaping once gives the characters a reader sees.
        if "<" in value:
            value = _BLOCK_TAG.sub(" ", value)
        value = html.unescape(nh3.clean(value, tags=set()))
    value = " ".join(value.split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def language_tag(*values: str) -> str:
    for value in values:
        value = (value or "").strip().replace("_", "-")
        if value:
            return value[:16].lower()
    return ""


def entry_normalise(raw: RawEntry, *, base_url: str = "", feed_language: str = "") -> Entry | None:
    """The entry as stored, or None when it has no usable article URL."""
    guid = (raw.guid or "").strip()
    url = url_canonical(raw.link, base=base_url)
    if not url and guid.startswith(("http://", "https://")):
        url = url_canonical(guid)
    if not url:
        return None
    if len(guid) > GUID_MAX:
        guid = "sha1:" + hashlib.sha1(guid.encode("utf-8", "surrogatepass")).hexdigest()
    summary = text_plain(raw.summary, limit=SUMMARY_MAX)
    title = text_plain(raw.title, limit=TITLE_MAX) or text_plain(summary, limit=120) or url[:TITLE_MAX]
    published_at = raw.published
    language = language_tag(raw.language, feed_language)
    digest = hashlib.blake2b(digest_size=16)
    for part in (url, title, summary, published_at.isoformat() if published_at else "", language):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return Entry(
        guid=guid, url=url, title=title, summary=summary, published_at=published_at,
        language=language, content_hash=digest.hexdigest(),
    )
