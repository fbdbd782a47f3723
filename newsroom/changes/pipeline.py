"""What runs once a public change has committed: the steps, in order, called directly.

``settings.PUBLIC_CHANGE_STEPS`` names them (dotted paths: they live in the
apps above this layer, which this module never imports). Each gets the whole
batch a transaction recorded. A step that fails is logged and the others
still run: the change is committed and the log holds it, so the beat's
reconcile (``newsroom/changes/reconcile.py``) and the next publish make good
what a step missed.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """A recorded change as the steps get it."""

    kind: str
    id: int
    slug: str
    action: str


Step = Callable[[Sequence[Change]], object]


def changes_apply(changes: Sequence[Change], *, steps: Sequence[str] | None = None) -> bool:
    """Run every step (``settings.PUBLIC_CHANGE_STEPS``, or ``steps``) on ``changes``; False if one failed.

    A step fails by raising, or by returning False (a cache it could not reach).
    """
    done = True
    for path in settings.PUBLIC_CHANGE_STEPS if steps is None else steps:
        step: Step = import_string(path)
        try:
            done = step(changes) is not False and done
        except Exception:
            logger.exception("public change step %s failed for %d changes", path, len(changes))
            done = False
    return done
