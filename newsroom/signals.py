"""The project's few signals, declared in one place.

Signals are for loose notifications only (cache purges, pre-rendering,
search indexing); the work that a change *is* lives in the services.
They are sent from ``transaction.on_commit`` so receivers see committed data.
"""

from django.dispatch import Signal

# Public content changed: a story was published, corrected or unpublished,
# or a topic / question / outlet shown on public pages was edited.
# Arguments: kind ("story" | "topic" | "question" | "outlet"), object_id, action ("upsert" | "delete").
public_content_changed = Signal()
