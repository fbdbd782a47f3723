"""The public change log: one row per object whose public representation may have changed."""

from django.db import models


class ChangeEvent(models.Model):
    """One entry of the public change log that offline clients replay (API sync).

    Appended in the same transaction as the change it records. On PostgreSQL
    ``txid`` is that transaction's id: the feed is read in ``(txid, id)`` order
    and only up to the oldest transaction still running, so no entry can ever
    appear behind a cursor already handed out (``newsroom/changes/feed.py``).
    """

    class Kind(models.TextChoices):
        STORY = "story", "Story"
        TOPIC = "topic", "Topic"
        QUESTION = "question", "Common question"
        OUTLET = "outlet", "Outlet"

    class Action(models.TextChoices):
        UPSERT = "upsert", "Created or changed"
        DELETE = "delete", "Removed from public view"

    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField("object id")
    slug = models.CharField("slug", max_length=200)
    action = models.CharField("action", max_length=10, choices=Action.choices)
    created_at = models.DateTimeField("at", auto_now_add=True)
    txid = models.BigIntegerField(
        "transaction",
        default=0,
        help_text="The writing transaction's id on PostgreSQL (pg_current_xact_id); 0 on SQLite and for older entries.",
    )

    class Meta:
        ordering = ["txid", "id"]
        verbose_name = "change event"
        verbose_name_plural = "change events"
        indexes = [
            # An object's own entries in the feed's order: the API's per-object validators (feed.changes_state).
            models.Index(fields=["kind", "object_id", "txid", "id"], name="changeevent_object_feed"),
            models.Index(fields=["created_at"], name="changeevent_created"),  # the page-cache reconcile's window
            models.Index(fields=["txid", "id"], name="changeevent_feed"),  # the feed's order and its horizon
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug} {self.action}"

    def get_absolute_url(self) -> str:
        return f"/api/v1/sync/?since={self.pk}"
