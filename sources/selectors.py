"""Read queries for outlet pages."""

from dataclasses import dataclass

from stories.models import Revision
from stories.selectors import story_list_live

from .models import Outlet


def outlet_get(*, slug: str) -> Outlet:
    return Outlet.objects.get(slug=slug)


def outlet_stories(*, outlet: Outlet):
    """Live stories that cite ``outlet`` in their live revision."""
    return story_list_live().filter(live_outlets=outlet)


@dataclass
class OutletCitation:
    url: str
    claim: str
    quote: str


def outlet_claims(*, outlet: Outlet, stories) -> dict[int, list[OutletCitation]]:
    """What ``outlet`` said in each of ``stories``, read from their live revisions (one query).

    Only the citations are read out of each revision's JSON, not the whole story.
    """
    by_revision = {s.live_revision_id: s.pk for s in stories}
    claims: dict[int, list[OutletCitation]] = {pk: [] for pk in by_revision.values()}
    rows = Revision.objects.filter(pk__in=by_revision).values_list("pk", "data__citations")
    for revision_id, citations in rows:
        for c in citations or []:
            if c.get("outlet_id") == outlet.pk:
                claims[by_revision[revision_id]].append(
                    OutletCitation(url=c.get("url", ""), claim=c.get("claim", ""), quote=c.get("quote", ""))
                )
    return claims
