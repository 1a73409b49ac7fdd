"""Text metrics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from minions.errors import UserError
from minions.scoring.text import (
    bleu,
    bootstrap_ci,
    edit_similarity,
    exact_match,
    pass_at_k,
    sentence_bleu,
)


def test_exact_match_ignores_line_endings_and_trailing_whitespace_only():
    assert exact_match("a = 1  \r\nb = 2\n\n", "a = 1\nb = 2") == 1.0
    assert exact_match("a = 1\rb = 2", "a = 1\nb = 2") == 1.0
    assert exact_match("  a = 1", "a = 1") == 0.0  # indentation counts
    assert exact_match("a  = 1", "a = 1") == 0.0
    assert exact_match("", "") == 1.0


def test_edit_similarity():
    # kitten -> sitting: substitute k->s, e->i, insert g: distance 3, longer length 7
    assert edit_similarity("kitten", "sitting") == pytest.approx(1 - 3 / 7)
    assert edit_similarity("abc", "abc") == 1.0
    assert edit_similarity("", "") == 1.0
    assert edit_similarity("", "abcd") == 0.0
    # one character substituted in 4 -> 1 - 1/4
    assert edit_similarity("abcd", "abxd") == pytest.approx(0.75)


def test_corpus_bleu_hand_computed():
    # tokens a b c d e vs a b c d f: 1-grams 4/5, 2-grams 3/4, 3-grams 2/3, 4-grams 1/2, same length (BP 1)
    expected = (4 / 5 * 3 / 4 * 2 / 3 * 1 / 2) ** 0.25
    assert bleu(["a b c d e"], ["a b c d f"]) == pytest.approx(expected)
    assert bleu(["x = foo(a+b);"], ["x = foo(a+b);"]) == 1.0
    # corpus level: counts add up over records before the precisions are taken
    # record 1 as above, record 2 identical "p q r s": 1-grams 8/9, 2-grams 6/7, 3-grams 4/5, 4-grams 2/3
    corpus = (8 / 9 * 6 / 7 * 4 / 5 * 2 / 3) ** 0.25
    assert bleu(["a b c d e", "p q r s"], ["a b c d f", "p q r s"]) == pytest.approx(corpus)


def test_bleu_splits_code_punctuation():
    # 13a splits punctuation: both sides become `f ( a , b ) ;`, so spacing does not matter
    assert bleu(["f(a, b);"], ["f( a , b ) ;"]) == 1.0


def test_bleu_chinese_tokenises_characters():
    # zh: one token per character. 我爱北京天安 (6) vs 我爱北京天安门 (7): every n-gram of the prediction
    # matches; brevity penalty exp(1 - 7/6)
    assert bleu(["我爱北京天安"], ["我爱北京天安门"], instruction_lang="zh") == pytest.approx(math.exp(1 - 7 / 6))
    # with 13a the text is one token each side and nothing matches
    assert bleu(["我爱北京天安"], ["我爱北京天安门"]) == 0.0


def test_sentence_bleu():
    assert sentence_bleu("a b c d e", "a b c d f") == pytest.approx((4 / 5 * 3 / 4 * 2 / 3 * 1 / 2) ** 0.25)
    assert sentence_bleu("same words here now", "same words here now") == 1.0


def test_bleu_refuses_mismatched_lengths():
    with pytest.raises(UserError, match="2 predictions for 1 references"):
        bleu(["a", "b"], ["a"])


def test_pass_at_k_hand_computed():
    # n=5, c=2, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)
    # n=10, c=3, k=1: c/n
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    # n - c < k: every draw of k holds a passing sample
    assert pass_at_k(5, 4, 2) == 1.0
    assert pass_at_k(4, 0, 2) == 0.0
    # greedy: one sample
    assert pass_at_k(1, 1, 1) == 1.0
    assert pass_at_k(1, 0, 1) == 0.0
    # matches the combinatorial form on a larger case: 1 - C(150, 10)/C(200, 10)
    assert pass_at_k(200, 50, 10) == pytest.approx(1 - math.comb(150, 10) / math.comb(200, 10))


def test_pass_at_k_refuses_impossible_counts():
    with pytest.raises(UserError):
        pass_at_k(3, 4, 1)
    with pytest.raises(UserError):
        pass_at_k(3, 1, 4)


def test_bootstrap_constant_deltas():
    assert bootstrap_ci([0.5] * 10) == (0.5, 0.5, 0.5)


def test_bootstrap_two_values():
    # deltas [0, 1]: a resample's mean is 0 (p=1/4), 0.5 (p=1/2) or 1 (p=1/4). At 95% the 2.5th percentile
    # lies among the zeros and the 97.5th among the ones; at level 0.4 (30th and 70th percentiles) both
    # lie among the halves, since 1/4 < 0.3 and 3/4 > 0.7.
    assert bootstrap_ci([0.0, 1.0]) == (0.5, 0.0, 1.0)
    assert bootstrap_ci([0.0, 1.0], level=0.4) == (0.5, 0.5, 0.5)


def test_bootstrap_is_deterministic_per_seed():
    deltas = [0.1, -0.2, 0.3, 0.05, 0.0, 0.4, -0.1]
    first = bootstrap_ci(deltas, seed=7)
    assert bootstrap_ci(deltas, seed=7) == first
    assert first[0] == pytest.approx(sum(deltas) / len(deltas))
    assert first[1] <= first[0] <= first[2]
    assert bootstrap_ci(deltas, seed=8) != first


def test_bootstrap_refuses_no_records():
    with pytest.raises(UserError, match="at least one paired record"):
        bootstrap_ci([])
