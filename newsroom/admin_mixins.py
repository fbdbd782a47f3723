"""Behaviour the admin classes of several apps share.

- ``BoundedSearchMixin``: the admin ANDs one condition per word; a pasted page
  of text (thousands of words) makes a WHERE clause SQLite refuses
  ("Expression tree is too large"), a 500. Past ``MAX_SEARCH_WORDS`` the extra
  words are dropped.
- ``ServiceBackedAdminMixin``: saves and deletes go through the app's
  services, which record the change for API sync and announce it.
- ``ReadOnlyAdminMixin``: records (revisions, transitions) are read, never
  added, changed or deleted by hand.
"""

from django.utils.text import smart_split

MAX_SEARCH_WORDS = 20


class BoundedSearchMixin:
    """For ModelAdmins with ``search_fields``: search on the first ``MAX_SEARCH_WORDS`` words only."""

    def get_search_results(self, request, queryset, search_term):
        words = list(smart_split(search_term or ""))
        if len(words) > MAX_SEARCH_WORDS:
            search_term = " ".join(words[:MAX_SEARCH_WORDS])
        return super().get_search_results(request, queryset, search_term)


class ServiceBackedAdminMixin:
    """Save and delete through services instead of ``obj.save()``/``obj.delete()``.

    Set ``save_service`` and ``delete_service`` (wrapped in ``staticmethod``)
    and ``service_argument``, the keyword under which they take the object.
    The object is saved with its many-to-many fields and inlines in one call
    of the service (``related=``), so the change it records sees all of them:
    a question given a new topic re-sends that topic too.
    """

    save_service = None
    delete_service = None
    service_argument = "obj"

    def save_model(self, request, obj, form, change):
        pass  # saved with its related rows, in save_related

    def save_related(self, request, form, formsets, change):
        parent = super()

        def related():
            parent.save_related(request, form, formsets, change)

        self.save_service(**{self.service_argument: form.instance}, related=related)

    def delete_model(self, request, obj):
        self.delete_service(**{self.service_argument: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdminMixin:
    """Listed and shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
