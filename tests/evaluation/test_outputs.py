"""Scores of generated outputs by task form, hand-checked, and the seeded sample across tasks."""

import pytest

from minions.evaluation.evaluate import sample_across_tasks
from minions.evaluation.outputs import compile_scores, reference, score_output, task_codebleu


def rec(task, output, lang="java", **kw):
    return {"id": f"{task}-{len(output)}", "task": task, "lang": lang, "instruction": "do it", "output": output, **kw}


def test_every_output_gets_text_scores_against_its_reference():
    r = rec("doc-generation", "/** Adds two numbers. */")
    s = score_output(r, "/** Adds two numbers. */")
    assert s == {"exact_match": 1.0, "edit_similarity": 1.0, "bleu": 1.0}
    s = score_output(r, "/** Adds two. */")
    # Levenshtein("/** Adds two numbers. */", "/** Adds two. */") = 8 deletions of " numbers" over 24 chars
    assert s["exact_match"] == 0.0 and s["edit_similarity"] == pytest.approx(1 - 8 / 24, abs=1e-4)
    assert 0 < s["bleu"] < 1


def test_code_outputs_are_parsed_as_files_or_members():
    method = "public int add(int a, int b) {\n    return a + b;\n}"
    assert score_output(rec("implement-method", method), method)["parses"] == 1.0
    assert (
        score_output(rec("implement-method", method), "public int add(int a, int b) {\n  return a +")["parses"] == 0.0
    )
    cls = "class A {\n    int x;\n}"
    assert score_output(rec("spring-service", cls), cls)["parses"] == 1.0
    assert score_output(rec("spring-service", cls), "class A {\n    int x = ;\n}")["parses"] == 0.0
    assert "parses" not in score_output(rec("code-completion", "a + b;"), "a + b;"), "fragments are not parsed"


def test_endpoint_tables_get_the_share_of_restful_rows():
    table = "| verb | path | request | response |\n|---|---|---|---|\n| GET | /api/posts/{id} | | Post |\n"
    r = rec("design-restful-api", table, lang=None)
    assert score_output(r, table)["rest_compliance"] == 1.0
    bad = table + "| POST | /api/createPost | Post | Post |\n"
    assert score_output(r, bad)["rest_compliance"] == 0.5, "one row of two breaks a rule (verb in path)"
    assert score_output(r, "no table at all")["rest_compliance"] == 0.0


def test_sql_outputs_are_parsed_and_checked_against_the_sql_rules():
    r = rec("text-to-sql", "SELECT id FROM posts WHERE id = #{id}", lang="sql")
    good = score_output(r, "SELECT id FROM posts WHERE id = #{id}")
    assert good["parses"] == 1.0 and good["sql_compliance"] == 1.0
    star = score_output(r, "SELECT * FROM posts")
    assert star["parses"] == 1.0 and star["sql_compliance"] == 0.0
    assert score_output(r, "SELEC FROM WHERE (")["parses"] == 0.0


def test_user_stories_get_their_structure_score():
    story = (
        "As a shopper, I want to save my cart so that I can buy later.\n\nAcceptance criteria:\n"
        "1. Given a cart with items, when I log out, then the items are kept.\n"
        "2. Given a saved cart, when I log in, then I see the items."
    )
    r = rec("user-story", story, lang=None)
    assert score_output(r, story)["story_structure"] == 1.0
    assert score_output(r, "Save the cart.")["story_structure"] < 0.5


def test_compile_scores_compile_python_and_java_files_and_know_what_they_cannot():
    records = [
        rec("write-test", "def test_a():\n    assert 1\n", lang="python"),
        rec("write-test", "def test_a(:\n", lang="python"),
        rec("spring-service", "public class A { int f() { return 1; } }"),
        rec("spring-service", 'public class B { int f() { return "x"; } }'),
        rec("implement-method", "int f() { return 1; }"),
        rec("doc-generation", "/** x */"),
    ]
    found = compile_scores(records, [r["output"] for r in records])
    assert [f.get("compiles") for f in found] == [1.0, 0.0, 1.0, 0.0, None, None]
    assert found[5] == {}, "not code: no compile rung"


def test_task_codebleu_is_one_for_identical_code_and_none_for_prose():
    records = [rec("implement-method", "int f() { return a + b; }"), rec("implement-method", "int g() { return 1; }")]
    assert task_codebleu(records, [r["output"] for r in records]) == 1.0
    assert task_codebleu(records, ["int f() { return b; }", "void h() {}"]) < 0.8
    assert task_codebleu([rec("user-story", "As a user", lang=None)], ["As a user"]) is None


def test_chat_records_give_their_assistant_turn_as_reference():
    r = {"task": "t", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    assert reference(r) == "a"


def test_a_short_sample_covers_every_task_and_is_seeded():
    records = [{"id": f"{t}{i}", "task": t} for t in ("a", "b", "c") for i in range(10)]
    picked = sample_across_tasks(records, 6, seed=1)
    assert sorted(r["task"] for r in picked) == ["a", "a", "b", "b", "c", "c"]
    assert picked == sample_across_tasks(records, 6, seed=1)
    assert picked != sample_across_tasks(records, 6, seed=2)
    assert sample_across_tasks(records, None) == records
    assert len(sample_across_tasks(records[:12], 11)) == 11, "a task with few records leaves room to the others"


# five mutants (negated condition, >= -> >, 100 -> 101, 10 -> 11, 0 -> 1): the boundary checks kill them all
CLAMP = "def discount(total):\n    if total >= 100:\n        return 10\n    return 0\n"
STRONG = (
    "from shop.util import discount\n\n\ndef test_discount():\n    assert discount(100) == 10\n"
    "    assert discount(99) == 0\n    assert discount(150) == 10\n"
)


def write_test_record(code=CLAMP, ref=STRONG):
    text = f"Code under test (shop/util.py):\n```python\n{code}```\nTest file: tests/test_util.py"
    return {"id": "w", "task": "write-test", "lang": "python", "instruction": "Write a test", "input": text,
            "output": ref}  # fmt: skip


def test_generated_python_tests_get_pass_and_mutation_kill_when_the_reference_runs():
    from minions.evaluation.outputs import generated_test_scores, runnable_test_case

    record = write_test_record()
    assert runnable_test_case(record) == ("python", CLAMP, {"module": "shop.util"})
    weak = "from shop.util import discount\n\n\ndef test_discount():\n    discount(5)\n"
    wrong = "from shop.util import discount\n\n\ndef test_discount():\n    assert discount(5) == 10\n"
    found = generated_test_scores([record], {"strong": [STRONG], "weak": [weak], "wrong": [wrong]})
    assert found["strong"][0] == {"test_passes": 1.0, "mutation_kill": 1.0}
    assert found["weak"][0] == {"test_passes": 1.0, "mutation_kill": 0.0}, "it asserts nothing: no mutant dies"
    assert found["wrong"][0] == {"test_passes": 0.0, "mutation_kill": 0.0}


def test_a_code_excerpt_its_reference_test_cannot_run_on_is_not_scored():
    from minions.evaluation.outputs import generated_test_scores, runnable_test_case

    partial = "def discount(total):\n    return _rate(total)\n"  # its helper is not in the record
    record = write_test_record(code=partial)
    assert runnable_test_case(record) is None
    assert generated_test_scores([record], {"base": [STRONG]}) == {"base": [{}]}
    assert runnable_test_case({**record, "task": "implement-method"}) is None


JAVA_OUTLINE = """class com.acme.shop.Pricing(int) : Comparable<Pricing>
- fields: base:int
- methods: discount(int): int, label(): String, equals(Object): boolean, hashCode(): int"""
JAVA_CODE = (
    "public static int discount(int total) {\n    if (total >= 100) {\n        return 10;\n    }\n    return 0;\n}"
)


def java_test(body):
    return (
        "package com.acme.shop;\n\nimport static org.junit.jupiter.api.Assertions.*;\n\n"
        "import org.junit.jupiter.api.Test;\n\n"
        f"class PricingTest {{\n    @Test\n    void discount() {{\n{body}    }}\n}}\n"
    )


STRONG_JAVA = java_test(
    "        assertEquals(10, Pricing.discount(100));\n        assertEquals(0, Pricing.discount(99));\n"
    "        assertEquals(10, new Pricing(1).discount(150));\n"
)


def java_write_test_record(code=JAVA_CODE, ref=STRONG_JAVA):
    text = (
        f"Class under test:\n```\n{JAVA_OUTLINE}\n```\nCode under test (src/main/java/com/acme/shop/Pricing.java):\n"
        f"```java\n{code}\n```\nTest file: src/test/java/com/acme/shop/PricingTest.java"
    )
    return {"id": "j", "task": "write-test", "lang": "java", "instruction": "Write a test", "input": text,
            "output": ref}  # fmt: skip


@pytest.mark.timeout(600)
def test_generated_java_tests_get_pass_and_mutation_kill_with_the_method_inside_a_stub_of_its_class():
    from minions.evaluation.outputs import generated_test_scores, runnable_test_case

    record = java_write_test_record()
    lang, code, context = runnable_test_case(record)
    assert (lang, context["class_name"]) == ("java", "Pricing") and code.startswith("package com.acme.shop;")
    first, last = context["mutate_lines"]
    assert code.splitlines()[first - 1 : last] == JAVA_CODE.splitlines(), "only the real method is mutated"
    weak = java_test("        Pricing.discount(5);\n")
    wrong = java_test("        assertEquals(10, Pricing.discount(5));\n")
    found = generated_test_scores([record], {"strong": [STRONG_JAVA], "weak": [weak], "wrong": [wrong], "none": [""]})
    assert found["strong"][0] == {"test_passes": 1.0, "mutation_kill": 1.0}
    assert found["weak"][0] == {"test_passes": 1.0, "mutation_kill": 0.0}, "it asserts nothing: no mutant dies"
    assert found["wrong"][0] == {"test_passes": 0.0, "mutation_kill": 0.0}
    assert found["none"][0] == {"test_passes": 0.0, "mutation_kill": 0.0}
    needs_helper = "public static int discount(int total) {\n    return label().length();\n}"
    assert runnable_test_case(java_write_test_record(code=needs_helper)) is None, "the stubbed helper returns null"


def impl_record(lang, test, ref, outline=None):
    parts = [f"File: src/{'util.py' if lang == 'python' else 'Pricing.java'}"]
    if outline:
        parts.append(f"Class outline:\n```\n{outline}\n```")
    parts.append(f"Test (tests/test_it):\n```{lang}\n{test}```")
    return {"id": "i", "task": "implement-from-test", "lang": lang, "instruction": "Implement it",
            "input": "\n".join(parts), "output": ref}  # fmt: skip


def test_implement_from_test_runs_the_records_test_on_each_generated_implementation_python():
    from minions.evaluation.outputs import generated_impl_scores, runnable_impl_case

    test = "from shop.util import discount\n\n\ndef test_discount():\n    assert discount(100) == 10\n"
    record = impl_record("python", test, CLAMP)
    assert runnable_impl_case(record)[2] == {"module": "shop.util"}
    wrong = "def discount(total):\n    return 0\n"
    found = generated_impl_scores([record], {"base": [wrong], "a": [CLAMP], "b": [""]})
    assert [found[m][0]["tests_pass"] for m in ("base", "a", "b")] == [0.0, 1.0, 0.0]


def test_implement_from_test_runs_the_records_test_on_each_generated_implementation_java():
    from minions.evaluation.outputs import generated_impl_scores, runnable_impl_case

    outline = "class com.acme.Pricing()\n- methods: discount(int): int, rate(): int"
    test = "@Test\nvoid discountAtHundred() {\n    assertEquals(10, Pricing.discount(100));\n}\n"
    ref = "public static int discount(int total) {\n    return total >= 100 ? 10 : 0;\n}"
    record = impl_record("java", test, ref, outline)
    assert runnable_impl_case(record)[0] == "java"
    wrong = "public static int discount(int total) {\n    return total > 100 ? 10 : 0;\n}"
    broken = "public static int discount(int total) {\n    return total >= 100 ? 10 : ;\n}"
    found = generated_impl_scores([record], {"base": [wrong], "a": [ref], "b": [broken]})
    assert [found[m][0]["tests_pass"] for m in ("base", "a", "b")] == [0.0, 1.0, 0.0]
    uses_helper = "public static int discount(int total) {\n    return rate();\n}"  # the reference needs no stub
    assert generated_impl_scores([record], {"x": [uses_helper]})["x"][0]["tests_pass"] == 0.0
    failing_ref = impl_record("java", test, "public static int discount(int total) {\n    return rate();\n}", outline)
    assert runnable_impl_case(failing_ref) is None, "a reference that needs the real helpers cannot be checked"


def test_review_an_empty_output_gets_no_parse_or_compile_credit():
    for task, lang in (("spring-service", "java"), ("write-test", "python"), ("implement-method", "java")):
        r = rec(task, "class A {}", lang=lang, input="")
        assert score_output(r, "   \n")["parses"] == 0.0, task
        assert compile_scores([r], [""]) == [{"compiles": 0.0, "unresolved": 0.0}], task


def test_review_a_chat_form_record_keeps_its_outline_and_test_blocks():
    from minions.models.templates import record_messages

    outline = "Class outline:\n```\nclass com.acme.Calc\n- fields: base:int\n- methods: add(int, int): int\n```\n"
    alpaca = rec("implement-method", "int add(int a, int b) { return a + b + base; }", input=outline)
    user = record_messages(alpaca)[1]["content"]
    as_read = {**alpaca, "instruction": user, "input": ""}  # what datasets.read makes of a chat record
    as_chat = {**alpaca, "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": "x"}]}
    for r in (alpaca, as_read, as_chat):
        assert compile_scores([r], [alpaca["output"]]) == [{"compiles": 1.0, "unresolved": 0.0}]


def test_review_a_delta_over_few_records_is_never_marked():
    from minions.evaluation.report import _rows

    models = {"base": {"eval_loss": 1.0, "bleu": 0.5}, "a": {"eval_loss": 0.8, "bleu": 0.2}}
    deltas = {"a": {"eval_loss": {"delta": -0.2, "low": -0.3, "high": -0.1, "n": 30},
                    "bleu": {"delta": -0.3, "low": -0.3, "high": -0.3, "n": 1}}}  # fmt: skip
    rows = {r["metric"]: r["cells"][0]["mark"] for r in _rows(models, deltas, ["a"])}
    assert rows == {"eval_loss": "better", "bleu": ""}
