"""CodeBLEU components against hand-counted n-grams, subtrees and data-flow edges."""

from __future__ import annotations

import pytest

from minions.errors import UserError
from minions.scoring.codebleu import codebleu, dataflow_edges

JAVA = """int total(int[] xs, int start) {
    // running sum
    int sum = start;
    for (int x : xs) {
        sum += x;
    }
    return Math.max(sum, 0);
}
"""
JAVA_RENAMED = JAVA.replace("sum", "acc").replace("xs", "values").replace("start", "first")

PYTHON = '''def total(xs, start):
    """Add them up."""
    acc = start  # the running sum
    for x in xs:
        acc = acc + x
    return max(acc, 0)
'''
PYTHON_RENAMED = PYTHON.replace("acc", "s").replace("xs", "items").replace("start", "first")

KOTLIN = """fun total(xs: List<Int>, start: Int): Int {
    var sum = start
    for (x in xs) {
        sum += x
    }
    return maxOf(sum, 0)
}
"""
KOTLIN_RENAMED = KOTLIN.replace("sum", "acc").replace("xs", "values").replace("start", "first")

KEYS = {"codebleu", "ngram", "weighted_ngram", "syntax", "dataflow"}


@pytest.mark.parametrize(("code", "lang"), [(JAVA, "java"), (PYTHON, "python"), (KOTLIN, "kotlin")])
def test_identical_code_scores_one_everywhere(code, lang):
    scores = codebleu([code], [code], lang)
    assert set(scores) == KEYS
    assert scores == pytest.approx(dict.fromkeys(KEYS, 1.0))


@pytest.mark.parametrize(
    ("code", "renamed", "lang"),
    [(JAVA, JAVA_RENAMED, "java"), (PYTHON, PYTHON_RENAMED, "python"), (KOTLIN, KOTLIN_RENAMED, "kotlin")],
)
def test_renamed_variables_keep_dataflow_and_syntax_but_lower_ngram(code, renamed, lang):
    assert dataflow_edges(code, lang), "the snippet must have edges for this test to mean anything"
    scores = codebleu([renamed], [code], lang)
    assert scores["dataflow"] == 1.0
    assert scores["syntax"] == 1.0
    assert scores["ngram"] < 0.7
    assert scores["codebleu"] < 1.0


def test_comments_and_docstrings_do_not_count():
    bare = PYTHON.replace('    """Add them up."""\n', "").replace("  # the running sum", "")
    assert codebleu([bare], [PYTHON], "python")["codebleu"] == pytest.approx(1.0)


def test_ngram_counts_tree_sitter_tokens():
    # tokens x = a + b vs x = a - b (leaves, so `a+b` splits without spaces):
    # 1-grams 4/5; 2-grams (x =)(= a) of 4 -> 2/4; 3-grams (x = a) of 3 -> 1/3; 4-grams 0 of 2 -> smoothed 0.1/2
    expected = (4 / 5 * 2 / 4 * 1 / 3 * 0.1 / 2) ** 0.25
    scores = codebleu(["x = a-b"], ["x = a + b"], "python")
    assert scores["ngram"] == pytest.approx(expected)
    # no keywords: every unigram weighs 0.2, and with equal lengths recall equals precision here
    assert scores["weighted_ngram"] == pytest.approx(expected)


def test_weighted_ngram_weighs_keywords_five_times():
    # `return y` for `return x`: tokens [return, y] vs [return, x]
    # ngram (precision): 1-grams 1/2; 2-grams 0/1 -> 0.1/1; 3- and 4-grams: none -> 0.1/1 each
    # weighted (recall over the reference): 1-grams (1.0*1 + 0.2*0) / (1.0 + 0.2); higher orders as above
    scores = codebleu(["return y"], ["return x"], "python")
    assert scores["ngram"] == pytest.approx((1 / 2 * 0.1 * 0.1 * 0.1) ** 0.25)
    assert scores["weighted_ngram"] == pytest.approx((1 / 1.2 * 0.1 * 0.1 * 0.1) ** 0.25)


def test_ngram_brevity_penalty():
    # `x = 1` (3 tokens) for `x = 1 + 2` (5): every hypothesis n-gram matches (3/3, 2/2, 1/1; 4-grams: none,
    # 0 of max(1, 0) -> 0.1/1), brevity penalty exp(1 - 5/3)
    import math

    scores = codebleu(["x = 1"], ["x = 1 + 2"], "python")
    assert scores["ngram"] == pytest.approx(math.exp(1 - 5 / 3) * (1 * 1 * 1 * 0.1) ** 0.25)


def test_syntax_clips_repeated_subtrees():
    # reference `x = 1; y = 2`: subtrees (module ...) once and (assignment left: (identifier) right: (integer))
    # twice = 3. The candidate `x = 1; y = z` has a different module and that assignment once: min(2, 1) = 1
    # -> 1/3 (without clipping it would be 2/3)
    scores = codebleu(["x = 1\ny = z\n"], ["x = 1\ny = 2\n"], "python")
    assert scores["syntax"] == pytest.approx(1 / 3)


def test_dataflow_edges_python_hand_counted():
    # a is a parameter (defines a, no edge); b = a + 1: (b computedFrom [a]) and (a comesFrom [a]);
    # return b: (b comesFrom [b]). Source order: b's definition, then a's use, then b's use.
    # Names by first appearance, an edge's parents first: a -> var_0, b -> var_1.
    code = "def f(a):\n    b = a + 1\n    return b\n"
    assert dataflow_edges(code, "python") == [
        ("var_1", "computedFrom", ("var_0",)),
        ("var_0", "comesFrom", ("var_0",)),
        ("var_1", "comesFrom", ("var_1",)),
    ]


def test_dataflow_edges_java_compound_assignment_reads_the_old_value():
    # int b = a * 2 -> (b cF [a]), a used -> (a cmF [a]); b += a -> (b cF [b, a]), (a cmF [a]); return b
    # -> (b cmF [b]); `f` is a method name, not a variable
    code = "int f(int a) { int b = a * 2; b += a; return b; }"
    assert dataflow_edges(code, "java") == [
        ("var_1", "computedFrom", ("var_0",)),
        ("var_0", "comesFrom", ("var_0",)),
        ("var_1", "computedFrom", ("var_1", "var_0")),
        ("var_0", "comesFrom", ("var_0",)),
        ("var_1", "comesFrom", ("var_1",)),
    ]


def test_dataflow_edges_kotlin_skip_called_names_and_members():
    # val b = a.size + g(a): `size` (member) and `g` (called) are not variables -> (b cF [a]) and two
    # (a cmF [a]); return b -> (b cmF [b])
    code = "fun f(a: List<Int>): Int {\n    val b = a.size + g(a)\n    return b\n}"
    assert dataflow_edges(code, "kotlin") == [
        ("var_1", "computedFrom", ("var_0",)),
        ("var_0", "comesFrom", ("var_0",)),
        ("var_0", "comesFrom", ("var_0",)),
        ("var_1", "comesFrom", ("var_1",)),
    ]


def test_dataflow_match_hand_counted():
    # reference edges (see the python test above): {b cF [a], a cmF [a], b cmF [b]} = 3.
    # candidate `return a`: {b cF [a], a cmF [a] twice}: b cF [a] and one a cmF [a] match -> 2/3
    ref = "def f(a):\n    b = a + 1\n    return b\n"
    cand = "def f(a):\n    b = a + 1\n    return a\n"
    assert codebleu([cand], [ref], "python")["dataflow"] == pytest.approx(2 / 3)


def test_dataflow_without_reference_edges_counts_as_one():
    # `return 1` has no variables: no edges in any reference -> 1.0 (the codebleu package's convention)
    scores = codebleu(["return 2"], ["return 1"], "python")
    assert scores["dataflow"] == 1.0
    # corpus level: edges add up over records, so a record without edges changes nothing
    ref = "def f(a):\n    b = a + 1\n    return b\n"
    cand = "def f(a):\n    b = a + 1\n    return a\n"
    assert codebleu(["return 2", cand], ["return 1", ref], "python")["dataflow"] == pytest.approx(2 / 3)


def test_codebleu_is_the_weighted_sum():
    scores = codebleu(["x = a-b"], ["x = a + b"], "python", weights=(0.1, 0.2, 0.3, 0.4))
    expected = (
        0.1 * scores["ngram"] + 0.2 * scores["weighted_ngram"] + 0.3 * scores["syntax"] + 0.4 * scores["dataflow"]
    )
    assert scores["codebleu"] == pytest.approx(expected)


def test_codebleu_refuses_unknown_language_and_mismatched_lists():
    with pytest.raises(UserError, match="does not know language 'cobol'"):
        codebleu(["x"], ["x"], "cobol")
    with pytest.raises(UserError, match="2 predictions for 1 references"):
        codebleu(["x", "y"], ["x"], "python")
