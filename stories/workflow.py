"""Every change of a story's status, and every write of its working copy, goes through this module.

Each transition checks the actor's permission and the current state, does
the work in one transaction with the story row locked, stores a revision and
a ``Transition`` audit row, and leaves side effects (cache purge, sync feed)
to the public-change pipeline (``newsroom/changes``), which runs them after commit. ``actor=None`` means the
system (scheduled publishing, the demo loader).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from faq.models import CommonQuestion
from images.models import Image
from newsroom.auth import display_name
from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import public_change
from newsroom.formats import when
from newsroom.richtext import figure_ids
from sources.models import Outlet
from topics.models import Topic

from .models import (
    Citation,
    Revision,
    SectionBlock,
    SlugRedirect,
    Story,
    StoryQuestion,
    StoryTopic,
    Transition,
    UpdateNote,
)
from .notify import notify_step
from .revisions import (
    NoteData,
    Snapshot,
    snapshot_differs_from_live,
    snapshot_image_ids,
    snapshot_search_text,
    story_snapshot,
)

logger = logging.getLogger(__name__)

S = Story.Status
WRITE_PERM = "stories.submit_story"
EDITOR_PERM = "stories.publish_story"


class WorkflowError(Exception):
    """An illegal transition; the message is shown to the editor as it is."""


class StoryConflict(WorkflowError):
    """A save based on an older version of the story than the one stored."""

    def __init__(self, *, story: Story):
        self.saved_by = display_name(story.updated_by if story.updated_by_id else None, nobody="someone")
        self.saved_at = story.updated_at
        super().__init__(
            f"{self.saved_by} saved this story on {when(self.saved_at, seconds=True)} "
            "while you were editing it. Your version was not saved over theirs: what you typed is back in the form "
            "below, not saved, and kept as a revision (“Refused (conflicting edit)”). Compare the two, keep what you "
            "want of each, then save."
        )


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset
    target: str
    perm: str

    @property
    def who(self) -> str:
        return "writers and editors" if self.perm == WRITE_PERM else "editors"


RULES = {
    "submit": Rule("Submit for review", frozenset({S.DRAFT}), S.IN_REVIEW, WRITE_PERM),
    "return": Rule("Return to writer", frozenset({S.IN_REVIEW, S.SCHEDULED}), S.DRAFT, EDITOR_PERM),
    "schedule": Rule("Schedule", frozenset({S.DRAFT, S.IN_REVIEW, S.SCHEDULED, S.UNPUBLISHED}), S.SCHEDULED, EDITOR_PERM),
    "publish": Rule(
        "Publish now", frozenset({S.DRAFT, S.IN_REVIEW, S.SCHEDULED, S.PUBLISHED, S.UNPUBLISHED}), S.PUBLISHED, EDITOR_PERM
    ),
    "unpublish": Rule("Unpublish", frozenset({S.PUBLISHED}), S.UNPUBLISHED, EDITOR_PERM),
    "withdraw": Rule("Withdraw from review", frozenset({S.IN_REVIEW}), S.DRAFT, WRITE_PERM),
    "unschedule": Rule("Cancel schedule", frozenset({S.SCHEDULED}), S.IN_REVIEW, EDITOR_PERM),
}


# --- permissions -----------------------------------------------------------


def _allowed(actor, perm: str) -> bool:
    return actor is None or (actor.is_active and actor.has_perm(perm))


def story_actions_available(*, story: Story, actor) -> list[str]:
    """The workflow actions ``actor`` may take on ``story`` in its current state."""
    return [name for name, rule in RULES.items() if story.status in rule.sources and _allowed(actor, rule.perm)]


def story_can_edit(*, story: Story | None, actor) -> bool:
    """Writers edit the drafts they are an author of (or a new one); editors edit any story (changes stay
    unpublished until published)."""
    if actor is None or _allowed(actor, EDITOR_PERM):
        return True
    if not actor.has_perm("stories.change_story"):
        return False
    return story is None or (story.status == S.DRAFT and (not story.author_ids or actor.pk in story.author_ids))


def _check(*, story: Story, actor, action: str) -> Rule:
    rule = RULES[action]
    if not _allowed(actor, rule.perm):
        who = display_name(actor, nobody="the system")
        raise WorkflowError(f"{who} may not {rule.label.lower()}: only {rule.who} may do that.")
    if story.status not in rule.sources:
        allowed = ", ".join(Story.Status(s).label.lower() for s in sorted(rule.sources))
        raise WorkflowError(
            f"Cannot {rule.label.lower()} a story that is {story.get_status_display().lower()}; only a story that is {allowed}."
        )
    return rule


def _lock(story: Story) -> Story:
    return Story.objects.select_for_update(of=("self",)).select_related("updated_by", "live_revision").get(pk=story.pk)


def _record(*, story: Story, actor, action: str, from_status: str, comment: str, revision: Revision | None = None):
    if revision is None:
        revision = Revision.objects.create(
            story=story,
            kind=Revision.Kind.TRANSITION,
            data=story_snapshot(story=story),
            author=actor,
            message=f"{RULES[action].label}{': ' + comment if comment else ''}"[:500],
        )
    transition = Transition.objects.create(
        story=story,
        action=action,
        from_status=from_status,
        to_status=story.status,
        actor=actor,
        comment=comment,
        revision=revision,
    )
    notify_step(story=story, transition=transition)
    return transition


def _move(*, story: Story, actor, action: str, comment: str = "", **fields) -> Story:
    locked = _lock(story)
    _check(story=locked, actor=actor, action=action)
    from_status = locked.status
    locked.status = RULES[action].target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *fields])
    _record(story=locked, actor=actor, action=action, from_status=from_status, comment=comment)
    return locked


# --- transitions -----------------------------------------------------------


@transaction.atomic
def story_submit(*, story: Story, actor, comment: str = "") -> Story:
    """A writer hands a draft to the editors."""
    return _move(story=story, actor=actor, action="submit", comment=comment)


@transaction.atomic
def story_withdraw(*, story: Story, actor, comment: str = "") -> Story:
    """A writer takes a story back from review to change it (their own; editors may withdraw any)."""
    if actor is not None and not _allowed(actor, EDITOR_PERM) and actor.pk not in story.author_ids:
        raise WorkflowError("Only the story's authors (or an editor) may withdraw it from review.")
    return _move(story=story, actor=actor, action="withdraw", comment=comment)


@transaction.atomic
def story_unschedule(*, story: Story, actor, comment: str = "") -> Story:
    """An editor cancels a schedule: the story goes back to the review queue, its publish time cleared."""
    return _move(story=story, actor=actor, action="unschedule", comment=comment, publish_at=None)


@transaction.atomic
def story_return(*, story: Story, actor, comment: str) -> Story:
    """An editor sends a story back to its writer, saying why."""
    if not comment.strip():
        raise WorkflowError("Say what needs changing: returning a story needs a comment.")
    return _move(story=story, actor=actor, action="return", comment=comment.strip(), publish_at=None)


@transaction.atomic
def story_schedule(*, story: Story, actor, publish_at: datetime, comment: str = "", now: datetime | None = None) -> Story:
    """Make the story go live at ``publish_at`` (by the periodic task or ``manage.py publish_scheduled``)."""
    if publish_at is None or publish_at <= (now or timezone.now()):
        raise WorkflowError("Choose a publish time in the future (or publish now).")
    return _move(story=story, actor=actor, action="schedule", comment=comment, publish_at=publish_at)


@transaction.atomic
def story_publish(*, story: Story, actor=None, message: str = "", note: str = "", now: datetime | None = None) -> Story:
    """Freeze the working copy as a revision and make it the live one.

    ``note`` is a public update note (a correction) shown on the story page.
    """
    story = _lock(story)
    _check(story=story, actor=actor, action="publish")
    with public_change(ChangeEvent.Kind.STORY, story):
        _go_live(story=story, actor=actor, message=message, note=note, now=now or timezone.now())
    return story


def _go_live(*, story: Story, actor, message: str, note: str, now: datetime) -> None:
    """Freeze the working copy of the locked ``story`` as its live revision, with the columns lists read."""
    from_status = story.status
    data = story_snapshot(story=story)
    _check_live_slug_free(story=story, slug=data["slug"])
    _check_images_described(data)
    if note.strip():
        UpdateNote.objects.create(story=story, text=note.strip(), author=actor, created_at=now)
    data["notes"] = [
        NoteData(text=n.text, at=n.created_at.isoformat(), at_display=f"{timezone.localtime(n.created_at):%-d %B %Y, %H:%M %Z}")
        for n in story.update_notes.all()
    ]
    revision = Revision.objects.create(
        story=story, kind=Revision.Kind.PUBLISH, data=data, author=actor, message=(message or note)[:500]
    )
    _redirect_old_slug(story=story, new_slug=data["slug"])
    story.status = S.PUBLISHED
    story.live_revision = revision
    story.live_slug = data["slug"]
    story.live_headline = data["headline"]
    story.live_summary = data["summary"]
    story.live_search_text = snapshot_search_text(data)
    story.first_published_at = story.first_published_at or now
    story.last_published_at = now
    story.publish_at = None
    story.has_unpublished_changes = False
    story.save(
        update_fields=[
            "status",
            "live_revision",
            "live_slug",
            "live_headline",
            "live_summary",
            "live_search_text",
            "first_published_at",
            "last_published_at",
            "publish_at",
            "has_unpublished_changes",
            "updated_at",
        ]
    )
    story.live_topics.set(data["topic_ids"])
    story.live_questions.set(data["question_ids"])
    story.live_outlets.set({c["outlet_id"] for c in data["citations"]})
    story.live_images.set(snapshot_image_ids(data))  # all exist: _check_images_described
    story.live_authors.set(story.story_authors.values_list("user_id", flat=True))  # the byline just frozen
    _record(story=story, actor=actor, action="publish", from_status=from_status, comment=note or message, revision=revision)


@transaction.atomic
def story_unpublish(*, story: Story, actor, comment: str = "") -> Story:
    """Take a story down: it leaves every public list and its address answers 410 Gone."""
    with public_change(ChangeEvent.Kind.STORY, story):
        return _move(story=story, actor=actor, action="unpublish", comment=comment)


def story_publish_due(*, now: datetime | None = None) -> list[Story]:
    """Publish every scheduled story whose time has come. Safe to run twice, or in two processes at once."""
    now = now or timezone.now()
    due = Story.objects.filter(status=S.SCHEDULED, publish_at__lte=now).order_by("publish_at").values_list("pk", flat=True)
    published = []
    for pk in list(due):
        try:
            with transaction.atomic():
                story = Story.objects.select_for_update().get(pk=pk)
                # Re-checked under the lock: another run may have published it, or an editor returned it.
                if story.status != S.SCHEDULED or story.publish_at is None or story.publish_at > now:
                    continue
                published.append(story_publish(story=story, actor=None, message="Scheduled publication", now=now))
        except Exception:  # one story's failure (a refusal, an integrity error) must not hold up the rest
            logger.exception("Scheduled story %s could not be published", pk)
    return published


def _check_images_described(data: Snapshot) -> None:
    """Every shown image must exist and have alt text (or be marked decorative) and a credit: say which and
    what is missing, all at once."""
    lead = data.get("lead_image_id")
    images = Image.objects.in_bulk(snapshot_image_ids(data))
    problems = []
    if lead and lead in images and images[lead].missing:
        problems.append(f"the lead image “{images[lead]}” has no {' and no '.join(images[lead].missing)}")
    social = data.get("social_image_id")
    if social and social != lead and social in images and images[social].missing:
        problems.append(f"the social image “{images[social]}” has no {' and no '.join(images[social].missing)}")
    for block in data["blocks"]:
        for image_id in figure_ids(block["body"]):
            image = images.get(image_id)
            where = f"in “{block['heading'] or block['kind']}”"
            if image is None:
                problems.append(f"the image {image_id} {where} is no longer in the library (remove it from the text)")
            elif image_id != lead and image.missing:
                problems.append(f"the image “{image}” {where} has no {' and no '.join(image.missing)}")
    if problems:
        raise WorkflowError(
            f"Cannot publish: {'; '.join(dict.fromkeys(problems))}. Fix it in the image library (Images), then publish again."
        )


def _check_live_slug_free(*, story: Story, slug: str) -> None:
    if Story.objects.filter(live_slug=slug).exclude(pk=story.pk).exists():
        raise WorkflowError(f"Another story already lives at /story/{slug}/; choose another slug.")


def _redirect_old_slug(*, story: Story, new_slug: str) -> None:
    SlugRedirect.objects.filter(old_slug=new_slug).delete()
    if story.live_slug and story.live_slug != new_slug:
        SlugRedirect.objects.update_or_create(old_slug=story.live_slug, defaults={"story": story})


# --- working copy ----------------------------------------------------------


# The fields an editor types; every other column of a story belongs to the workflow.
WORKING_FIELDS = {
    "headline", "slug", "summary", "event_date", "lead_image", "lead_image_caption", "seo_title",
    "seo_description", "social_image", "follows_event",
}  # fmt: skip


def story_lock_for_save(*, story: Story, expected_version: int | None) -> Story:
    """Lock the story row for a save of ``story``'s working fields.

    Raises ``StoryConflict`` if someone saved since ``expected_version``. The
    workflow columns of ``story`` (status, live copy, version …) are refreshed
    from the locked row, so a transition made while the form was open is not
    undone by saving it. Call inside a transaction, before writing.
    """
    locked = _lock(story)
    if expected_version is not None and expected_version != locked.version:
        raise StoryConflict(story=locked)
    for field in Story._meta.concrete_fields:
        if field.name not in WORKING_FIELDS:
            setattr(story, field.attname, getattr(locked, field.attname))
    return locked


def story_saved(*, story: Story, actor, message: str = "") -> Revision:
    """Record a save of the working copy: bump the version and store a revision. Call inside the save's transaction."""
    data = story_snapshot(story=story)
    revision = Revision.objects.create(story=story, kind=Revision.Kind.SAVE, data=data, author=actor, message=message)
    _after_working_copy_change(story=story, actor=actor, data=data)
    return revision


def story_preview_revoke(*, story: Story, actor) -> Story:
    """Stop every shared preview link of ``story`` given out so far; links shared from now on work."""
    if not story_can_edit(story=story, actor=actor):
        raise WorkflowError("Only someone who may edit this story may revoke its preview links.")
    story.preview_key = secrets.token_urlsafe(12)
    Story.objects.filter(pk=story.pk).update(preview_key=story.preview_key)
    return story


def story_keep_conflict(*, story: Story, data: Snapshot, actor) -> Revision:
    """Keep a refused (conflicting) version as a revision so nothing typed is lost."""
    return Revision.objects.create(
        story=story,
        kind=Revision.Kind.CONFLICT,
        data=data,
        author=actor,
        message="Refused: someone else saved the story first",
    )


@transaction.atomic
def story_restore(*, story: Story, revision: Revision, actor) -> Story:
    """Copy ``revision`` into the working copy (nothing public changes until it is published)."""
    story = _lock(story)
    if revision.story_id != story.pk:
        raise WorkflowError("That revision belongs to another story.")
    if not story_can_edit(story=story, actor=actor):
        raise WorkflowError("You may not edit this story in its current state.")
    data = revision.data
    if Story.objects.filter(slug=data["slug"]).exclude(pk=story.pk).exists():
        raise WorkflowError(f"Another story now uses the slug “{data['slug']}”; change it before restoring.")
    story.headline, story.slug, story.summary = data["headline"], data["slug"], data["summary"]
    story.event_date = data["event_date"]
    lead = data.get("lead_image_id")
    story.lead_image_id = lead if lead and Image.objects.filter(pk=lead).exists() else None  # deleted since: none
    story.lead_image_caption = data.get("lead_image_caption", "")
    story.seo_title, story.seo_description = data.get("seo_title", ""), data.get("seo_description", "")
    social = data.get("social_image_id")
    story.social_image_id = social if social and Image.objects.filter(pk=social).exists() else None
    story.save(
        update_fields=[
            "headline", "slug", "summary", "event_date", "lead_image", "lead_image_caption", "seo_title",
            "seo_description", "social_image", "updated_at",
        ]
    )  # fmt: skip
    _write_children(story=story, data=data)
    story.refresh_from_db()
    data = story_snapshot(story=story)
    Revision.objects.create(
        story=story,
        kind=Revision.Kind.RESTORE,
        data=data,
        author=actor,
        message=f"Restored the revision of {when(revision.created_at)}",
    )
    _after_working_copy_change(story=story, actor=actor, data=data)
    return story


def _write_children(*, story: Story, data: Snapshot) -> None:
    story.blocks.all().delete()
    SectionBlock.objects.bulk_create(
        SectionBlock(
            story=story,
            position=i,
            kind=b["kind"],
            body=b["body"],
            heading=""
            if b["kind"] != SectionBlock.Kind.CUSTOM and b["heading"] == SectionBlock.Kind(b["kind"]).label
            else b["heading"],
        )
        for i, b in enumerate(data["blocks"])
    )
    # Reference rows deleted since the revision was stored are skipped, not resurrected.
    outlets = set(Outlet.objects.filter(pk__in=[c["outlet_id"] for c in data["citations"]]).values_list("pk", flat=True))
    story.citations.all().delete()
    Citation.objects.bulk_create(
        Citation(story=story, position=i, outlet_id=c["outlet_id"], url=c["url"], claim=c["claim"], quote=c["quote"])
        for i, c in enumerate(data["citations"])
        if c["outlet_id"] in outlets
    )
    topics = set(Topic.objects.filter(pk__in=data["topic_ids"]).values_list("pk", flat=True))
    story.story_topics.all().delete()
    StoryTopic.objects.bulk_create(
        StoryTopic(story=story, topic_id=t, position=i) for i, t in enumerate(data["topic_ids"]) if t in topics
    )
    questions = set(CommonQuestion.objects.filter(pk__in=data["question_ids"]).values_list("pk", flat=True))
    story.story_questions.all().delete()
    StoryQuestion.objects.bulk_create(
        StoryQuestion(story=story, question_id=q, position=i) for i, q in enumerate(data["question_ids"]) if q in questions
    )


def _after_working_copy_change(*, story: Story, actor, data: Snapshot) -> None:
    story.version += 1
    story.updated_by = actor
    story.has_unpublished_changes = snapshot_differs_from_live(story=story, data=data)
    Story.objects.filter(pk=story.pk).update(
        version=story.version,
        updated_by=actor,
        has_unpublished_changes=story.has_unpublished_changes,
        updated_at=timezone.now(),
    )
