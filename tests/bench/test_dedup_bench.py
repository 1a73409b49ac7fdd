"""The near-dedup benchmark's scoring (bench/dedup_bench.py): truth pairs, bands, recall, false removals.

Nothing here is timed: the benchmark's numbers come from `make bench`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from dedup_bench import Pair, band_of, false_removals, goal_recall, pair_truth, recall_by_band  # noqa: E402


def words(text: str) -> list[str]:
    return text.split()


def test_band_edges():
    assert band_of(1.0, exact=True) == "exact"
    assert band_of(1.0) == "1.0"
    assert band_of(0.9) == "[0.9,1.0)"
    assert band_of(0.8) == "[0.8,0.9)"
    assert band_of(0.7999) == "[0.7,0.8)"
    assert band_of(0.5) == "[0.5,0.7)"
    assert band_of(0.49) == "[0,0.5)"


# distinct words split on spaces, so the 5-gram shingles are easy to count
A = "a b c d e f g h i j k l m n"  # 10 shingles
A_NEAR = "a b c d e f g h i j k l m n o"  # 11 shingles, A's 10 among them: 10/11
B = "p q r s t u v w x y"
B_FAR = "p q r s t z z z z z"  # 1 of 11: 0.09
C = "one two three four five six"
C_TWIN = "one two three four five six"  # identical, but not planted


def corpus():
    texts = [A, A_NEAR, A, B, B_FAR, C, C_TWIN]
    plants = [
        {"copy": 1, "source": 0, "band": "[0.9,1.0)"},
        {"copy": 2, "source": 0, "band": "exact"},
        {"copy": 4, "source": 3, "band": "[0.5,0.7)"},
    ]
    return texts, plants


def test_pair_truth_scores_every_pair_in_a_group():
    texts, plants = corpus()
    pairs = {(p.a, p.b): p for p in pair_truth(texts, plants, words)}
    assert set(pairs) == {(0, 1), (0, 2), (1, 2), (3, 4)}
    assert pairs[0, 2].band == "exact"
    assert pairs[0, 1].jaccard == pytest.approx(10 / 11)
    assert pairs[0, 1].band == pairs[1, 2].band == "[0.9,1.0)"
    assert pairs[3, 4].band == "[0,0.5)"


def test_recall_counts_a_pair_caught_when_either_side_is_removed():
    texts, plants = corpus()
    pairs = pair_truth(texts, plants, words)
    by_band = recall_by_band(pairs, removed={1})
    assert by_band == {"exact": (0, 1), "[0.9,1.0)": (2, 2), "[0,0.5)": (0, 1)}
    assert goal_recall(by_band) == pytest.approx(2 / 3)
    assert goal_recall(recall_by_band(pairs, removed={1, 2})) == 1.0
    assert goal_recall({"[0.7,0.8)": (1, 1)}) is None


def test_false_removals_need_a_kept_near_duplicate():
    texts, plants = corpus()
    pairs = pair_truth(texts, plants, words)
    assert false_removals(texts, pairs, {1, 2}, words) == []  # A is kept
    assert false_removals(texts, pairs, {0, 1, 2}, words) == [0, 1, 2]  # the whole group is gone
    assert false_removals(texts, pairs, {4}, words) == [4]  # its source is too far from it
    assert false_removals(texts, pairs, {6}, words) == []  # an unplanted twin is kept
    assert false_removals(texts, pairs, {5, 6}, words) == [5, 6]


def test_pair_band_property_matches_band_of():
    assert Pair(0, 1, 0.85, False).band == "[0.8,0.9)"
    assert Pair(0, 1, 1.0, True).band == "exact"
