"""write-test: the output is a runnable test (imports, fields, set-up, one test), checked by compiling and
running it: Java with javac and JUnit 5's console launcher, Python with pytest; Kotlin and TypeScript parse."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from minions.parsing import parse_files
from minions.parsing.languages import LANGUAGES
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from minions.tasks.write_test import WORDINGS

FIXTURES = Path(__file__).parent / "fixtures" / "write_test"
JUNIT = Path("/usr/share/java/junit-platform-console-standalone.jar")


def _files(folder: Path, lang: str) -> list[SourceFile]:
    return [
        SourceFile.from_raw("demo", "c", p.relative_to(folder).as_posix(), p.read_text(), lang)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    ]


def _records(files: list[SourceFile], options: TaskOptions = TaskOptions()):
    units = parse_files(files).units
    records, rejected = run_tasks(units, ["write-test"], options)
    return units, records, rejected


def _by_test(units, records):
    name = {u.id: u.name for u in units}
    return {name[r.unit_ids[1]]: r for r in records}


def test_wordings_ask_for_a_runnable_test_in_both_languages():
    assert [len(WORDINGS[k]) for k in ("en", "zh")] == [3, 3]
    assert all("{framework}" in text and "{name}" in text for k in WORDINGS for _, text in WORDINGS[k])
    assert all("runnable" in t or "runs as it stands" in t or "compiles" in t for _, t in WORDINGS["en"])


JAVA_ADD = """package demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Calculator")
class CalculatorTest {
    private static final int BASE = 10;

    private Calculator calculator;

    @BeforeEach
    void setUp() {
        calculator = new Calculator();
    }

    @Test
    void add() {
        assertEquals(BASE + 5, calculator.add(BASE, 5));
        assertEquals(15, calculator.last());
    }
}"""


def test_java_output_is_the_test_file_reduced_to_one_test():
    units, records, rejected = _records(_files(FIXTURES / "java", "java"))
    assert rejected == []
    by = _by_test(units, records)
    assert set(by) == {"add", "subtract"}
    add = by["add"]
    assert add.output == JAVA_ADD, "the other test, its helper and the imports only they use are dropped"
    sub = by["subtract"].output
    assert "private List<Integer> numbers()" in sub and "import java.util.List;" in sub, "a called helper stays"
    assert sub.endswith("\n}\n\n/** Numbers the tests share. */\nclass Offsets {\n    static final int BIG = 100;\n}")
    assert "class Offsets" not in add.output, "a top-level class of the file stays only where the test names it"
    assert "assertEquals" not in sub and "void add()" not in sub and "/** Subtracting goes below zero. */" in sub
    assert "JUnit 5" in add.instruction and add.template_id.startswith("write-test/en/")
    assert add.input == (
        "Class under test:\n```\nclass demo.Calculator\n- fields: last:int\n"
        "- methods: add(int, int): int, subtract(int, int): int, last(): int\n```\n"
        "Code under test (src/main/java/demo/Calculator.java):\n"
        "```java\npublic int add(int a, int b) {\n    last = a + b;\n    return last;\n}\n```\n"
        "Test file: src/test/java/demo/CalculatorTest.java"
    ), "no test class outline: the output carries the fields and set-up"
    assert add.source.path == "src/test/java/demo/CalculatorTest.java" and add.focal_class == "Calculator"


def test_java_outputs_compile_and_pass_with_junit5(tmp_path):
    javac = shutil.which("javac")
    if javac is None or shutil.which("java") is None:
        pytest.fail("javac/java are missing: install a JDK (17) to check that write-test outputs compile")
    if not JUNIT.is_file():
        pytest.fail(f"{JUNIT} is missing: run `make install` (scripts/install-test-deps.sh installs Debian's junit5)")
    _, records, _ = _records(_files(FIXTURES / "java", "java"))
    assert len(records) == 2
    focal = (FIXTURES / "java" / "src/main/java/demo/Calculator.java").read_text()
    for i, r in enumerate(records):
        work = tmp_path / str(i)
        (work / "src" / "demo").mkdir(parents=True)
        (work / "src" / "demo" / "Calculator.java").write_text(focal)
        (work / "src" / "demo" / "CalculatorTest.java").write_text(r.output)
        built = subprocess.run(
            [javac, "-d", str(work / "out"), "-cp", str(JUNIT), *map(str, (work / "src" / "demo").glob("*.java"))],
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0, f"output {i} does not compile:\n{built.stderr}\n{r.output}"
        ran = subprocess.run(
            ["java", "-jar", str(JUNIT), "--disable-banner", "--details=summary"]
            + ["--class-path", str(work / "out"), "--select-class", "demo.CalculatorTest"],
            capture_output=True,
            text=True,
        )
        found = re.search(r"(\d+) tests found", ran.stdout)
        passed = re.search(r"(\d+) tests successful", ran.stdout)
        assert ran.returncode == 0 and found and passed, f"output {i} fails:\n{ran.stdout}\n{ran.stderr}"
        assert (found.group(1), passed.group(1)) == ("1", "1"), ran.stdout


def test_python_outputs_pass_with_pytest(tmp_path):
    units, records, rejected = _records(_files(FIXTURES / "python", "python"))
    assert rejected == []
    by = _by_test(units, records)
    assert set(by) == {"test_names", "test_total", "test_take", "test_take_too_many"}
    assert by["test_names"].output == (
        "import pytest\nfrom inventory import Stock, names, total\n\n\n"
        "@pytest.fixture\ndef stock():\n    return Stock()\n\n\n"
        'def test_names(stock):\n    stock.put("pear", 1)\n    assert names(stock) == ["pear"]'
    ), "the fixture it asks for stays; the unused helper, constant, docstring and import go"
    total = by["test_total"].output
    assert "def filled(stock, *names):" in total and "START = 5" in total, "a called helper and what it uses stay"
    take = by["test_take"].output
    assert "class TestStock(unittest.TestCase):" in take and "def setUp(self):" in take
    assert "test_take_too_many" not in take and "import pytest" not in take and "def stock" not in take
    assert "unittest" in by["test_take"].instruction and "pytest" in by["test_names"].instruction
    module = (FIXTURES / "python" / "inventory.py").read_text()
    written = []
    for i, r in enumerate(records):  # each output beside its own copy of the module; one pytest run for all
        (tmp_path / str(i)).mkdir()
        (tmp_path / str(i) / "inventory.py").write_text(module)
        (tmp_path / str(i) / f"test_written_{i}.py").write_text(r.output + "\n")
        written.append(f"{i}/test_written_{i}.py")
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *written],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    passed = re.findall(r"^(\d+)/test_written_\d+\.py::\S+ PASSED", ran.stdout, re.M)
    assert ran.returncode == 0 and sorted(passed) == [str(i) for i in range(len(records))], ran.stdout + ran.stderr


KOTLIN_SRC = """package com.shop

class Calc {
    fun add(a: Int, b: Int): Int = a + b

    fun sub(a: Int, b: Int): Int {
        return a - b
    }
}
"""
KOTLIN_TEST = """package com.shop

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest

class CalcTest {
    private lateinit var calc: Calc

    @BeforeEach
    fun setUp() {
        calc = Calc()
    }

    @Test
    fun add() {
        assertEquals(2, calc.add(1, 1))
    }

    @ParameterizedTest
    fun sub() {
        assertEquals(0, calc.sub(one(), 1))
    }

    private fun one() = 1
}
"""


def _tests_in(code: str, lang: str) -> int:
    tree = LANGUAGES[lang].parser().parse(code.encode())
    assert not tree.root_node.has_error
    if lang == "kotlin":
        return len(re.findall(r"@(Test|ParameterizedTest)\b", code))
    return len(re.findall(r"^\s*(it|test)\(", code, re.M))


def test_kotlin_output_parses_with_one_test_its_hook_and_imports():
    files = [
        SourceFile.from_raw("r", "c", "src/main/kotlin/com/shop/Calc.kt", KOTLIN_SRC, "kotlin"),
        SourceFile.from_raw("r", "c", "src/test/kotlin/com/shop/CalcTest.kt", KOTLIN_TEST, "kotlin"),
    ]
    units, records, rejected = _records(files)
    by = _by_test(units, records)
    assert set(by) == {"add", "sub"} and rejected == []
    add, sub = by["add"].output, by["sub"].output
    assert _tests_in(add, "kotlin") == _tests_in(sub, "kotlin") == 1
    assert add.startswith("package com.shop\n\nimport org.junit.jupiter.api.Assertions.assertEquals\n")
    assert "@BeforeEach\n    fun setUp() {" in add and "fun sub()" not in add and "fun one()" not in add
    assert "import org.junit.jupiter.params.ParameterizedTest" not in add, "an import only the other test uses goes"
    assert "private fun one() = 1" in sub and "import org.junit.jupiter.api.Test\n" not in sub
    assert "import org.junit.jupiter.params.ParameterizedTest" in sub and "lateinit var calc" in sub


TS_SRC = """export function add(a: number, b: number): number {
  return a + b;
}
"""
TS_TEST = """import { add } from "./calc";
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { reset } from "./store";

function twice(n: number): number {
  return add(n, n);
}

describe("calc", () => {
  let x: number;

  beforeEach(() => {
    x = 1;
  });

  it("adds", () => {
    expect(add(x, 1)).toBe(2);
  });

  describe("twice", () => {
    afterEach(() => reset());

    test("doubles", () => {
      expect(twice(add(x, 0))).toBe(2);
    });
  });
});
"""

TS_ADDS = """import { add } from "./calc";
import { describe, it, expect, beforeEach, afterEach } from "vitest";

function twice(n: number): number {
  return add(n, n);
}

describe("calc", () => {
  let x: number;

  beforeEach(() => {
    x = 1;
  });

  it("adds", () => {
    expect(add(x, 1)).toBe(2);
  });
});"""


def test_typescript_output_keeps_the_describe_chain_and_its_hooks():
    files = [
        SourceFile.from_raw("r", "c", "src/calc.ts", TS_SRC, "typescript"),
        SourceFile.from_raw("r", "c", "src/calc.test.ts", TS_TEST, "typescript"),
    ]
    units, records, rejected = _records(files)
    by = _by_test(units, records)
    assert set(by) == {"adds", "doubles"} and rejected == []
    assert by["adds"].output == TS_ADDS, "the other describe block and the import only it uses go"
    doubles = by["doubles"].output
    assert _tests_in(doubles, "typescript") == 1 and 'it("adds"' not in doubles
    assert "beforeEach(() => {\n    x = 1;" in doubles and "afterEach(() => reset());" in doubles
    assert 'import { reset } from "./store";' in doubles and "function twice" in doubles
    assert "Vitest" in by["adds"].instruction


def test_refusals_carry_their_reason():
    go_src = "package shop\n\nfunc Total(a int) int {\n\treturn a\n}\n"
    go_test = (
        'package shop\n\nimport "testing"\n\n'
        "func TestTotal(t *testing.T) {\n\tif Total(1) != 1 {\n\t\tt.Fail()\n\t}\n}\n"
    )

    files = [
        SourceFile.from_raw("r", "c", "shop/total.go", go_src, "go"),
        SourceFile.from_raw("r", "c", "shop/total_test.go", go_test, "go"),
    ]
    units, records, rejected = _records(files)
    assert records == [] and [(r.task, r.stage, r.reason) for r in rejected] == [
        ("write-test", "tasks", "language go not supported")
    ]
    units = parse_files(_files(FIXTURES / "java", "java")).units
    without_focal = [u for u in units if not (u.kind == "method" and u.name == "add")]
    records, rejected = run_tasks(without_focal, ["write-test"], TaskOptions())
    assert [r.reason for r in rejected] == ["focal unit not among the units"] and len(records) == 1


def test_records_are_deterministic_and_chinese_when_asked():
    files = _files(FIXTURES / "python", "python")
    a = [(r.id, r.output) for r in _records(files)[1]]
    b = [(r.id, r.output) for r in _records(files)[1]]
    assert a == b and len({i for i, _ in a}) == len(a)
    zh = _records(files, TaskOptions(zh_ratio=1.0))[1]
    assert all(r.instruction_lang == "zh" and "测试" in r.instruction for r in zh)
    assert [r.output for r in zh] == [o for _, o in a], "the wording changes the instruction, not the output"


def test_acme_shop_yields_runnable_tests():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    units = parse_files(files).units
    records, _ = run_tasks(units, ["write-test"], TaskOptions())
    assert records
    for r in records:
        assert r.output.count("@Test") + len(re.findall(r"^\s*(it|test)\(|^\s*def test", r.output, re.M)) == 1
        assert r.lang not in ("java", "kotlin") or r.output.startswith("package ")
