"""The editorial desk: story editing, workflow buttons, history, compare, restore and preview.

The admin stays thin: every status change and every write of the working
copy's version and revisions goes through ``stories.workflow``.
"""

from .records import RevisionAdmin, SlugRedirectAdmin, TransitionAdmin
from .story import StoryAdmin

__all__ = ["RevisionAdmin", "SlugRedirectAdmin", "StoryAdmin", "TransitionAdmin"]
