"""The stories part of the public API: serializers, filters, viewsets, sync and ninjs."""
