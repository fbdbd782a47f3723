"""Stories: the working copy editors change, and the live revision readers see.

A ``Story`` row and its children (section blocks, citations, topic and
question links) are the working copy. Publishing freezes a ``Revision`` (a
JSON snapshot of the whole tree) as the live one and copies the few fields
that public lists, filters and search need into ``live_*`` columns. Public
code reads only through ``Story.objects.live()``.

The models live in three modules: ``story`` (the working copy), ``history``
(revisions, transitions, update notes, old addresses) and ``serving`` (the
change log, pages rendered at publish, search documents).
"""

from .authors import AuthorProfile
from .history import Autosave, Notification, Presence, Revision, SlugRedirect, Transition, UpdateNote
from .serving import LivePage, StorySearchDocument
from .story import (
    SCHEDULE_GRACE,
    Citation,
    LiveImage,
    SectionBlock,
    Story,
    StoryAuthor,
    StoryQuerySet,
    StoryQuestion,
    StoryTopic,
)

__all__ = [
    "AuthorProfile",
    "Autosave",
    "Citation",
    "LiveImage",
    "LivePage",
    "Notification",
    "Presence",
    "Revision",
    "SCHEDULE_GRACE",
    "SectionBlock",
    "SlugRedirect",
    "Story",
    "StoryQuerySet",
    "StoryQuestion",
    "StorySearchDocument",
    "StoryAuthor",
    "StoryTopic",
    "Transition",
    "UpdateNote",
]
