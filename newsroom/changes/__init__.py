"""The public-change pipeline: every change readers can see goes through here.

1. **Record** (``record.py``), in the writer's transaction:
   ``with public_change(kind, obj): ...`` appends the object, and every object
   whose detail shows it (``shows.py``, declared once), to the change log
   (``models.ChangeEvent``). Workflow, topic/question/outlet services, imports
   and the demo loader all record this way.
2. **After commit** (``pipeline.py``), called directly through
   ``transaction.on_commit``: the steps in ``settings.PUBLIC_CHANGE_STEPS``
   re-render story pages and kept API bodies, re-index search and purge the
   page cache (they live on the stories side, above this layer).
3. **Read** (``feed.py``): the API's sync feed reads the log in an order no
   late commit can break; ``changes_state`` keys the API's validators.
4. **Reconcile** (``reconcile.py``, beat each minute): the purge steps again
   for recent changes, in case the cache was unreachable at commit.

This package imports none of the apps: it names their models by label.
"""
