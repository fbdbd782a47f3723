"""Normalise: raw feed entries to the values we store.

A canonical URL (absolute http(s), lower-case host, no fragment, no tracking
parameters), a plain-text title and summary (tags stripped, entities
unescaped, whitespace collapsed), an aware UTC time, a language tag, and a
digest of all of it, so an unchanged entry can be recognised without a write.
"""

import hashlib
import html
import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

import nh3

from .parse import RawEntry

TITLE_MAX = 500
SUMMARY_MAX = 4000
URL_MAX = 1000
GUID_MAX = 500

# Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "spm",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "icid",
        "ncid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "xtor",
        "smid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")


# Block-level tags separate words: "<p>One</p><p>Two</p>" reads "One Two", not "OneTwo".
_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|section|article|figure))\b[^>]*>", re.I)


# C0 control characters other than tab, newline and return: none belongs in a headline or a summary.
_CONTROLS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


@dataclass(slots=True)
class Entry:
    """A normalised entry. The plain-text title and summary are worked out on
    first use, so an unchanged entry (same digest as its row) never pays for them."""

    guid: str
    url: str
    raw_title: str
    raw_summary: str
    published_at: datetime | None
    language: str
    content_hash: str
    _title: str | None = None
    _summary: str | None = None

    @property
    def summary(self) -> str:
        if self._summary is None:
            self._summary = text_plain(self.raw_summary, limit=SUMMARY_MAX)
        return self._summary

    @property
    def title(self) -> str:
        if self._title is None:
            self._title = (
                text_plain(self.raw_title, limit=TITLE_MAX) or text_plain(self.summary, limit=120) or self.url[:TITLE_MAX]
            )
        return self._title


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def url_canonical(url: str, *, base: str = "") -> str:
    """The article's address without tracking parameters, or "" if it is not a usable web URL.

    Other query parameters are kept byte for byte, in their order.
    """
    url = (url or "").strip()
    if not url:
        return ""
    if base and not url.startswith(("http://", "https://")):
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("http", "https") or not host:
        return ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port and not (scheme == "http" and port == 80 or scheme == "https" and port == 443):
        host = f"{host}:{port}"
    query = parts.query
    if query:
        query = "&".join(p for p in query.split("&") if p and not _is_tracking(unquote_plus(p.split("=", 1)[0])))
    canonical = urlunsplit((scheme, host, parts.path or "/", query, ""))
    return canonical if len(canonical) <= URL_MAX else ""


def text_plain(value: str, *, limit: int) -> str:
    """Plain text from a feed field that may hold HTML or entities."""
    if not value:
        return ""
    value = value.translate(_CONTROLS)
    if "<" in value:
        # nh3 drops every tag (and script/style contents) and re-escapes the
        # text; unescaping once gives the characters a reader sees.
        value = html.unescape(nh3.clean(_BLOCK_TAG.sub(" ", value), tags=set()))
    elif "&" in value:
        value = html.unescape(value)
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


# What no text column can hold: NUL (PostgreSQL refuses it) and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_RAW_TEXT = ("guid", "link", "title", "summary", "language")


def _storable(raw: RawEntry) -> RawEntry:
    """``raw`` without characters a text column refuses (a JSON Feed may carry "\\u0000")."""
    if not any(_UNSTORABLE.search(getattr(raw, name) or "") for name in _RAW_TEXT):
        return raw
    return replace(raw, **{name: _UNSTORABLE.sub("", getattr(raw, name) or "") for name in _RAW_TEXT})


def entry_normalise(raw: RawEntry, *, base_url: str = "", feed_language: str = "") -> Entry | None:
    """The entry as stored, or None when it has no usable article URL.

    The digest covers the entry as the feed gave it (plus the canonical URL),
    so any change in the feed, and only that, rewrites the row.
    """
    raw = _storable(raw)
    feed_language = _UNSTORABLE.sub("", feed_language or "")
    guid = (raw.guid or "").strip()
    url = url_canonical(raw.link, base=base_url)
    if not url and guid.startswith(("http://", "https://")):
        url = url_canonical(guid)
    if not url:
        return None
    if len(guid) > GUID_MAX:
        guid = "sha1:" + hashlib.sha1(guid.encode("utf-8", "surrogatepass")).hexdigest()
    published_at = raw.published
    language = language_tag(raw.language, feed_language)
    stamp = published_at.isoformat() if published_at else ""
    digest = hashlib.blake2b(
        "\x00".join((url, raw.title or "", raw.summary or "", stamp, language)).encode("utf-8", "surrogatepass"),
        digest_size=16,
    )
    return Entry(
        guid=guid,
        url=url,
        raw_title=raw.title or "",
        raw_summary=raw.summary or "",
        published_at=published_at,
        language=language,
        content_hash=digest.hexdigest(),
    )
