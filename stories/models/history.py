"""A story's history: revisions, workflow transitions, public update notes, old addresses."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from newsroom.auth import display_name

from .story import Story


class Revision(models.Model):
    """An immutable JSON snapshot of a story's whole tree at one save."""

    class Kind(models.TextChoices):
        SAVE = "save", "Saved"
        PUBLISH = "publish", "Published"
        RESTORE = "restore", "Restored"
        CONFLICT = "conflict", "Refused (conflicting edit)"
        TRANSITION = "transition", "Workflow step"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions", verbose_name="story")
    kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.SAVE)
    data = models.JSONField("snapshot", help_text="The story tree as it was.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="author",
    )
    message = models.CharField("message", max_length=500, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "revision"
        verbose_name_plural = "revisions"

    def __str__(self) -> str:
        return f"{self.story_id} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("admin:stories_revision_change", args=[self.pk])


class Transition(models.Model):
    """The audit trail of a story's workflow: who moved it, when, from where to where, and why."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="transitions", verbose_name="story")
    action = models.CharField("action", max_length=20, help_text="The workflow action, e.g. submit or publish.")
    from_status = models.CharField("from", max_length=20, choices=Story.Status.choices)
    to_status = models.CharField("to", max_length=20, choices=Story.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="by",
        help_text="Empty when the system did it (scheduled publishing, imports).",
    )
    comment = models.TextField("comment", blank=True, help_text="Why: a reviewer's comment or a publishing note.")
    revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="revision",
        help_text="The story as it was at this transition.",
    )
    created_at = models.DateTimeField("at", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "transition"
        verbose_name_plural = "transitions"

    def __str__(self) -> str:
        return f"{self.story_id}: {self.from_status} → {self.to_status}"

    def get_absolute_url(self) -> str:
        return reverse("admin:stories_story_change", args=[self.story_id])

    @property
    def actor_name(self) -> str:
        return display_name(self.actor if self.actor_id else None, nobody="the system")


class UpdateNote(models.Model):
    """A public note about a correction or update, listed on the story page."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="update_notes", verbose_name="story")
    text = models.CharField("text", max_length=500, help_text="What changed, in one sentence readers will see.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="author",
    )
    created_at = models.DateTimeField("at", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "update note"
        verbose_name_plural = "update notes"

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.story.get_absolute_url()


class SlugRedirect(models.Model):
    """An old public address of a story that now redirects (301) to its live slug."""

    old_slug = models.SlugField("old slug", max_length=200, unique=True, help_text="The address readers may still use.")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name="story")
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "slug redirect"
        verbose_name_plural = "slug redirects"

    def __str__(self) -> str:
        return f"/story/{self.old_slug}/"

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", kwargs={"slug": self.old_slug})


class Notification(models.Model):
    """A workflow step someone should know of: shown on their desk until they open the story, and emailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_notifications", verbose_name="recipient"
    )
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="notifications", verbose_name="story")
    transition = models.ForeignKey(
        "Transition", on_delete=models.CASCADE, related_name="notifications", verbose_name="workflow step"
    )
    text = models.CharField("text", max_length=600)
    created_at = models.DateTimeField("created", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("read", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text


class Autosave(models.Model):
    """What one person has typed in a story's form and not saved yet, kept every few seconds by the form.

    It never touches the story (nor its version): after a crash or a closed tab the form offers it back,
    and a save from it is checked against the version it was typed on, like any other.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="user")
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="story",
        help_text="Empty: a new story not saved yet.",
    )  # fmt: skip
    data = models.JSONField("form fields", help_text="The form's fields as [name, value] pairs.")
    saved_at = models.DateTimeField("kept at")

    class Meta:
        verbose_name = "autosaved form"
        verbose_name_plural = "autosaved forms"
        constraints = [
            models.UniqueConstraint(fields=["user", "story"], name="autosave_once_per_story"),
            models.UniqueConstraint(fields=["user"], condition=models.Q(story=None), name="autosave_once_per_new_story"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.story_id or 'new'} · {self.saved_at:%Y-%m-%d %H:%M:%S}"


class Presence(models.Model):
    """Someone has a story's form open: their page says so every few seconds (a heartbeat).

    ``holds_lock``: the soft lock. The first editor to open the story holds it; others see who does and may
    take it over; a save by someone else while its holder's page is still open is refused (their typing is
    kept). A lock whose page stopped beating for ``PRESENCE_TIMEOUT`` is free.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="presences", verbose_name="story")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="user")
    opened_at = models.DateTimeField("opened")
    seen_at = models.DateTimeField("last heartbeat", db_index=True)
    holds_lock = models.BooleanField("holds the lock", default=False)

    class Meta:
        verbose_name = "open story form"
        verbose_name_plural = "open story forms"
        constraints = [
            models.UniqueConstraint(fields=["story", "user"], name="presence_once_per_user"),
            models.UniqueConstraint(fields=["story"], condition=models.Q(holds_lock=True), name="presence_one_lock"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} has story {self.story_id} open"
