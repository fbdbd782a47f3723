"""A group's matches in context, each text read once (``TopicMatcher.match_in_context``), are those of each text
matched with the group's other texts joined as its context (``match_detail``), on the labelled set's cases."""

import json
from collections import defaultdict
from pathlib import Path

from topics.matching import TopicMatcher, TopicSpec, article_text

DATA = Path(__file__).resolve().parent.parent / "data" / "eval" / "matching.json"


def _matcher_and_groups() -> tuple[TopicMatcher, list[list[str]]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    specs = [
        TopicSpec(
            id=i + 1, name=topic["name"], kind=topic.get("kind", "theme"), aliases=list(topic.get("aliases") or []),
            description=topic.get("description", ""), context=list(topic.get("context") or []),
        )
        for i, topic in enumerate(data["topics"])
    ]  # fmt: skip
    cases: dict[str, list[str]] = defaultdict(list)
    for item in data["items"]:
        cases[item["case"]].append(article_text(item["title"], item.get("summary", "")))
    groups = [texts[:20] for texts in cases.values()]
    every = [text for texts in cases.values() for text in texts]
    lower = [text.lower() for text in every[:40:3]]
    # Texts without capitals among others with some; all without; one the join would change; empty ones.
    groups += [lower[:4] + every[:3], lower, [every[5], "  Chávez  <b>said</b>  ", every[9]], ["", every[1], "", every[2]]]
    return TopicMatcher(specs), groups


def test_a_groups_matches_are_those_of_each_text_with_the_others_as_context():
    matcher, groups = _matcher_and_groups()
    checked = 0
    for texts in groups:
        expected = [matcher.match_detail(text, texts[:i] + texts[i + 1 :]) for i, text in enumerate(texts)]
        assert matcher.match_in_context(texts) == expected, texts
        checked += sum(map(len, expected))
    assert checked > 100  # the set names many topics: the comparison is not empty


def test_context_adds_nothing_to_a_text_that_needs_none():
    matcher, groups = _matcher_and_groups()
    needing = 0
    for texts in groups:
        for i, text in enumerate(texts):
            if matcher.needs_context(text):
                needing += 1
                continue
            alone = matcher.match_detail(text)
            assert matcher.match_detail(text, texts[:i] + texts[i + 1 :]).keys() <= alone.keys(), text
        only = {i for i, text in enumerate(texts) if matcher.needs_context(text)}
        chosen = matcher.match_in_context(texts, only)
        assert [found for i, found in enumerate(chosen) if i in only] == [
            found for i, found in enumerate(matcher.match_in_context(texts)) if i in only
        ]
        assert not any(found for i, found in enumerate(chosen) if i not in only)
    assert needing > 10  # surnames alone and common words: the set has them
