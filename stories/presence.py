"""Who has a story's form open, and the soft lock (``Presence``).

``presence_beat`` is called when the form opens and by its heartbeat: it
records the user, takes the lock when nobody else's open page holds it, and
says who else is there and who holds the lock. ``lock_take_over`` moves the
lock to the caller. ``lock_holder_other`` is what a save checks.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.auth import display_name

from .models import Presence, Story

PRESENCE_TIMEOUT = timedelta(seconds=60)  # a page that stopped beating this long ago is gone
BEAT_SECONDS = 15


def _alive(now):
    return {"seen_at__gte": now - PRESENCE_TIMEOUT}


@transaction.atomic
def presence_beat(*, story: Story, user, now=None) -> dict:
    """Record that ``user`` has ``story`` open; take the lock if it is free. Returns what the page shows."""
    now = now or timezone.now()
    mine, _ = Presence.objects.get_or_create(story=story, user=user, defaults={"opened_at": now, "seen_at": now})
    if mine.seen_at < now - PRESENCE_TIMEOUT:
        mine.opened_at = now  # a new visit
    mine.seen_at = now
    held = Presence.objects.filter(story=story, holds_lock=True, **_alive(now)).exclude(pk=mine.pk).exists()
    if not held and not mine.holds_lock:
        Presence.objects.filter(story=story, holds_lock=True).exclude(pk=mine.pk).update(holds_lock=False)  # stale
        mine.holds_lock = True
    try:
        with transaction.atomic():
            mine.save()
    except IntegrityError:  # another page took the lock in between (one lock a story: the constraint says so)
        mine.holds_lock = False
        mine.save()
    return _state(story=story, user=user, now=now)


def _state(*, story: Story, user, now) -> dict:
    here = list(Presence.objects.filter(story=story, **_alive(now)).select_related("user").order_by("opened_at"))
    holder = next((p for p in here if p.holds_lock), None)
    others = [p for p in here if p.user_id != user.pk]
    return {
        "others": [{"name": display_name(p.user), "since": timezone.localtime(p.opened_at).strftime("%H:%M")} for p in others],
        "lock": {"mine": holder is not None and holder.user_id == user.pk,
                 "holder": display_name(holder.user) if holder is not None else ""},
    }  # fmt: skip


@transaction.atomic
def lock_take_over(*, story: Story, user, now=None) -> dict:
    """Move the soft lock to ``user`` (whoever held it keeps their typing, and may take it back)."""
    now = now or timezone.now()
    Presence.objects.filter(story=story, holds_lock=True).exclude(user=user).update(holds_lock=False)
    try:
        with transaction.atomic():
            Presence.objects.update_or_create(
                story=story, user=user, defaults={"holds_lock": True, "seen_at": now},
                create_defaults={"opened_at": now, "seen_at": now, "holds_lock": True},
            )  # fmt: skip
    except IntegrityError:  # another take-over won the race: theirs stands
        pass
    return _state(story=story, user=user, now=now)


def lock_holder_other(*, story: Story, user, now=None):
    """The user whose open page holds the story's lock, when it is not ``user``; else None."""
    now = now or timezone.now()
    holder = (
        Presence.objects.filter(story=story, holds_lock=True, **_alive(now)).exclude(user=user).select_related("user").first()
    )
    return holder.user if holder is not None else None
