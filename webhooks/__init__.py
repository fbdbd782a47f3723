"""Webhooks for app backends: every public change, POSTed and signed to the endpoints editors register.

1. **Endpoints** (``models.Endpoint``), registered in the admin: a URL, a
   secret (generated, rotatable) and the kinds it wants.
2. **Dispatch** (``dispatch.py``): the change log is read from each endpoint's
   cursor in the sync feed's exact order (``newsroom/changes/feed.py``), and a
   ``Delivery`` row written for each entry the endpoint wants. Run after every
   public change (a step of the pipeline, ``after_change.py``) and by beat, so
   a change is never lost, whatever was down when it committed.
3. **Delivery** (``delivery.py``): one signed POST per attempt, by a Celery
   task that retries with exponential backoff; the changes of one object reach
   an endpoint one at a time, in log order. An endpoint failing for long is
   disabled (its deliveries kept) until an editor re-enables it.

The body's ``data`` is the object's public detail at sending time, exactly as
the sync feed sends it (``stories/api/sync.py``): a draft never goes out.
"""
