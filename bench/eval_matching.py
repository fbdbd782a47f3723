"""Topic matching against a labelled set: ``make eval`` (matching half). Prints figures and misses.

Runs the matcher in memory on the same path as ingestion: each item is made a
feed entry and normalised as the ingest pipeline does (HTML and entities to
plain text, ``sources.ingest.entry_normalise``), its title and summary are
joined as ``sources.ingest.store.article_topics_match`` joins them
(``topics.matching.article_text``), and the labelled topics become the
``TopicSpec``s that ``topics.matching.topic_specs`` builds from the database.
No database is needed.

Precision and recall are micro-averaged over (item, topic) pairs, overall, per
topic kind and per case; every miss is listed (a false positive "+", a topic
not found "-"). ``main()`` returns the figures; ``--set PATH`` evaluates another
set of the same format (tests/data/eval/matching.json describes it).

    python bench/eval_matching.py [--set PATH] [--quiet]
"""

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")

DEFAULT_SET = BASE_DIR / "tests" / "data" / "eval" / "matching.json"


def _django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def load_set(path: Path | str = DEFAULT_SET) -> tuple[list, list[dict]]:
    """(topic specs, items) of a labelled set: JSON {"topics": [...], "items": [...]} or JSON lines."""
    from topics.matching import TopicSpec

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        data = {"topics": [r for r in rows if "kind" in r and "name" in r], "items": [r for r in rows if "title" in r]}
    else:
        data = json.loads(text)
    specs = [
        TopicSpec(
            id=index + 1,
            name=topic["name"],
            kind=topic.get("kind", "theme"),
            aliases=_list(topic.get("aliases")),
            description=topic.get("description", ""),
            context=_list(topic.get("context")),
        )
        for index, topic in enumerate(data["topics"])
    ]
    return specs, data["items"]


def _expected(item: dict) -> set[str]:
    for key in ("topics", "expected", "expected_topics"):
        if key in item:
            return set(_list(item[key]))
    return set()


def _ratio(good: int, total: int) -> float:
    return good / total if total else 1.0


def evaluate(path: Path | str = DEFAULT_SET) -> dict:
    """Run the matcher over the set; figures and misses (no printing)."""
    _django()
    from sources.ingest import entry_normalise
    from sources.ingest.parse import RawEntry
    from topics.matching import TopicMatcher, article_text

    specs, items = load_set(path)
    matcher = TopicMatcher(specs)
    by_id = {spec.id: spec for spec in specs}
    kind_of = {spec.name: spec.kind for spec in specs}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    misses = []
    for index, item in enumerate(items):
        raw = RawEntry(
            guid=str(item.get("id", index)),
            link=f"https://eval.example.com/{index}",
            title=item.get("title", item.get("headline", "")),
            summary=item.get("summary", item.get("text", item.get("body", ""))),
        )
        entry = entry_normalise(raw, base_url="https://eval.example.com/")
        context = item.get("context", item.get("event", "")) or ""
        found_ids = matcher.match_detail(article_text(entry.title, entry.summary), context)
        found = {by_id[i].name for i in found_ids}
        expected = _expected(item)
        case = item.get("case", "")
        for name in found | expected:
            outcome = "tp" if name in found and name in expected else "fp" if name in found else "fn"
            for group in ("all", f"kind:{kind_of.get(name, '?')}", f"case:{case}" if case else None):
                if group:
                    counts[group][outcome] += 1
        if found != expected:
            misses.append(
                {
                    "id": item.get("id", index),
                    "title": item.get("title", ""),
                    "summary": item.get("summary", ""),
                    "false_positives": sorted(found - expected),
                    "missed": sorted(expected - found),
                    "matched_as": {by_id[i].name: alias for i, alias in found_ids.items()},
                }
            )
    figures = {
        group: {
            "precision": _ratio(c["tp"], c["tp"] + c["fp"]),
            "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
            **c,
        }
        for group, c in counts.items()
    }
    return {"items": len(items), "topics": len(specs), "figures": figures, "misses": misses}


def report(result: dict, *, quiet: bool = False) -> None:
    figures = result["figures"]
    print(f"topic matching: {result['items']} items, {result['topics']} topics")
    print(f"  {'':<22} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>4} {'fn':>4}")
    groups = ["all"] + sorted(g for g in figures if g.startswith("kind:")) + sorted(g for g in figures if g.startswith("case:"))
    for group in groups:
        f = figures[group]
        print(f"  {group:<22} {f['precision']:>9.3f} {f['recall']:>7.3f} {f['tp']:>5} {f['fp']:>4} {f['fn']:>4}")
    if quiet:
        return
    print(f"misses ({len(result['misses'])} items):")
    for miss in result["misses"]:
        marks = [f"+{name}" for name in miss["false_positives"]] + [f"-{name}" for name in miss["missed"]]
        print(f"  {miss['id']}: {miss['title']!r} — {', '.join(marks)}")


def main(argv: list[str] | None = None) -> dict:
    """Evaluate and print; returns {"precision", "recall", "per_kind", "misses", ...}."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(DEFAULT_SET), help="labelled set (JSON or JSON lines)")
    parser.add_argument("--quiet", action="store_true", help="figures only, no list of misses")
    args = parser.parse_args(argv if argv is not None else [])
    result = evaluate(args.set)
    report(result, quiet=args.quiet)
    overall = result["figures"].get("all", {"precision": 1.0, "recall": 1.0})
    return {
        "precision": overall["precision"],
        "recall": overall["recall"],
        "per_kind": {g[5:]: f for g, f in result["figures"].items() if g.startswith("kind:")},
        "per_case": {g[5:]: f for g, f in result["figures"].items() if g.startswith("case:")},
        "misses": result["misses"],
        "items": result["items"],
    }


if __name__ == "__main__":
    main(sys.argv[1:])
