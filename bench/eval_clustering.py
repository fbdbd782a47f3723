"""Event clustering against the labelled set: B-cubed precision, recall and F1 (``make eval``).

The set (tests/data/eval/clustering.jsonl, written in clustering_source.py
beside it): 505 articles of 134 events over five days, in English, Spanish,
French and Arabic. Its outlets, one feed each, and its topics are created in a
throwaway database (``test_<name>`` of DATABASE_URL; SQLite in memory when
unset), then the articles go through ingestion's own path in publish order:
every 30 minutes of the set's clock, each outlet's new entries are stored by
``articles_upsert`` (which matches topics) and handed to the after-store
steps (``settings.INGEST_AFTER_STORE``: the clustering task), exactly as
``feed_ingest`` does after a fetch.

B-cubed (Bagga & Baldwin 1998): for each article, precision is the share of
its predicted event that truly belongs with it, recall the share of its true
event found in its predicted one; both averaged over articles, F1 their
harmonic mean. Per language: the same averages over that language's articles
(their events may hold any language).

``main()`` returns the figures; ``python bench/eval_clustering.py`` prints them.
"""

import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = BASE_DIR / "tests" / "data" / "eval" / "clustering.jsonl"
TICK = timedelta(minutes=30)


def load(path: Path = DATA) -> tuple[dict, list[dict]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])["header"]
    rows = [json.loads(line) for line in lines[1:] if line.strip()]
    for row in rows:
        row["published"] = datetime.fromisoformat(row["published"].replace("Z", "+00:00"))
    rows.sort(key=lambda row: (row["published"], row["id"]))
    return header, rows


def bcubed(predicted: dict[str, object], truth: dict[str, str], items=None) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``predicted`` (item → cluster) against ``truth`` (item → class)."""
    by_cluster: dict[object, set] = defaultdict(set)
    by_class: dict[str, set] = defaultdict(set)
    for item, cluster in predicted.items():
        by_cluster[cluster].add(item)
    for item, label in truth.items():
        by_class[label].add(item)
    items = list(items if items is not None else truth)
    if not items:
        return 0.0, 0.0, 0.0
    precision = recall = 0.0
    for item in items:
        cluster, label = by_cluster[predicted[item]], by_class[truth[item]]
        both = len(cluster & label)
        precision += both / len(cluster)
        recall += both / len(label)
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _entry(row: dict):
    from sources.ingest.normalise import Entry

    url = f"https://{row['outlet']}.example.com/{row['id']}"
    digest = hashlib.md5(f"{row['title']}|{row['summary']}|{row['published']}".encode()).hexdigest()
    return Entry(
        guid=row["id"], url=url, raw_title=row["title"], raw_summary=row["summary"], published_at=row["published"],
        language=row["language"], content_hash=digest,
    )  # fmt: skip


def run(header: dict, rows: list[dict], *, committing=nullcontext) -> dict[str, int]:
    """Ingest the set in publish order through the store and the after-store steps; article id → event id.

    ``committing``: a context manager factory around each feed's store, under which the after-commit
    steps run (the test suite's transactions never commit; its capture of on-commit callbacks does).
    """
    from events.clustering import index_forget
    from events.models import EventArticle
    from sources.ingest.pipeline import after_store
    from sources.ingest.store import articles_upsert
    from sources.models import Feed, Outlet, SourceArticle
    from topics.models import Topic

    index_forget()
    feeds = {}
    for slug, outlet in header["outlets"].items():
        row = Outlet.objects.create(name=outlet["name"], slug=slug, language=outlet["language"], country=outlet["country"])
        feeds[slug] = Feed.objects.create(outlet=row, url=f"https://{slug}.example.com/feed.xml")
    for i, topic in enumerate(header["topics"]):
        Topic.objects.create(name=topic["name"], slug=f"t{i}", kind=topic["kind"], aliases="\n".join(topic["aliases"]))

    start = rows[0]["published"]
    ticks: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        ticks[int((row["published"] - start) / TICK)][row["outlet"]].append(row)
    for tick in sorted(ticks):
        for slug, items in sorted(ticks[tick].items()):
            with committing():
                stats = articles_upsert(feed=feeds[slug], entries=[_entry(row) for row in items])
                after_store(stats.new_ids)  # as feed_ingest does: the clustering task, run in-process (eager)
    by_guid = dict(SourceArticle.objects.values_list("guid", "id"))
    events = dict(EventArticle.objects.values_list("article_id", "event_id"))
    return {row["id"]: events.get(by_guid[row["id"]]) for row in rows}


def figures(rows: list[dict], predicted: dict[str, int]) -> dict:
    truth = {row["id"]: row["event"] for row in rows}
    missing = [item for item, event in predicted.items() if event is None]
    predicted = {item: (event if event is not None else f"none-{item}") for item, event in predicted.items()}
    p, r, f1 = bcubed(predicted, truth)
    out = {
        "articles": len(rows),
        "true_events": len(set(truth.values())),
        "predicted_events": len(set(predicted.values())),
        "unclustered": len(missing),
        "precision": p,
        "recall": r,
        "f1": f1,
        "languages": {},
        "kinds": {},
    }
    for language in sorted({row["language"] for row in rows}):
        items = [row["id"] for row in rows if row["language"] == language]
        lp, lr, lf = bcubed(predicted, truth, items)
        out["languages"][language] = {"articles": len(items), "precision": lp, "recall": lr, "f1": lf}
    for kind in sorted({row["kind"] for row in rows}):
        items = [row["id"] for row in rows if row["kind"] == kind]
        kp, kr, kf = bcubed(predicted, truth, items)
        out["kinds"][kind] = {"articles": len(items), "precision": kp, "recall": kr, "f1": kf}
    # Where it goes wrong: true events split over several predicted ones, predicted ones mixing true ones.
    split, mixed = Counter(), Counter()
    by_event: dict[str, set] = defaultdict(set)
    by_pred: dict[object, set] = defaultdict(set)
    for row in rows:
        by_event[row["event"]].add(predicted[row["id"]])
        by_pred[predicted[row["id"]]].add(row["event"])
    for event, clusters in by_event.items():
        if len(clusters) > 1:
            split[event] = len(clusters)
    for events in by_pred.values():
        if len(events) > 1:
            mixed[" + ".join(sorted(events))] += 1
    out["split"] = dict(split.most_common())
    out["mixed"] = dict(mixed.most_common())
    return out


def report(out: dict) -> None:
    print(
        f"clustering: {out['articles']} articles, {out['true_events']} true events, "
        f"{out['predicted_events']} predicted ({out['unclustered']} unclustered)"
    )
    print(f"  B-cubed precision {out['precision']:.3f}  recall {out['recall']:.3f}  F1 {out['f1']:.3f}")
    for language, fig in out["languages"].items():
        print(
            f"    {language}: {fig['articles']:>3} articles  P {fig['precision']:.3f}  R {fig['recall']:.3f}  F1 {fig['f1']:.3f}"
        )
    for kind, fig in out["kinds"].items():
        print(
            f"    {kind:>6}: {fig['articles']:>3} articles  P {fig['precision']:.3f}  R {fig['recall']:.3f}  F1 {fig['f1']:.3f}"
        )
    if out["split"]:
        print("  split over several events: " + ", ".join(f"{k} ({v})" for k, v in out["split"].items()))
    if out["mixed"]:
        print("  mixed in one event: " + "; ".join(out["mixed"]))


def _setup():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def main(*, quiet: bool = False, path: Path = DATA) -> dict:
    """Run the evaluation in a throwaway database; return (and print) the figures."""
    _setup()
    from django.test.utils import setup_databases, teardown_databases

    header, rows = load(path)
    old_config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        out = figures(rows, run(header, rows))
    finally:
        teardown_databases(old_config, verbosity=0)
    if not quiet:
        report(out)
    return out


if __name__ == "__main__":
    main()
