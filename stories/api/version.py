"""The API's code version: a deploy that changes what the API sends moves every validator.

Validators come from the change log (``newsroom/api/conditional.py``), which a
deploy does not touch: without this, an object nobody edits would keep its
ETag, and clients their copies, across a release that adds a field or mends
a serializer.
"""

import hashlib
from functools import cache
from pathlib import Path

from newsroom import api as api_core
from newsroom import richtext

from . import kept


@cache
def api_code_version() -> str:
    """A digest of the API's modules (both layers), the rich-text cleaner and the kept detail's version."""
    digest = hashlib.sha1(kept.api_version().encode(), usedforsecurity=False)
    for folder in (Path(__file__).parent, Path(api_core.__file__).parent):
        for module in sorted(folder.glob("*.py")):
            digest.update(module.read_bytes())
    digest.update(Path(richtext.__file__).read_bytes())
    return digest.hexdigest()[:12]


class CodeVersionMixin:
    """For API views: their validators name the code version (``ConditionalGetMixin.code_version``)."""

    def code_version(self) -> str:
        return api_code_version()
