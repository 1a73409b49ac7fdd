"""The code ladder on real tools: py_compile and pytest, javac and JUnit 5's console launcher."""

from __future__ import annotations

import shutil

import pytest

from minions.errors import UserError
from minions.evaluation import ladder as ladder_module
from minions.evaluation.ladder import JUNIT_CONSOLE, CompileResult, Rungs, compile_java_batch, ladder
from minions.evaluation.sandbox import Limits, RunResult

needs_java = pytest.mark.skipif(shutil.which("javac") is None or shutil.which("java") is None, reason="no JDK")
needs_junit = pytest.mark.skipif(not JUNIT_CONSOLE.exists(), reason="no JUnit 5 console launcher")

ADD = "def add(a, b):\n    return a + b\n"
ADD_TESTS = "from solution import add\n\ndef test_add():\n    assert add(2, 3) == 5\n"


def test_highest_is_the_last_true_rung_in_order():
    assert Rungs("python", parses=False).highest == "none"
    assert Rungs("python", parses=True, compiles=False).highest == "parses"
    assert Rungs("python", parses=True, compiles=True, tests_pass=False).highest == "compiles"
    assert Rungs("python", parses=True, compiles=True, tests_pass=True).highest == "tests_pass"
    assert Rungs("java", parses=True, compiles=None, tests_pass=None).highest == "parses"


def test_python_passing(tmp_path):
    r = ladder(ADD, "python", tests=ADD_TESTS, workdir=tmp_path)
    assert (r.parses, r.compiles, r.tests_pass, r.error, r.highest) == (True, True, True, None, "tests_pass")


def test_python_bad_syntax_stops_at_the_first_rung(tmp_path):
    r = ladder("def add(a, b)\n    return a +\n", "python", tests=ADD_TESTS, workdir=tmp_path)
    assert (r.parses, r.compiles, r.tests_pass, r.highest) == (False, None, None, "none")
    assert r.error.startswith("line 1")


def test_python_that_parses_but_does_not_compile(tmp_path):
    # tree-sitter takes a return outside a function; the compiler does not
    r = ladder("x = 1\nreturn x\n", "python", workdir=tmp_path)
    assert (r.parses, r.compiles, r.highest) == (True, False, "parses")
    assert r.error == "line 2: 'return' outside function" or "'return' outside function" in r.error
    assert "/" not in r.error, "no machine paths in the error"


def test_python_compiles_but_tests_fail(tmp_path):
    r = ladder("def add(a, b):\n    return a - b\n", "python", tests=ADD_TESTS, workdir=tmp_path)
    assert (r.compiles, r.tests_pass, r.highest) == (True, False, "compiles")
    assert r.error.startswith("FAILED test_solution.py::test_add") and "assert -1 == 5" in r.error


def test_python_module_name_and_context_files(tmp_path):
    code = "from helper import TWO\n\ndef double(x):\n    return x * TWO\n"
    tests = "from calc import double\n\ndef test_double():\n    assert double(4) == 8\n"
    ctx = {"module": "calc", "files": {"helper.py": "TWO = 2\n"}}
    assert ladder(code, "python", tests=tests, context=ctx, workdir=tmp_path).tests_pass is True


def test_python_tests_that_hang_are_a_failed_sample(tmp_path):
    code = "def add(a, b):\n    while True:\n        pass\n"
    limits = Limits(cpu_seconds=2, memory_mb=1024, processes=64, wall_seconds=20)
    r = ladder(code, "python", tests=ADD_TESTS, workdir=tmp_path, limits=limits)
    assert r.tests_pass is False and r.error == "tests killed (cpu limit)"


def test_kotlin_is_parse_only(tmp_path):
    r = ladder("fun add(a: Int, b: Int) = a + b\n", "kotlin", workdir=tmp_path)
    assert (r.parses, r.compiles, r.tests_pass, r.highest) == (True, None, None, "parses")
    assert "parse only" in r.reasons["compiles"]
    assert ladder("fun add(a: Int, b: Int = a +\n", "kotlin", workdir=tmp_path).parses is False


def test_an_unknown_language_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no ladder for language 'cobol'"):
        ladder("x", "cobol", workdir=tmp_path)


CALC = "package demo;\n\npublic class Calc {\n    public int add(int a, int b) {\n        return a + b;\n    }\n}\n"
CALC_TEST = """package demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CalcTest {
    @Test
    void adds() {
        assertEquals(5, new Calc().add(2, 3));
    }
}
"""


@needs_java
def test_java_good(tmp_path):
    r = ladder(CALC, "java", workdir=tmp_path)
    assert (r.parses, r.compiles, r.unresolved, r.error, r.highest) == (True, True, (), None, "compiles")
    assert r.reasons["tests_pass"] == "no tests given"


@needs_java
def test_java_syntax_error(tmp_path):
    r = ladder(CALC.replace("a + b;", "a + b"), "java", workdir=tmp_path)
    assert (r.parses, r.compiles, r.highest) == (False, None, "none")


@needs_java
def test_java_type_error_fails_to_compile(tmp_path):
    r = ladder(CALC.replace("return a + b;", 'return "a" + b;'), "java", workdir=tmp_path)
    assert (r.parses, r.compiles, r.unresolved, r.highest) == (True, False, (), "parses")
    assert r.error == "line 5: incompatible types: String cannot be converted to int"


@needs_java
def test_java_missing_third_party_import_is_unresolved_not_a_compile_error(tmp_path):
    code = """package demo;

import org.apache.commons.text.StringEscapeUtils;
import com.acme.shop.Order;

public class Esc {
    public String quote(Order order) {
        return StringEscapeUtils.escapeJava(order.toString());
    }
}
"""
    r = ladder(code, "java", workdir=tmp_path)
    assert (r.parses, r.compiles, r.error, r.highest) == (True, None, None, "parses")
    assert r.unresolved == ("Order", "StringEscapeUtils", "com.acme.shop", "org.apache.commons.text")
    assert r.reasons["compiles"] == "missing third-party names"


@needs_java
def test_java_missing_import_beside_a_real_error_is_a_compile_error(tmp_path):
    code = "package demo;\n\nimport com.acme.Thing;\n\npublic class A {\n    Thing t;\n"
    code += "    int f() { return undefinedName; }\n}\n"
    r = ladder(code, "java", workdir=tmp_path)
    assert r.compiles is False and r.error == "line 7: cannot find symbol (variable undefinedName)"
    assert r.unresolved == ("Thing", "com.acme")


@needs_java
def test_a_misspelt_jdk_class_is_a_compile_error(tmp_path):
    code = "import java.util.Lisst;\n\npublic class A {\n    Lisst<String> xs;\n}\n"
    r = ladder(code, "java", workdir=tmp_path)
    assert r.compiles is False and r.unresolved == ()


@needs_java
@needs_junit
def test_java_junit_test_passing(tmp_path):
    r = ladder(CALC, "java", tests=CALC_TEST, workdir=tmp_path)
    assert (r.compiles, r.tests_pass, r.error, r.highest) == (True, True, None, "tests_pass")


@needs_java
@needs_junit
def test_java_junit_test_failing(tmp_path):
    r = ladder(CALC.replace("a + b", "a - b"), "java", tests=CALC_TEST, workdir=tmp_path)
    assert (r.compiles, r.tests_pass, r.highest) == (True, False, "compiles")
    assert r.error == "org.opentest4j.AssertionFailedError: expected: <5> but was: <-1>"


@needs_java
@needs_junit
def test_java_tests_that_do_not_compile_against_the_code_fail(tmp_path):
    r = ladder(CALC.replace("add(", "plus("), "java", tests=CALC_TEST, workdir=tmp_path)
    assert r.compiles is True and r.tests_pass is False
    assert r.error.startswith("tests do not compile: line 10: cannot find symbol")


@needs_java
def test_a_batch_of_five_with_one_broken(tmp_path):
    # two sources share a class name and package: each gets a package of its own, so no clash
    sources = {
        "a": CALC,
        "b": CALC.replace("a + b", "a * b"),
        "c": "public class Util {\n    static int one() { return 1; }\n}\n",
        "d": "public class Util {\n    static int two() {\n        return true;\n    }\n}\n",
        "e": 'import java.util.List;\n\npublic class Names {\n    List<String> names = List.of("x");\n}\n',
    }
    got = compile_java_batch(sources, workdir=tmp_path)
    assert {k: v.compiles for k, v in got.items()} == {"a": True, "b": True, "c": True, "d": False, "e": True}
    assert got["d"] == CompileResult(False, "line 3: incompatible types: boolean cannot be converted to int", ())


@needs_java
def test_a_batch_keeps_unresolved_apart_and_errors_in_every_file(tmp_path):
    sources = {
        "syntax": "public class S {\n    int f( { }\n}\n",
        "flow": "public class F {\n    int f() {\n    }\n}\n",
        "lib": "import org.springframework.stereotype.Service;\n\n@Service\npublic class L {\n}\n",
    }
    got = compile_java_batch(sources, workdir=tmp_path)
    assert got["syntax"].compiles is False
    # a flow error is still reported although another file failed to parse
    assert got["flow"] == CompileResult(False, "line 3: missing return statement", ())
    assert got["lib"] == CompileResult(None, None, ("Service", "org.springframework.stereotype"))


@needs_java
def test_a_batch_error_that_cannot_be_attributed_falls_back_to_one_run_per_source(tmp_path, monkeypatch):
    real, calls = ladder_module._javac, []

    def javac(rels, scratch, classpath=None):
        calls.append(rels)
        if len(calls) == 1:  # the batch run: an error naming no file
            return RunResult(1, "", "error: something went wrong\n1 error\n", False, None, 0.1)
        return real(rels, scratch, classpath)

    monkeypatch.setattr(ladder_module, "_javac", javac)
    got = compile_java_batch({"ok": CALC, "bad": CALC.replace("int a,", "int a")}, workdir=tmp_path)
    assert len(calls) == 3 and [len(c) for c in calls] == [2, 1, 1]
    assert got["ok"] == CompileResult(True) and got["bad"].compiles is False
