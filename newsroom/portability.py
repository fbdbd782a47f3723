"""Export and import of all content in one documented JSON format.

The file is a JSON object::

    {"format": "newsroom-content", "version": 1,
     "users": [{"username": ..., "first_name": ..., "last_name": ..., "email": ...}],
     "objects": [<Django serialised object>, ...]}

``objects`` are Django's standard serialised rows (``model``, ``pk``,
``fields``) of every model of the content apps, in dependency order and by
primary key, with users referenced by username (natural keys). Passwords
and sessions are never exported, nor rendered pages (``stories.LivePage``, a
cache rebuilt from the live revision on the first request). Importing into an empty database and
exporting again gives the same file byte for byte.
"""

import datetime
import json
from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction

from .richtext import RichTextField, sanitize_html

FORMAT = "newsroom-content"
VERSION = 1
CONTENT_APPS = ["topics", "sources", "faq", "images", "stories", "changes"]
# Caches, not content: a page is rendered again from its (sanitised) live revision.
DERIVED_MODELS = {"stories.livepage"}
# Fields that belong to the database the rows were read from: a change-log entry's transaction id means
# nothing in another cluster (and could hold its feed back); imported entries are history, final (0).
LOCAL_FIELDS = {"changes.changeevent": {"txid"}}


class ImportError_(Exception):
    """The file cannot be imported; nothing was written."""


class ExportEncoder(serializers.json.DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds, so a time of
    12:00:00.000400 would come back from an import as 12:00:00 and export differently."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat(timespec="microseconds")
        return super().default(o)


def content_models() -> list:
    """Every concrete model of the content apps, in a dependency-safe order."""
    return [
        m for label in CONTENT_APPS for m in apps.get_app_config(label).get_models() if m._meta.label_lower not in DERIVED_MODELS
    ]


def _referenced_users() -> list[dict]:
    User = get_user_model()
    ids: set[int] = set()
    for model in content_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                ids.update(model.objects.exclude(**{field.attname: None}).values_list(field.attname, flat=True))
    users = User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)
    return [{"username": u.get_username(), "first_name": u.first_name, "last_name": u.last_name, "email": u.email} for u in users]


def content_export() -> str:
    """The whole content as the documented JSON text."""
    objects = []
    for model in content_models():
        queryset = model.objects.order_by("pk")
        objects.extend(serializers.serialize("python", queryset, use_natural_foreign_keys=True))
    for obj in objects:
        for name in LOCAL_FIELDS.get(obj["model"], ()):
            obj["fields"].pop(name, None)
        for name, value in obj["fields"].items():
            if isinstance(value, list) and all(isinstance(v, int) for v in value):
                obj["fields"][name] = sorted(value)  # many-to-many: a stable order
    document = {"format": FORMAT, "version": VERSION, "users": _referenced_users(), "objects": objects}
    return json.dumps(document, cls=ExportEncoder, indent=1, ensure_ascii=False, sort_keys=True)


def _check_empty() -> None:
    busy = [m._meta.label for m in content_models() if m.objects.exists()]
    if busy:
        raise ImportError_(f"The database already holds content ({', '.join(busy)}); import needs an empty one.")


def _ensure_users(users: Iterable[dict]) -> None:
    """Authors come back as inactive accounts without a password, unless they exist."""
    User = get_user_model()
    if not isinstance(users, list) or not all(isinstance(data, dict) and "username" in data for data in users):
        raise ImportError_("users: expected a list of objects, each with a username.")
    for data in users:
        username = data["username"]
        if not User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
            user = User(
                **{User.USERNAME_FIELD: username},
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
                is_active=False,
            )
            user.set_unusable_password()
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise ImportError_(f"users: {str(username)[:80]!r}: {_messages(exc)}") from None
            user.save()


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


def _check_row(instance, *, allowed: set[str], seen: set) -> None:
    """A row of the content apps, not seen before, whose values its fields accept (raw saves skip all checks)."""
    label = instance._meta.label_lower
    if label not in allowed:  # e.g. an auth.user row: accounts never come from a file
        raise ImportError_(f"{label} is not content this file may hold")
    if (label, instance.pk) in seen:
        raise ImportError_(f"{label} {instance.pk} appears twice")
    seen.add((label, instance.pk))
    try:
        instance.clean_fields(exclude=[f.name for f in instance._meta.concrete_fields if f.is_relation])
    except ValidationError as exc:
        raise ImportError_(f"{label} {instance.pk}: {_messages(exc)}") from None
    for field in instance._meta.concrete_fields:  # clean_fields skips the non-editable ones (status …)
        value = getattr(instance, field.attname)
        if field.choices and value not in (None, "") and value not in dict(field.flatchoices):
            raise ImportError_(f"{label} {instance.pk}: {field.name}: {str(value)[:80]!r} is not a valid choice")
        if isinstance(value, str) and "\x00" in value:
            raise ImportError_(f"{label} {instance.pk}: {field.name}: a NUL character")


@transaction.atomic
def content_import(text: str) -> int:
    """Load an export into an empty database; returns the number of rows. All or nothing."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"Not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportError_(f"Not a {FORMAT} file.")
    if document.get("version") != VERSION:
        raise ImportError_(f"Unsupported version {document.get('version')!r}; this build reads version {VERSION}.")
    _check_empty()
    _ensure_users(document.get("users", []))
    objects = document.get("objects", [])
    if not isinstance(objects, list):
        raise ImportError_("objects: expected a list of rows.")
    count, seen, allowed = 0, set(), {m._meta.label_lower for m in content_models()}
    try:
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", objects, handle_forward_references=True):
                _check_row(obj.object, allowed=allowed, seen=seen)
                _sanitize_rich_text(obj.object)
                obj.save()
                count += 1
        connection.check_constraints()
    except Exception as exc:  # any malformed row: roll back everything
        raise ImportError_(f"Row {count + 1} cannot be imported: {exc}") from exc
    _reset_sequences()
    return count


def _sanitize_rich_text(instance) -> None:
    """Raw saves skip ``pre_save``; an imported file gets the same allow-list as the editor."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, RichTextField):
            setattr(instance, field.attname, sanitize_html(getattr(instance, field.attname)))
    if instance._meta.label_lower == "stories.revision":  # public pages are rendered from the snapshot
        blocks = instance.data.get("blocks") if isinstance(instance.data, dict) else None
        if not isinstance(blocks, list) or not all(isinstance(block, dict) for block in blocks):
            raise ImportError_(f"stories.revision {instance.pk}: data has no list of blocks")
        for block in blocks:
            block["body"] = sanitize_html(block.get("body"))


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), content_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
