"""Topic matching: names and aliases, case- and accent-insensitive, whole words, one pass."""

import pytest

from tests.factories import TopicFactory
from topics.matching import TopicMatcher, text_fold, topic_matcher_get


def matcher(*names: tuple[int, str]) -> TopicMatcher:
    return TopicMatcher(names)


def test_folding_ignores_case_accents_and_spacing():
    assert text_fold("  PERÚ\u00a0and  Mé́xico ") == "peru and mexico"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Peru recalls its envoy", {1}),
        ("PERU RECALLS", {1}),
        ("Perú recalls", {1}),
        ("Peruvian exports", set()),
        ("Super-Peru", {1}),
        ("(Peru)", {1}),
        ("Perus", set()),
        ("Claudia Sheinbaum spoke", {2}),
        ("Claudia  Sheinbaum spoke", {2}),
        ("SHEINBAUM spoke", {2}),
        ("Sheinbaumism", set()),
        ("Peru and Mexico's president Sheinbaum", {1, 2, 3}),
        ("", set()),
    ],
)
def test_whole_words_in_any_case_and_accent(text, found):
    m = matcher((1, "Peru"), (2, "Claudia Sheinbaum"), (2, "Sheinbaum"), (3, "México"))
    assert m.match(text) == found


def test_one_name_shared_by_two_topics_matches_both():
    assert matcher((1, "Georgia"), (2, "Georgia")).match("Georgia votes") == {1, 2}


def test_thousands_of_topics_in_one_automaton():
    names = [(i, f"Person Number{i}") for i in range(20_000)] + [(99_999, "Lima")]
    m = TopicMatcher(names)
    assert m.match("In Lima, Person Number19999 met Person Number7.") == {99_999, 19_999, 7}


def test_the_matcher_follows_topic_edits(db):
    topic = TopicFactory(name="Peru")
    assert topic_matcher_get().match("Lima is the capital") == set()
    topic.aliases = "Lima\n"
    topic.save()
    assert topic_matcher_get().match("Lima is the capital") == {topic.pk}


def test_the_matcher_is_rebuilt_only_when_topics_change(db, django_assert_num_queries):
    TopicFactory(name="Peru")
    topic_matcher_get()
    with django_assert_num_queries(1):  # the change check only
        topic_matcher_get()
