"""The shared HTTP cache in front of the web processes (the edge): surrogate keys and purging by key.

Public responses name what they show in one header (``settings.EDGE_KEY_HEADER``,
``xkey`` for Varnish's xkey module; ``Surrogate-Key`` on Fastly, ``Cache-Tag``
on Cloudflare): ``story-<slug>``, ``topic-<slug>``, ``question-<slug>``,
``outlet-<slug>`` for a detail (page or API) at that address, ``list-stories``,
``list-topics`` … for what lists a kind, ``all`` for what shows everything
(sitemaps). With those keys they say ``s-maxage``: the edge may keep them
long, because the public-change pipeline purges exactly the keys a change
touches (``stories.after_change.edge_purge`` → ``keys_purge``), while browsers
keep what ``max-age`` says.

All of it is on only when ``settings.EDGE_PURGE_URLS`` names an edge: a
response that says ``s-maxage`` with nothing to purge it would be stale for as
long. The VCL (``deploy/varnish/newsroom.vcl``) keeps only responses with keys.
"""

import logging
from collections.abc import Iterable

import httpx
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

ALL = "all"
# A redirect of an old slug, a story taken down: a browser keeps them briefly (a slug may be reverted, a story
# republished), the edge until a purge.
SHORT_MAX_AGE = 60
_LISTS = {"story": "list-stories", "topic": "list-topics", "question": "list-questions", "outlet": "list-outlets"}
# A purge request's header of keys stays under this many bytes, far below Varnish's limit (http_req_hdr_len, 8 KB).
_PURGE_HEADER_BYTES = 4000


def edge_on() -> bool:
    return bool(settings.EDGE_PURGE_URLS)


def object_key(kind: str, address: str) -> str:
    """The key of a detail (page, API detail, feed) of the ``kind`` object at ``address``."""
    return f"{kind}-{address}"


def list_key(kind: str) -> str:
    """The key of what lists every public object of ``kind`` (home, API lists, search)."""
    return _LISTS[kind]


def keys_mark(response: HttpResponse, keys: Iterable[str], *, short: bool = False) -> HttpResponse:
    """Name ``keys`` on ``response`` and let the edge keep it (``short``: browsers for SHORT_MAX_AGE only).

    A no-op while no edge is configured.
    """
    if not edge_on():
        return response
    keys = dict.fromkeys(k for k in keys if k)
    if keys:
        response[settings.EDGE_KEY_HEADER] = settings.EDGE_KEY_SEPARATOR.join(keys)
        if short:
            response["Cache-Control"] = f"public, max-age={SHORT_MAX_AGE}"
        edge_cache_control(response)
    return response


def edge_cache_control(response: HttpResponse) -> None:
    """Add ``s-maxage`` to a public response that has keys (the edge keeps it until a purge)."""
    if edge_on() and response.has_header(settings.EDGE_KEY_HEADER) and "private" not in response.get("Cache-Control", ""):
        patch_cache_control(response, s_maxage=settings.EDGE_MAX_AGE)


def changes_keys(changes: Iterable) -> set[str]:
    """The keys a batch of public changes touches: each object's detail, and the lists of its kind."""
    keys = {ALL}
    for change in changes:
        if change.kind in _LISTS:
            keys.add(list_key(change.kind))
            if change.slug:
                keys.add(object_key(change.kind, change.slug))
    return keys


def keys_purge(keys: Iterable[str], *, urls: Iterable[str] | None = None) -> list[str]:
    """Purge ``keys`` at every edge (``settings.EDGE_PURGE_URLS``, or ``urls``); the edges that failed.

    ``PURGE`` requests with the keys in their ``xkey-purge`` header, 4 KB of keys each (soft: the
    objects stay as stale copies, served only while the backend is down, see the VCL).
    """
    chunks, failed = _chunks(sorted(set(keys))), []
    for url in settings.EDGE_PURGE_URLS if urls is None else urls:
        try:
            with httpx.Client(timeout=settings.EDGE_PURGE_TIMEOUT) as client:
                for chunk in chunks:
                    client.request("PURGE", url, headers={"xkey-purge": chunk}).raise_for_status()
        except httpx.HTTPError as exc:
            logger.warning("edge purge of %d keys at %s failed: %s", sum(len(c.split()) for c in chunks), url, exc)
            failed.append(url)
    return failed


def _chunks(keys: list[str]) -> list[str]:
    """``keys`` joined by spaces, in headers of at most _PURGE_HEADER_BYTES (a key is at most a slug long)."""
    chunks, current = [], ""
    for key in keys:
        if current and len(current) + 1 + len(key) > _PURGE_HEADER_BYTES:
            chunks.append(current)
            current = ""
        current = f"{current} {key}" if current else key
    return [*chunks, current] if current else chunks


def keys_purge_later(keys: Iterable[str], *, failed: list[str]) -> None:
    """After the purge at commit: retry the edges that failed, with backoff, and purge all again a moment later.

    The second purge catches a page the edge fetched before the change committed and stored after the first
    purge (a render that straddled the commit). Both need a worker: without a broker (tasks run in-process)
    nothing is left for later, and a failure stays logged.
    """
    from newsroom.changes.tasks import edge_purge  # the task module imports this one

    if edge_purge.app.conf.task_always_eager:
        return
    keys = sorted(set(keys))
    try:
        if failed:
            edge_purge.apply_async((keys, failed), countdown=settings.EDGE_PURGE_BACKOFF_BASE)
        if settings.EDGE_PURGE_AGAIN_SECONDS:
            edge_purge.apply_async((keys, None), countdown=settings.EDGE_PURGE_AGAIN_SECONDS)
    except Exception:  # a broker down must not fail the change that committed
        logger.exception("could not queue the edge purge of %d keys", len(keys))


def purge_backoff(retries: int) -> float:
    """Seconds before retry ``retries`` + 1 of a purge: the base doubled each time, at most EDGE_PURGE_BACKOFF_MAX."""
    return min(settings.EDGE_PURGE_BACKOFF_BASE * 2**retries, settings.EDGE_PURGE_BACKOFF_MAX)


def detail_keys(kind: str, *also: str):
    """``public_page(keys=...)`` of a page addressed by ``slug``: its object's key (and ``also``)."""
    return lambda request, *args, slug, **kwargs: [object_key(kind, slug), *also]


def lists_keys(*kinds: str):
    """``public_page(keys=...)`` of a page listing every public object of ``kinds``."""
    return lambda request, *args, **kwargs: [list_key(kind) for kind in kinds]
