"""The near-dedup benchmark's corpus generator (bench/dedup_corpus.py): seeded, sized, plants in their bands."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from dedup_corpus import BANDS, approx_tokens, build, jaccard, load, shingles  # noqa: E402


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("dedup") / "c"
    meta = build(out, 300, 0.6, seed=3)
    return out, meta


def test_corpus_is_seeded_and_sized(small_corpus, tmp_path):
    out, meta = small_corpus
    texts, plants = load(out)
    assert meta["docs"] == len(texts) == 300
    assert meta["copies"] == len(plants) == 45  # 15 % of the documents
    assert sum(len(t.encode()) for t in texts) >= 0.6e6
    again = build(tmp_path / "again", 300, 0.6, seed=3)
    assert again == meta
    assert load(tmp_path / "again") == (texts, plants)
    build(tmp_path / "other", 300, 0.6, seed=4)
    assert load(tmp_path / "other")[0] != texts
    shard_ids = [line.split('"id": "')[1][:7] for p in sorted((out / "docs").glob("*.jsonl")) for line in p.open()]
    assert shard_ids == [f"d{i:06d}" for i in range(300)]


def test_plants_are_what_their_band_says(small_corpus):
    texts, plants = load(small_corpus[0])
    seen = set()
    for p in plants:
        copy, src = texts[p["copy"]], texts[p["source"]]
        assert p["copy"] != p["source"]
        seen.add(p["band"])
        if p["band"] == "exact":
            assert copy == src
            continue
        assert copy != src
        j = jaccard(shingles(approx_tokens(copy)), shingles(approx_tokens(src)))
        if p["band"] == "format":
            assert approx_tokens(copy) == approx_tokens(src)
        else:
            lo, hi = BANDS[p["band"]][1]
            assert lo <= j < hi, (p, j)
            assert p["edits"]
    assert seen == set(BANDS)


def test_unrelated_documents_share_little(small_corpus):
    texts, plants = load(small_corpus[0])
    planted = {i for p in plants for i in (p["copy"], p["source"])}
    free = [i for i in range(len(texts)) if i not in planted][:60]
    sh = [shingles(approx_tokens(texts[i])) for i in free]
    worst = max(jaccard(sh[a], sh[b]) for a in range(len(sh)) for b in range(a + 1, len(sh)))
    assert worst < 0.2
