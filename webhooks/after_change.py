"""The webhooks' step of the public-change pipeline (``settings.PUBLIC_CHANGE_STEPS``)."""

from collections.abc import Sequence

from newsroom.changes.pipeline import Change

from .models import Endpoint
from .tasks import dispatch


def webhooks_dispatch_soon(changes: Sequence[Change]) -> None:
    """Queue a dispatch: the deliveries are written from the log itself, so a lost one is made good by beat."""
    if Endpoint.objects.filter(active=True).exists():
        dispatch.delay()
