"""What every endpoint of the public API shares.

The API is read-only and shows published content only. Each viewset builds on
``PublicViewSet``, which adds conditional requests (ETag, Last-Modified, 304),
Cache-Control, the anonymous throttle, keyset cursor pagination and sparse
``?fields=`` on lists. The apps' ``api`` modules hold the serializers,
filtersets and viewsets; ``newsroom/api_urls.py`` mounts them at ``/api/v1/``.
"""

from .base import (
    BAD_REQUEST,
    FIELDS_PARAMETER,
    NOT_FOUND,
    THROTTLED,
    AnonymousThrottle,
    PlainRepresentation,
    PublicViewSet,
    SparseFieldsMixin,
    absolute_url,
    detail_schema,
    iso,
    list_schema,
    path_of,
    schema_contract_hook,
    site_url,
)
from .conditional import API_VERSION, ConditionalGetMixin, Fingerprint, api_fingerprint
from .pagination import KeysetPagination

__all__ = [
    "API_VERSION",
    "BAD_REQUEST",
    "FIELDS_PARAMETER",
    "NOT_FOUND",
    "THROTTLED",
    "AnonymousThrottle",
    "ConditionalGetMixin",
    "Fingerprint",
    "KeysetPagination",
    "PlainRepresentation",
    "PublicViewSet",
    "SparseFieldsMixin",
    "absolute_url",
    "api_fingerprint",
    "detail_schema",
    "iso",
    "list_schema",
    "path_of",
    "schema_contract_hook",
    "site_url",
]
