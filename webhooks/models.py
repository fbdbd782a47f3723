"""Endpoints editors register, and the log of every delivery to them."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from newsroom.changes.models import ChangeEvent

SECRET_PREFIX = "whsec_"


def secret_new() -> str:
    """A fresh signing secret: 256 random bits, URL-safe, prefixed so it is recognisable when pasted."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def kinds_all() -> list[str]:
    return list(ChangeEvent.Kind.values)


class Endpoint(models.Model):
    """An app backend's address that receives a signed POST for every public change of the kinds it wants."""

    name = models.CharField("name", max_length=100, help_text="Who receives it, e.g. “iOS app backend”.")
    url = models.URLField(
        "URL",
        max_length=500,
        help_text="Where changes are POSTed. https:// only; it must be a public address (never an internal one).",
    )
    kinds = models.JSONField(
        "kinds", default=kinds_all, help_text="Which kinds of public change it receives (stories, topics, questions, outlets)."
    )
    secret = models.CharField(
        "signing secret",
        max_length=100,
        default=secret_new,
        editable=False,
        help_text="The receiver checks each body's signature with it. Rotate it if it may have leaked.",
    )
    previous_secret = models.CharField("previous secret", max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(
        "previous secret signs until", null=True, blank=True, editable=False,
        help_text="After a rotation the old secret signs too, until then, so the receiver can switch over.",
    )  # fmt: skip
    active = models.BooleanField(
        "active", default=True, help_text="Off: nothing is sent; changes wait and are sent once it is re-enabled."
    )
    disabled_reason = models.CharField("why disabled", max_length=500, blank=True)
    disabled_at = models.DateTimeField("disabled at", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        "failures in a row", default=0, help_text="Failed attempts since the last delivery that succeeded."
    )
    failing_since = models.DateTimeField("failing since", null=True, blank=True)
    cursor = models.PositiveBigIntegerField(
        "cursor", default=0, editable=False, help_text="The last change-log entry handed to this endpoint's deliveries."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="created by"
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "webhook endpoint"
        verbose_name_plural = "webhook endpoints"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:webhooks_endpoint_change", args=[self.pk])

    def wants(self, kind: str) -> bool:
        return kind in (self.kinds or [])


class Delivery(models.Model):
    """One event for one endpoint: its attempts and the last answer (the delivery log editors read)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    PING = "ping"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name="endpoint")
    event_id = models.UUIDField(
        "event id", default=uuid.uuid4, unique=True, editable=False,
        help_text="Sent with every attempt (the idempotency key): a receiver that has it already ignores it.",
    )  # fmt: skip
    change = models.ForeignKey(
        ChangeEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="change",
        db_constraint=False,
    )  # fmt: skip
    cursor = models.PositiveBigIntegerField("cursor", default=0, help_text="The change's position in the log (sync's cursor).")
    kind = models.CharField("kind", max_length=20, help_text="story, topic, question, outlet; or ping (a test from the admin).")
    object_id = models.PositiveBigIntegerField("object id", default=0)
    slug = models.CharField("slug", max_length=200, blank=True)
    action = models.CharField(
        "action sent", max_length=10, blank=True, help_text="What the last attempt's body said: upsert, or delete."
    )
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("attempts", default=0)
    next_attempt_at = models.DateTimeField("next attempt", null=True, blank=True)
    last_attempt_at = models.DateTimeField("last attempt", null=True, blank=True)
    delivered_at = models.DateTimeField("delivered", null=True, blank=True)
    response_status = models.PositiveSmallIntegerField("response code", null=True, blank=True)
    response_excerpt = models.CharField("response", max_length=500, blank=True, help_text="The start of the last answer's body.")
    error = models.CharField("error", max_length=500, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["endpoint", "change"], name="delivery_once_per_change")]
        indexes = [
            models.Index(fields=["endpoint", "kind", "object_id", "id"], name="delivery_chain"),  # per-object order
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug or self.object_id} → {self.endpoint_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("admin:webhooks_delivery_change", args=[self.pk])
