"""Who hears of a workflow step, on their desk and by email.

- submitted (or withdrawn): the editors;
- returned, scheduled, published, schedule cancelled: the story's authors.

Never the person who took the step. A notification row is written in the
step's transaction (it shows on the recipient's desk until they open the
story); the email is sent through Django's email framework once the step
has committed, so a refused or rolled-back step sends nothing. A mail server
that fails is logged, never an error for the editor.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from newsroom.auth import display_name

from .models import Notification, Story, Transition

logger = logging.getLogger(__name__)

TO_EDITORS = {"submit", "withdraw"}
TO_AUTHORS = {"return", "schedule", "publish", "unschedule"}
WORDS = {
    "submit": "submitted for review",
    "withdraw": "withdrew from review",
    "return": "returned to you",
    "schedule": "scheduled",
    "publish": "published",
    "unschedule": "cancelled the schedule of",
}


def editors():
    """Active staff who may publish (the Editor group's permission, given to a group or a user, or superusers)."""
    perm = Permission.objects.filter(codename="publish_story", content_type__app_label="stories")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm))
        .distinct()
    )


def recipients(story: Story, transition: Transition) -> list:
    if transition.action in TO_EDITORS:
        people = list(editors())
    elif transition.action in TO_AUTHORS:
        people = [credit.user for credit in story.story_authors.select_related("user") if credit.user.is_active]
    else:
        people = []
    return [p for p in people if p.pk != transition.actor_id]


def notify_step(*, story: Story, transition: Transition) -> list[Notification]:
    """Tell the people concerned of ``transition`` (call inside its transaction)."""
    people = recipients(story, transition)
    if not people:
        return []
    who = display_name(transition.actor if transition.actor_id else None, nobody="The scheduler")
    text = f"{who} {WORDS.get(transition.action, transition.action)} “{story.headline}”"
    if transition.comment:
        text += f": “{transition.comment}”"
    notes = Notification.objects.bulk_create(
        [Notification(recipient=p, story=story, transition=transition, text=text[:600]) for p in people]
    )
    addresses = [p.email for p in people if p.email]
    if addresses:
        url = settings.SITE_URL.rstrip("/") + reverse("admin:stories_story_change", args=[story.pk])
        transaction.on_commit(lambda: _email(subject=text[:150], body=f"{text}\n\nOpen the story: {url}\n", to=addresses))
    return notes


def _email(*, subject: str, body: str, to: list[str]) -> None:
    for address in to:  # one message each: no recipient sees the others' addresses
        try:
            send_mail(f"[Newsroom] {subject}", body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:
            logger.exception("The workflow email to %s could not be sent", address)


def notifications_read(*, user, story: Story) -> int:
    """Opening a story reads its notifications for that user."""
    return Notification.objects.filter(recipient=user, story=story, read_at=None).update(read_at=timezone.now())
