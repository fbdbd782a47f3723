"""Find topics in article text: every name and alias, in one pass (Aho-Corasick).

Names and text are folded the same way (case-folded, accents removed,
whitespace collapsed), so “Sheinbaum”, “SHEINBAUM” and “Sheínbaum” all match,
and a match counts only when it is a whole word: “Peru” matches in “Peru's
envoy” but not in “Peruvian”. The automaton holds every name of every topic,
so one scan of the text finds all of them whatever the number of topics.
"""

import unicodedata
from collections.abc import Iterable

import ahocorasick
from django.db.models import Count, Max

from .models import Topic


def text_fold(text: str) -> str:
    """Case-fold, strip accents and collapse whitespace, keeping word boundaries."""
    if text.isascii():  # most text: nothing to decompose
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


class TopicMatcher:
    """An automaton over topic names; ``match(text)`` returns the topic ids found."""

    def __init__(self, names: Iterable[tuple[int, str]]):
        self._automaton = ahocorasick.Automaton()
        patterns: dict[str, set[int]] = {}
        for topic_id, name in names:
            folded = text_fold(name)
            if folded:
                patterns.setdefault(folded, set()).add(topic_id)
        for pattern, topic_ids in patterns.items():
            self._automaton.add_word(pattern, (len(pattern), frozenset(topic_ids)))
        self.is_empty = not patterns
        if not self.is_empty:
            self._automaton.make_automaton()

    def match(self, text: str) -> set[int]:
        if self.is_empty or not text:
            return set()
        folded = text_fold(text)
        found: set[int] = set()
        last = len(folded) - 1
        for end, (length, topic_ids) in self._automaton.iter(folded):
            start = end - length + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < last and folded[end + 1].isalnum():
                continue
            found |= topic_ids
        return found


_cache: dict[str, object] = {"key": None, "matcher": None}


def topic_matcher_get() -> TopicMatcher:
    """The matcher for the current topics, rebuilt only when topics change.

    The cache key is read from the database (count and latest edit), so every
    worker process notices an edited alias at its next batch.
    """
    key = tuple(Topic.objects.aggregate(n=Count("id"), latest=Max("updated_at")).values())
    if _cache["key"] != key or _cache["matcher"] is None:
        names = ((topic.pk, name) for topic in Topic.objects.only("id", "name", "aliases") for name in topic.match_names)
        _cache["matcher"] = TopicMatcher(names)
        _cache["key"] = key
    return _cache["matcher"]  # type: ignore[return-value]
