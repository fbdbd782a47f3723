"""The labelled set (tests/data/eval/matching.json): the matcher reaches the targets, and the set is what it says."""

import json

from bench.eval_matching import DEFAULT_SET, evaluate, main

TARGET = 0.95


def test_the_matcher_reaches_095_precision_and_recall_on_the_labelled_set(capsys):
    figures = main(["--quiet"])
    assert figures["precision"] >= TARGET, figures["precision"]
    assert figures["recall"] >= TARGET, figures["recall"]
    assert main(["--quiet"])["misses"] == figures["misses"]  # deterministic
    printed = capsys.readouterr().out
    assert "kind:person" in printed and "kind:country" in printed


def test_every_kind_is_measured_and_the_held_out_set_runs_too():
    result = evaluate()
    kinds = {group[5:] for group in result["figures"] if group.startswith("kind:")}
    assert {"person", "country", "organisation", "place", "event", "theme"} <= kinds
    held_out = evaluate(DEFAULT_SET.with_name("matching_holdout.json"))
    assert held_out["figures"]["all"]["precision"] >= 0.9 and held_out["figures"]["all"]["recall"] >= 0.9


def test_the_set_is_large_varied_and_consistent():
    data = json.loads(DEFAULT_SET.read_text(encoding="utf-8"))
    topics, items = data["topics"], data["items"]
    assert len(topics) >= 40 and len(items) >= 300
    names = {topic["name"] for topic in topics}
    assert all(set(item["topics"]) <= names for item in items)
    assert len({item["id"] for item in items}) == len(items)
    kinds = {topic["kind"] for topic in topics}
    assert kinds == {"person", "country", "organisation", "place", "event", "theme"}
    cases = {item["case"] for item in items}
    assert {"longest", "demonym", "surname", "common", "text", "lang", "none", "event"} <= cases
    assert sum(1 for item in items if not item["topics"]) >= 30  # items about none of the topics
