"""The labelled set (tests/data/eval/clustering.jsonl) through ingestion's path: B-cubed F1 at least 0.9."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import eval_clustering  # noqa: E402

pytestmark = pytest.mark.django_db


def test_bcubed_is_what_the_papers_define():
    truth = {"a": 1, "b": 1, "c": 2}
    assert eval_clustering.bcubed({"a": "x", "b": "x", "c": "y"}, truth) == (1.0, 1.0, 1.0)
    precision, recall, _ = eval_clustering.bcubed({"a": "x", "b": "x", "c": "x"}, truth)
    assert precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert recall == 1.0


def test_the_labelled_set_clusters_with_bcubed_f1_of_at_least_0_9(django_capture_on_commit_callbacks):
    from events import clustering

    clustering.index_forget()
    header, rows = eval_clustering.load()
    assert len(rows) >= 500 and len({row["event"] for row in rows}) >= 40
    assert {row["language"] for row in rows} == {"en", "es", "fr", "ar"}
    predicted = eval_clustering.run(header, rows, committing=lambda: django_capture_on_commit_callbacks(execute=True))
    out = eval_clustering.figures(rows, predicted)
    assert out["unclustered"] == 0
    assert out["f1"] >= 0.9, out
    assert out["precision"] >= 0.85 and out["recall"] >= 0.85, out
