"""Admin search bounded to a few words.

The admin ANDs one condition per word; a pasted page of text (thousands of
words) makes a WHERE clause SQLite refuses ("Expression tree is too large"),
a 500. Past ``MAX_SEARCH_WORDS`` the extra words are dropped.
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
