"""A story page's byline: each name as published, linked to its author page when there is one."""

from dataclasses import dataclass

from newsroom.auth import display_name


@dataclass(frozen=True)
class Byline:
    """One name of a byline, and the author page it links to ('' for none)."""

    name: str
    url: str = ""


def bylines_for(*, names: list[str], credited) -> list[Byline]:
    """The byline's ``names`` (as published), each linked to the author page of the credited person of that name.

    ``credited``: the users of ``Story.live_authors``, with ``author_profile``
    fetched. A name nobody credited answers to (a revision older than the
    credits, an account renamed since) stays plain text.
    """
    pages: dict[str, str] = {}
    for user in credited:
        profile = getattr(user, "author_profile", None)
        if profile is not None:
            pages.setdefault(display_name(user), profile.get_absolute_url())
    return [Byline(name=name, url=pages.get(name, "")) for name in names]
