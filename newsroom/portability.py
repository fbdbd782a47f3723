"""Export and import of all content in one documented JSON format.

The file is a JSON object::

    {"format": "newsroom-content", "version": 2,
     "users": [{"username": ..., "first_name": ..., "last_name": ..., "email": ...}],
     "objects": [<Django serialised object>, ...],
     "files": {"<storage name>": "<base64 of its bytes>", ...}}

``objects`` are Django's standard serialised rows (``model``, ``pk``,
``fields``) of every model of the content apps, in dependency order and by
primary key, with users referenced by username (natural keys). Passwords
and sessions are never exported, nor rendered pages (``stories.LivePage``, a
cache rebuilt from the live revision on the first request). ``files`` holds
every file a row names (library images and their renditions), so a clone
needs nothing else; on import each must be present, under a plain name, and
pass the check its model declares (``CONTENT_FILE_CHECKS``: a picture is
decoded with the upload's refusals), and is written through the storage API
only once every row has loaded (none is left behind when the import fails).
Importing into an empty database and exporting again gives the same file
byte for byte. Version 1 files (no ``files``) are read too.
"""

import base64
import binascii
import datetime
import json
import re
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.module_loading import import_string

from .richtext import RichTextField, sanitize_html

FORMAT = "newsroom-content"
VERSION = 2
READS = {1, 2}
CONTENT_APPS = ["images", "topics", "sources", "faq", "stories", "changes"]
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")
# Caches, not content: a page is rendered again from its (sanitised) live revision.
DERIVED_MODELS = {"stories.livepage"}
# Fields that belong to the database the rows were read from: a change-log entry's transaction id means
# nothing in another cluster (and could hold its feed back); imported entries are history, final (0).
LOCAL_FIELDS = {"changes.changeevent": {"txid"}}


class ImportError_(Exception):
    """The file cannot be imported; nothing was written."""


class ExportError(Exception):
    """The content cannot be exported whole (a file a row names is missing from storage)."""


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
    document = {
        "format": FORMAT, "version": VERSION, "users": _referenced_users(), "objects": objects, "files": _files_export(),
    }  # fmt: skip
    return json.dumps(document, cls=ExportEncoder, indent=1, ensure_ascii=False, sort_keys=True)


def _file_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _files_export() -> dict[str, str]:
    """Every file the exported rows name, read through the storage API."""
    files = {}
    for model in content_models():
        for field in _file_fields(model):
            for pk, name in model.objects.exclude(**{field.attname: ""}).values_list("pk", field.attname):
                try:
                    with default_storage.open(name, "rb") as handle:
                        files[name] = base64.b64encode(handle.read()).decode("ascii")
                except FileNotFoundError:
                    raise ExportError(
                        f"{model._meta.label_lower} {pk}: its file {name!r} is missing from storage; an export without "
                        "it could not be imported. Restore the file (or, for a rendition, run the image's renditions "
                        "task again), then export."
                    ) from None
    return files


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
    if document.get("version") not in READS:
        raise ImportError_(f"Unsupported version {document.get('version')!r}; this build reads versions 1 and {VERSION}.")
    files = document.get("files", {})
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise ImportError_("files: expected an object of file names to base64 text.")
    _check_empty()
    _ensure_users(document.get("users", []))
    objects = document.get("objects", [])
    if not isinstance(objects, list):
        raise ImportError_("objects: expected a list of rows.")
    count, seen, allowed = 0, set(), {m._meta.label_lower for m in content_models()}
    wanted: dict[str, bytes] = {}
    try:
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", objects, handle_forward_references=True):
                _check_row(obj.object, allowed=allowed, seen=seen)
                _sanitize_rich_text(obj.object)
                wanted.update(_row_files(obj.object, files))
                obj.save()
                count += 1
        connection.check_constraints()
    except Exception as exc:  # any malformed row: roll back everything
        raise ImportError_(f"Row {count + 1} cannot be imported: {exc}") from exc
    _reset_sequences()
    _files_write(wanted)
    return count


def _row_files(instance, files: dict[str, str]) -> dict[str, bytes]:
    """The files ``instance`` names, from the document, decoded and checked; raises ``ImportError_``."""
    label = instance._meta.label_lower
    found = {}
    for field in _file_fields(instance._meta.model):
        value = getattr(instance, field.attname)
        name = value.name if hasattr(value, "name") else value
        if not name:
            continue
        where = f"{label} {instance.pk}: {field.name} {str(name)[:120]!r}"
        if not _FILE_NAME.fullmatch(name) or ".." in name.split("/"):
            raise ImportError_(f"{where}: not a plain file name (letters, digits, - _ . and /)")
        if name not in files:
            raise ImportError_(f"{where}: the file is not in the export's files")
        try:
            data = base64.b64decode(files[name], validate=True)
        except (binascii.Error, ValueError):
            raise ImportError_(f"{where}: the file is not valid base64") from None
        check = settings.CONTENT_FILE_CHECKS.get(label)
        if check is not None:
            try:
                import_string(check)(instance, data)
            except ValueError as exc:
                raise ImportError_(f"{where}: {exc}") from None
        found[name] = data
    return found


def _files_write(wanted: dict[str, bytes]) -> None:
    """Store the imported files under their own names; on failure remove those written, and fail the import."""
    written = []
    try:
        for name, data in sorted(wanted.items()):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    if handle.read() == data:
                        continue
                default_storage.delete(name)  # a stale file of an earlier database under the same name
            if default_storage.save(name, ContentFile(data)) != name:
                raise ImportError_(f"The storage would not keep the name {name!r}.")
            written.append(name)
    except Exception as exc:
        for name in written:
            default_storage.delete(name)
        if isinstance(exc, ImportError_):
            raise
        raise ImportError_(f"The files could not be stored: {exc}") from exc


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
