"""Mutation testing on hand-made code: each operator's exact edit, and kill scores from real pytest,
javac and JUnit 5 runs in the sandbox."""

from __future__ import annotations

import shutil
import time

import pytest

from minions.errors import UserError
from minions.evaluation import mutation
from minions.evaluation.ladder import JUNIT_CONSOLE
from minions.evaluation.mutation import OPERATORS, kill_score, mutants
from minions.filters.syntax import first_error

needs_java = pytest.mark.skipif(
    shutil.which("javac") is None or shutil.which("java") is None or not JUNIT_CONSOLE.exists(),
    reason="no JDK or no JUnit 5 console launcher",
)


def _lines(found):
    return [(m.operator, m.line, m.code.splitlines()[m.line - 1]) for m in found]


PY_LABEL = """def label(n: int, names: list) -> str:
    if n > 3:
        return "big"
    record(n)
    return names[n - 1]
"""


def test_python_operators_give_the_expected_lines():
    assert _lines(mutants(PY_LABEL, "python")) == [
        ("negate-condition", 2, "    if not (n > 3):"),
        ("off-by-one", 2, "    if n >= 3:"),
        ("off-by-one", 2, "    if n > 4:"),
        ("swap-return-constant", 3, '        return ""'),
        ("drop-statement", 4, "    pass"),
        ("off-by-one", 5, "    return names[n - 2]"),
    ]
    m = mutants(PY_LABEL, "python")[0]
    assert m.description == "negate-condition line 2: `n > 3` -> `not (n > 3)`"
    assert mutants(PY_LABEL, "python")[4].description == "drop-statement line 4: `record(n)` removed"


def test_python_loops_ternaries_returns_and_none_by_annotation():
    code = (
        "def f(n) -> int | None:\n"
        "    while n <= 0:\n"
        "        n += 2\n"
        "    x = 1 if n else 0\n"
        "    if x:\n"
        "        return None\n"
        "    return True\n"
        "def g():\n"
        "    return None\n"
    )
    got = _lines(mutants(code, "python"))
    assert ("negate-condition", 2, "    while not (n <= 0):") in got
    assert ("off-by-one", 2, "    while n < 0:") in got
    assert ("off-by-one", 2, "    while n <= 1:") in got
    assert ("drop-statement", 3, "        pass") in got
    assert ("negate-condition", 4, "    x = 1 if not (n) else 0") in got
    assert ("swap-return-constant", 6, "        return 0") in got  # int | None: a non-None int
    assert ("swap-return-constant", 7, "    return False") in got
    assert not [g for g in got if g[1] == 9], "no annotation: None is left alone"


JAVA_LABEL = """public class Label {
    static int calls;
    public static String label(int n, String[] names) {
        if (n > 3) {
            return "big";
        }
        calls++;
        return names[n - 1];
    }
}
"""


def test_java_operators_give_the_expected_lines():
    assert _lines(mutants(JAVA_LABEL, "java")) == [
        ("negate-condition", 4, "        if (!(n > 3)) {"),
        ("off-by-one", 4, "        if (n >= 3) {"),
        ("off-by-one", 4, "        if (n > 4) {"),
        ("swap-return-constant", 5, '            return "";'),
        ("drop-statement", 7, "        ;"),
        ("off-by-one", 8, "        return names[n - 2];"),
    ]


def test_java_loops_ternaries_typed_nulls_and_assignments_javac_needs():
    code = """class A {
    private final int k;
    A(int k) { this.k = k; }
    static Integer f(int n) {
        int z;
        z = n;
        for (int i = 0; i < n; i++) { n = n - 1; }
        int y = z >= 2 ? 1 : 0;
        if (y == 1) return null;
        return -1;
    }
    static long g() { return 5L; }
}
"""
    got = _lines(mutants(code, "java"))
    assert ("negate-condition", 7, "        for (int i = 0; !(i < n); i++) { n = n - 1; }") in got
    assert ("drop-statement", 7, "        for (int i = 0; i < n; i++) { ; }") in got
    assert ("negate-condition", 8, "        int y = !(z >= 2) ? 1 : 0;") in got
    assert ("swap-return-constant", 9, "        if (y == 1) return 0;") in got  # Integer: a non-null Integer
    assert ("swap-return-constant", 10, "        return 0;") in got  # -1 -> 0
    assert ("swap-return-constant", 12, "    static long g() { return 6L; }") in got
    assert not [g for g in got if g[1] in (3, 6)], "final fields and unset locals stay assigned"


def test_every_mutant_parses_and_sampling_is_seeded_and_spread_over_operators():
    for code, lang in ((PY_LABEL, "python"), (JAVA_LABEL, "java")):
        every = mutants(code, lang, limit=100)
        assert all(first_error(m.code, lang) is None and m.code != code for m in every)
        assert len({m.code for m in every}) == len(every)
        four = mutants(code, lang, limit=4, seed=7)
        assert four == mutants(code, lang, limit=4, seed=7)
        assert sorted(m.operator for m in four) == sorted(OPERATORS)
        assert all(m in every for m in four)
    samples = {tuple(m.description for m in mutants(JAVA_LABEL, "java", limit=4, seed=s)) for s in range(10)}
    assert len(samples) > 1, "the seed chooses among the off-by-one mutants"


def test_bad_input_is_a_user_error():
    with pytest.raises(UserError, match="kotlin"):
        mutants("fun f() = 1", "kotlin")
    with pytest.raises(UserError, match="does not parse"):
        mutants("def f(:\n", "python")
    with pytest.raises(UserError, match="limit"):
        mutants(PY_LABEL, "python", limit=0)


# --- kill scores: Python ------------------------------------------------------------------------

COUNT_ABOVE = """def count_above(xs, limit):
    if not xs:
        return 0
    total = 0
    for x in xs:
        if x > limit:
            total += 1
    return total
"""
# its 6 mutants: not (not xs); return 1; drop total = 0; not (x > limit); x >= limit; drop total += 1
STRONG = """from solution import count_above

def test_empty():
    assert count_above([], 5) == 0

def test_boundary():
    assert count_above([1, 5, 6, 9, 10], 5) == 3
"""
WEAK = """from solution import count_above

def test_runs():
    count_above([1, 2], 0)
"""


def test_a_strong_python_suite_kills_every_mutant(tmp_path):
    assert [m.operator for m in mutants(COUNT_ABOVE, "python")] == [
        "negate-condition",
        "swap-return-constant",
        "drop-statement",
        "negate-condition",
        "off-by-one",
        "drop-statement",
    ]
    s = kill_score(STRONG, COUNT_ABOVE, "python", workdir=tmp_path)
    assert (s.compiles, s.passes, s.mutants, s.killed, s.score, s.survivors, s.dropped) == (
        True,
        True,
        6,
        6,
        1.0,
        (),
        0,
    )


def test_a_weak_python_suite_kills_only_the_mutant_that_raises(tmp_path):
    s = kill_score(WEAK, COUNT_ABOVE, "python", workdir=tmp_path)
    # only dropping `total = 0` raises (UnboundLocalError): 1 of 6
    assert (s.compiles, s.passes, s.mutants, s.killed) == (True, True, 6, 1)
    assert s.score == pytest.approx(1 / 6)
    assert s.survivors[0] == "negate-condition line 2: `not xs` -> `not (not xs)`"
    assert len(s.survivors) == mutation.MAX_SURVIVORS


def test_tests_that_fail_on_the_real_code_score_zero(tmp_path):
    failing = "from solution import count_above\n\ndef test_wrong():\n    assert count_above([9], 5) == 2\n"
    s = kill_score(failing, COUNT_ABOVE, "python", workdir=tmp_path)
    assert (s.compiles, s.passes, s.mutants, s.killed, s.score) == (True, False, 0, 0, 0.0)
    assert "test_wrong" in s.error


def test_tests_that_do_not_compile_score_zero(tmp_path):
    broken = "from solution import count_above\n\ndef test_broken(:\n    assert count_above([], 1) == 0\n"
    s = kill_score(broken, COUNT_ABOVE, "python", workdir=tmp_path)
    assert (s.compiles, s.passes, s.mutants, s.score) == (False, False, 0, 0.0)
    assert s.error.startswith("the tests do not compile")


def test_module_name_comes_from_the_context(tmp_path):
    tests = STRONG.replace("from solution import", "from counting import")
    s = kill_score(tests, COUNT_ABOVE, "python", context={"module": "counting"}, workdir=tmp_path, limit=2)
    assert (s.passes, s.mutants, s.killed, s.score) == (True, 2, 2, 1.0)


def test_an_infinite_loop_mutant_is_killed_within_the_time_limit(tmp_path):
    digits = (
        "def digits(n):\n    count = 1\n    while n >= 10:\n        n //= 10\n        count += 1\n    return count\n"
    )
    tests = "from solution import digits\n\ndef test_one():\n    assert digits(7) == 1\n"
    loop = next(m for m in mutants(digits, "python") if m.operator == "negate-condition")
    assert loop.code.splitlines()[2] == "    while not (n >= 10):"  # digits(7): 7 // 10 = 0 < 10 forever
    start = time.monotonic()
    s = kill_score(tests, digits, "python", workdir=tmp_path, timeout_s=3)
    assert time.monotonic() - start < 60
    assert s.passes and s.killed >= 1
    assert "negate-condition line 3" not in " ".join(s.survivors)


# --- kill scores: Java --------------------------------------------------------------------------

DIGITS = """public class Digits {
    public static int count(int n) {
        if (n < 0) {
            return count(-n);
        }
        int c = 1;
        while (n >= 10) {
            n = n / 10;
            c++;
        }
        return c;
    }

    public static int firstEven(int[] xs) {
        int i = 0;
        while (true) {
            if (xs[i] % 2 == 0) return xs[i];
            i++;
        }
    }
}
"""
DIGITS_TESTS = """import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;

public class DigitsTest {
    @Test void zero() { assertEquals(1, Digits.count(0)); }
    @Test void one() { assertEquals(1, Digits.count(7)); }
    @Test void two() { assertEquals(2, Digits.count(10)); }
    @Test void negative() { assertEquals(3, Digits.count(-123)); }
    @Test void even() { assertEquals(4, Digits.firstEven(new int[] {1, 3, 4, 6})); }
}
"""


@needs_java
def test_a_strong_junit_suite_kills_every_mutant_that_compiles(tmp_path):
    found = mutants(DIGITS, "java")
    assert len(found) == 13
    s = kill_score(DIGITS_TESTS, DIGITS, "java", workdir=tmp_path)
    # `while (!(true))` makes the rest unreachable: javac refuses it, so it is dropped, not counted.
    # The other 12 die: wrong counts, StackOverflowError (n <= 0 recurses on 0), and timeouts (a negated
    # or never-shrinking loop)
    assert (s.compiles, s.passes, s.mutants, s.killed, s.dropped, s.score) == (True, True, 12, 12, 1, 1.0)
    assert s.seconds < 60


@needs_java
def test_a_junit_suite_missing_the_boundaries_leaves_those_mutants(tmp_path):
    tests = DIGITS_TESTS.replace("    @Test void zero() { assertEquals(1, Digits.count(0)); }\n", "")
    s = kill_score(tests, DIGITS, "java", workdir=tmp_path)
    # without count(0): n <= 0 and n < 1 behave the same on every other input tried
    assert (s.mutants, s.killed) == (12, 10)
    assert s.survivors == ("off-by-one line 3: `<` -> `<=`", "off-by-one line 3: `0` -> `1`")


@needs_java
def test_java_mutants_run_one_by_one_when_the_shared_run_cannot_be_used(tmp_path, monkeypatch):
    monkeypatch.setattr(mutation, "_java_batch", lambda *a, **k: {})
    s = kill_score(DIGITS_TESTS, DIGITS, "java", workdir=tmp_path, limit=3, timeout_s=2)
    # the same verdicts as the shared run: every mutant that compiles is killed
    assert (s.compiles, s.passes, s.mutants + s.dropped, s.killed, s.score) == (True, True, 3, s.mutants, 1.0)


@needs_java
def test_java_tests_that_do_not_compile_or_fail_score_zero(tmp_path):
    broken = DIGITS_TESTS.replace("Digits.count(7)", "Digits.cout(7)")
    s = kill_score(broken, DIGITS, "java", workdir=tmp_path)
    assert (s.compiles, s.passes, s.score) == (False, False, 0.0)
    assert s.error.startswith("the tests do not compile: line 6")
    wrong = DIGITS_TESTS.replace("assertEquals(2, Digits.count(10))", "assertEquals(3, Digits.count(10))")
    s = kill_score(wrong, DIGITS, "java", workdir=tmp_path)
    assert (s.compiles, s.passes, s.mutants, s.score) == (True, False, 0, 0.0)
    assert "two()" in s.error
