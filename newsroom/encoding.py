"""Content coding of responses: br or gzip as the client's Accept-Encoding allows, else identity.

Each body is compressed once and the coded bytes kept beside the plain ones:
the API in its response cache (``ConditionalGetMixin``), public pages in the
page cache's entry (``newsroom/cache.py``), so a cached hit is sent as it was
stored. Small bodies are sent as they are: under ``MIN_SIZE`` bytes the
coding's own header and framing cost more than they save.
"""

import gzip

import brotli

IDENTITY = "identity"
CODINGS = ("br", "gzip")  # ours, in order of preference when a client accepts several equally
MIN_SIZE = 512
# Bodies are compressed on the request that first needs them (then kept): quality 5 compresses a
# 100-story page in a few milliseconds at about gzip -9's size; 11 would take about 20 times longer.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6


def coding_negotiate(accept_encoding: str) -> str:
    """The coding to answer a request whose ``Accept-Encoding`` is given (RFC 9110 §12.5.3).

    The acceptable coding of ours with the highest weight, ``br`` on a tie;
    ``q=0`` refuses a coding, ``*`` stands for any not named, ``x-gzip`` is
    ``gzip``. No header, or nothing of ours acceptable: identity.
    """
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        name = "gzip" if name.lower() == "x-gzip" else name.lower()
        if not name:
            continue
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name] = weight
    best, best_weight = IDENTITY, 0.0
    for coding in CODINGS:
        weight = weights.get(coding, weights.get("*", 0.0))
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def body_encode(body: bytes, coding: str) -> bytes:
    """``body`` in ``coding``; the same bytes every time (gzip's header carries no time)."""
    if coding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    if coding == "gzip":
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    return body
