import pytest

from minions.config import FiltersConfig
from minions.filters import apply_filters
from minions.filters.smells import Smells, code_smells, smells_in_tests

LONG_PARAMS = "public int f(int a, int b, int c, int d, int e, int g, int h, int i, int j) {\n    return a + b + c;\n}"
EMPTY_CATCH = "public void f() {\n    try {\n        g();\n    } catch (Exception e) {\n    }\n}"
COMMENTED_CATCH = EMPTY_CATCH.replace("e) {\n", "e) {\n        // ignored: g is optional\n")
COMMENTED_OUT = "public void f() {\n    // g(1);\n    // if (x) {\n    //     h();\n    // }\n    g(2);\n}"
PROSE_COMMENT = "public void f() {\n    // Calls g once (see the spec), then stops.\n    g(2);\n}"


def judge(record, **thresholds):
    s = Smells()
    return s.judge(s.stats(record), FiltersConfig(**thresholds))


@pytest.mark.parametrize(
    ("code", "lang", "figure", "value"),
    [
        (LONG_PARAMS, "java", "parameters_max", 9),
        ("fun f(a: Int, b: Int, c: Int) {\n    g()\n}", "kotlin", "parameters_max", 3),
        ("def f(self, a, b, *c, d=1, **e):\n    return a", "python", "parameters_max", 5),
        ("function f(a: number, b?: string): void {\n  g();\n}", "typescript", "parameters_max", 2),
        ("func f(a, b int, c string) {\n\tg()\n}", "go", "parameters_max", 3),
        (EMPTY_CATCH, "java", "empty_catches", 1),
        (COMMENTED_CATCH, "java", "empty_catches", 0),
        ("fun f() {\n    try {\n        g()\n    } catch (e: Exception) {\n    }\n}", "kotlin", "empty_catches", 1),
        ("def f():\n    try:\n        g()\n    except ValueError:\n        pass", "python", "empty_catches", 1),
        ("def f():\n    try:\n        g()\n    except ValueError:\n        log()", "python", "empty_catches", 0),
        ("function f(): void {\n  try {\n    g();\n  } catch (e) {}\n}", "typescript", "empty_catches", 1),
        (COMMENTED_OUT, "java", "commented_code_lines", 4),
        (PROSE_COMMENT, "java", "commented_code_lines", 0),
        ("def f():\n    # x = compute(1)\n    # TODO: fix this\n    return 2", "python", "commented_code_lines", 1),
        ("public void f() {\n    /** {@code g(1);} */\n    g(2);\n}", "java", "commented_code_lines", 0),
        # review findings on flask: prose with a parenthesis reads as a call, a comment opens an except block
        ("def f():\n    # Windows (prefix/lib/site-packages)\n    return 1", "python", "commented_code_lines", 0),
        ("def area(self):  # pylint: disable=invalid-name\n    return self.w", "python", "commented_code_lines", 0),
        ("def f():\n    # mypy: disable-error-code=attr-defined\n    return 1", "python", "commented_code_lines", 0),
        ("public void f() {\n    // e.g. map.put(k, v);\n    g();\n}", "java", "commented_code_lines", 0),
        ("public void f() {\n    // map.put(k, v);\n    g();\n}", "java", "commented_code_lines", 1),
        (
            "def f():\n    try:\n        g()\n    except E:\n        # keep it a string\n        pass",
            "python",
            "empty_catches",
            0,
        ),
    ],
)
def test_code_smell_figures(code, lang, figure, value):
    assert code_smells(code, lang, member=True)[figure] == value


def test_long_method_and_god_class_figures():
    body = "\n".join(f"        g({i});" for i in range(10))
    methods = "\n".join(f"    void m{i}() {{\n{body}\n    }}" for i in range(5))
    figures = code_smells(f"class A {{\n{methods}\n}}", "java", member=False)
    assert figures["method_lines_max"] == 12
    assert figures["class_methods_max"] == 5


@pytest.mark.parametrize(
    ("output", "thresholds", "reason"),
    [
        (LONG_PARAMS, {}, "code smell long-parameter-list: a method has 9 parameters (max 7)"),
        (EMPTY_CATCH, {}, "code smell empty-catch: 1 empty catch blocks (max 0)"),
        (COMMENTED_OUT, {}, "code smell commented-out-code: 4 lines of commented-out code (max 0)"),
        ("public int f() {\n" + "    g();\n" * 20 + "    return 1;\n}", {"max_method_lines": 10}, None),
    ],
)
def test_the_filter_names_the_smell_and_honours_thresholds(make_record, output, thresholds, reason):
    ok, why = judge(make_record(output), **thresholds)
    if reason is None:
        assert (ok, why) == (False, "code smell long-method: a method has 23 lines (max 10)")
    else:
        assert (ok, why) == (False, reason)


def test_thresholds_can_be_raised_or_turned_off(make_record):
    assert judge(make_record(LONG_PARAMS), max_parameters=9) == (True, "")
    assert judge(make_record(LONG_PARAMS), max_parameters=None) == (True, "")
    assert judge(make_record(EMPTY_CATCH), max_empty_catches=1) == (True, "")
    assert judge(make_record(COMMENTED_OUT), max_commented_code_lines=None) == (True, "")


def test_clean_code_and_outputs_that_are_not_code_pass(make_record):
    clean = "public int total(int a, int b) {\n    // the sum, never negative here\n    return a + b;\n}"
    assert judge(make_record(clean)) == (True, "")
    s = Smells()
    assert set(s.stats(make_record(EMPTY_CATCH, task="code-completion")).values()) == {-1.0}
    assert s.stats(make_record(EMPTY_CATCH))["tests"] == -1  # not a test output


JAVA_TESTS = """class OrderTest {
    @Test
    void asserts() {
        assertThat(total()).isEqualTo(3);
    }

    @Test
    void assertsNothing() {
        total();
    }

    @Test
    void empty() {
        // TODO
    }

    @Disabled
    @Test
    void disabled() {
        assertEquals(1, total());
    }

    @Test
    void sleeps() throws Exception {
        Thread.sleep(100);
        verify(repo).save(any());
    }

    @Test(expected = IllegalStateException.class)
    void throwsOld() {
        total();
    }
}"""


def test_test_smell_figures_java():
    assert smells_in_tests(JAVA_TESTS, "java", member=False) == {
        "tests": 6.0,
        "tests_without_assertion": 2.0,  # assertsNothing and empty
        "empty_tests": 1.0,
        "disabled_tests": 1.0,
        "sleeps": 1.0,
    }


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        (
            "class T {\n    @Test\n    fun a() {\n        total() shouldBe 3\n    }\n    @Test\n    fun b() {\n"
            '        mockMvc.get("/x").andExpect { status { isOk() } }\n    }\n    @Ignore\n    @Test\n'
            "    fun c() {\n        total()\n    }\n}",
            "kotlin",
            (3, 1, 0, 1, 0),
        ),
        (
            "import time\n\n\ndef test_a():\n    assert total() == 3\n\n\ndef test_b(mock):\n    total()\n"
            "    mock.assert_called_once()\n\n\n@pytest.mark.skip\ndef test_c():\n    pass\n\n\n"
            "def test_d():\n    time.sleep(1)\n    total()\n",
            "python",
            (4, 2, 1, 1, 1),
        ),
        (
            'describe("t", () => {\n  it("a", () => {\n    expect(total()).toBe(3);\n  });\n'
            '  it.skip("b", () => {\n    total();\n  });\n  test("c", () => {});\n});',
            "typescript",
            (3, 2, 1, 1, 0),
        ),
        (
            'package p\n\nfunc TestA(t *testing.T) {\n\tif total() != 3 {\n\t\tt.Errorf("bad")\n\t}\n}\n\n'
            "func TestB(t *testing.T) {\n\ttime.Sleep(time.Second)\n\trequire.Equal(t, 3, total())\n}\n\n"
            'func TestC(t *testing.T) {\n\tt.Skip("later")\n}\n',
            "go",
            (3, 1, 0, 1, 1),
        ),
    ],
)
def test_test_smell_figures_other_languages(code, lang, expected):
    f = smells_in_tests(code, lang, member=False)
    got = tuple(int(f[k]) for k in ("tests", "tests_without_assertion", "empty_tests", "disabled_tests", "sleeps"))
    assert got == expected


def test_test_smells_reject_only_test_outputs_and_only_listed_smells(make_record):
    no_assert = "@Test\nvoid t() {\n    total();\n}"
    assert judge(make_record(no_assert, task="controller-test")) == (
        False,
        "test smell no-assertion: a test asserts nothing",
    )
    assert judge(make_record(no_assert, task="implement-method")) == (True, "")  # not a test output
    assert judge(make_record(no_assert, task="controller-test"), test_smells=["sleep"]) == (True, "")
    sleeping = "@Test\nvoid t() throws Exception {\n    Thread.sleep(5);\n    assertTrue(ok());\n}"
    ok, why = judge(make_record(sleeping, task="controller-test"))
    assert not ok and why.startswith("test smell sleep: a test sleeps (1 sleep calls)")


def test_apply_filters_counts_smell_rejections(make_record):
    records = [make_record(LONG_PARAMS, i="1"), make_record("public int f() {\n    return 1 + 2;\n}", i="2")]
    kept, rejected = apply_filters(records, FiltersConfig())
    assert [r.id for r in kept] == ["r2"]
    assert [(x.id, x.stage) for x in rejected] == [("r1", "filter:smells")]


def test_a_function_nested_in_a_python_test_is_not_a_test():
    """Review finding on flask: `def testcmd()` inside a test is a click command, not a test of its own."""
    code = "def test_a(runner):\n    def testcmd():\n        echo()\n\n    assert runner.invoke(testcmd)\n"
    f = smells_in_tests(code, "python", member=False)
    assert (f["tests"], f["tests_without_assertion"]) == (1, 0)


def test_truths_expect_that_is_an_assertion():
    """Review finding on gson: `expect.that(x).isTrue()` (Truth's Expect rule) asserts."""
    code = "@Test\nvoid t() {\n    expect.that(json.isJsonNull()).isTrue();\n}"
    assert smells_in_tests(code, "java", member=True)["tests_without_assertion"] == 0
