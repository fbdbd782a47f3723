"""Our one-permutation MinHash (events/text.py) against datasketch's MinHash and LSH, on the labelled set.

Not a project dependency: ``pip install datasketch==2.0.0`` in a scratch venv, then
``python bench/compare_minhash.py``. Over every pair of the set's 505 articles (word-pair
shingles of the headline and the summary's start, as clustering reads them) it prints how
far each signature's Jaccard estimate is from the true Jaccard, how many near-duplicate
pairs share a band, how many unrelated pairs do, and the time per article.
"""

import itertools
import json
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from datasketch import MinHash, MinHashLSH  # noqa: E402

from events import text  # noqa: E402


def shingles(hashes: list[int]) -> set[tuple[int, int]]:
    hashes = hashes[: text.SHINGLE_WORDS]
    return set(zip(hashes, hashes[1:], strict=False))


def datasketch_signatures(sets, num_perm: int) -> list[MinHash]:
    out = []
    for shingle_set in sets:
        signature = MinHash(num_perm=num_perm, seed=1)
        signature.update_batch([f"{a} {b}".encode() for a, b in shingle_set])
        out.append(signature)
    return out


def per_article_us(function, rounds: int, count: int) -> float:
    start = time.process_time()
    for _ in range(rounds):
        result = function()
    return (time.process_time() - start) / (rounds * count) * 1e6, result


def main() -> None:
    lines = (BASE_DIR / "tests/data/eval/clustering.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines[1:]]
    hashes = [text.word_hashes(row["title"], row["summary"]) for row in rows]
    sets = [shingles(h) for h in hashes]
    ours_us, (ours, bands) = per_article_us(
        lambda: ([text.shingle_bins(h) for h in hashes], [text._bands(h) for h in hashes]), 5, len(rows)
    )
    ds32_us, ds32 = per_article_us(lambda: datasketch_signatures(sets, 32), 2, len(rows))
    ds128_us, ds128 = per_article_us(lambda: datasketch_signatures(sets, 128), 2, len(rows))
    lsh = MinHashLSH(num_perm=32, params=(8, 4))
    for i, signature in enumerate(ds32):
        lsh.insert(str(i), signature)
    lsh_found = {i: {int(key) for key in lsh.query(signature)} for i, signature in enumerate(ds32)}

    errors = [0.0, 0.0, 0.0]
    measured = near = far = 0
    ours_near = ours_far = ds_near = ds_far = 0
    for i, j in itertools.combinations(range(len(rows)), 2):
        if not sets[i] or not sets[j]:
            continue
        jaccard = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
        if jaccard >= 0.1:
            estimate = sum(a == b for a, b in zip(ours[i], ours[j], strict=True)) / text.BINS
            errors[0] += abs(estimate - jaccard)
            errors[1] += abs(ds32[i].jaccard(ds32[j]) - jaccard)
            errors[2] += abs(ds128[i].jaccard(ds128[j]) - jaccard)
            measured += 1
        shared = bool(set(bands[i]) & set(bands[j]))
        if jaccard >= 0.5:
            near += 1
            ours_near += shared
            ds_near += j in lsh_found[i]
        elif jaccard < 0.2:
            far += 1
            ours_far += shared
            ds_far += j in lsh_found[i]
    ours_err, ds32_err, ds128_err = (e / measured for e in errors)
    print(f"pairs with Jaccard >= 0.1: {measured:,}; mean |estimate - true|:")
    print(f"  ours, 32 bins, one hash per shingle {ours_err:.4f}; datasketch 32 perms {ds32_err:.4f}, 128 perms {ds128_err:.4f}")
    print(f"near-duplicates (J >= 0.5): {near}; share a band: ours {ours_near / near:.3f}, datasketch 8x4 {ds_near / near:.3f}")
    print(f"unrelated pairs (J < 0.2): {far:,}; share a band: ours {ours_far / far:.5f}, datasketch {ds_far / far:.5f}")
    print(f"per article: ours {ours_us:.1f} us (signature and bands); datasketch {ds32_us:.1f} us (32), {ds128_us:.1f} us (128)")


if __name__ == "__main__":
    main()
