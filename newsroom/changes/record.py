"""Recording public changes: in the writer's transaction, with everything that shows them."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.db import connection, models, transaction
from django.db.models import Func

from .models import ChangeEvent
from .pipeline import Change, changes_apply
from .shows import KINDS, Found, fanout, public_ids


@contextmanager
def public_change(kind: str, *objects: models.Model) -> Iterator[None]:
    """Record ``objects`` (of ``kind``) as changed by the block, with every object that shows them.

    What shows them is looked up before and after the block, so an object that
    stops showing them (a topic a story no longer has, the questions of a
    deleted topic) is re-sent as well as one that starts to. Nothing is recorded
    when none of ``objects`` was public before the block or is after it. Use it
    inside the writer's transaction; the entries commit or roll back with the change.
    """
    ids = {o.pk for o in objects} - {None}
    was_public, before = public_ids(kind, ids), fanout(kind, ids)
    yield
    ids |= {o.pk for o in objects} - {None}  # a created object has its id now (a deleted one lost it)
    if was_public or public_ids(kind, ids):  # a draft that never was public changes nothing readers see
        changes_record({**before, **fanout(kind, ids)})


def change_record(kind: str, *objects: models.Model) -> list[Change]:
    """Record ``objects`` as changed, with what shows them now: for a new object, or a change
    that cannot have moved what shows it (the demo loader, OPML import). Otherwise use ``public_change``."""
    return changes_record(fanout(kind, {o.pk for o in objects}))


def changes_record(found: Found) -> list[Change]:
    """Append ``found`` to the change log: an upsert for each public object, a tombstone for the rest.

    One bulk insert; once the transaction commits the pipeline's steps run
    (``newsroom/changes/pipeline.py``).
    """
    if not found:
        return []
    public = {kind: public_ids(kind, [pk for k, pk in found if k == kind]) for kind in {k for k, _ in found}}
    changes = [
        Change(kind=kind, id=pk, slug=slug or "", action=_action(pk in public[kind])) for (kind, pk), slug in found.items()
    ]
    txid = _current_txid()
    ChangeEvent.objects.bulk_create(
        [
            ChangeEvent(kind=c.kind, object_id=c.id, slug=c.slug[:200], action=c.action, txid=txid)
            for c in changes
            if KINDS[c.kind].synced
        ]
    )
    transaction.on_commit(partial(changes_apply, changes))
    return changes


def _action(public: bool) -> str:
    return ChangeEvent.Action.UPSERT if public else ChangeEvent.Action.DELETE


class _CurrentTxid(Func):
    template = "pg_current_xact_id()::text::bigint"
    output_field = models.BigIntegerField()


def _current_txid():
    # SQLite has one writer at a time, so id order is commit order: no transaction id needed.
    return _CurrentTxid() if connection.vendor == "postgresql" else 0
