"""The editorial desk: story editing, workflow buttons, history, compare, restore and preview.

The admin stays thin: every status change and every write of the working
copy's version and revisions goes through ``stories.workflow``.
"""

from .authors import AuthorProfileAdmin
from .records import RevisionAdmin, SlugRedirectAdmin, TransitionAdmin
from .story import StoryAdmin

__all__ = ["AuthorProfileAdmin", "RevisionAdmin", "SlugRedirectAdmin", "StoryAdmin", "TransitionAdmin"]
