import pytest

from minions.config import FiltersConfig
from minions.filters import apply_filters
from minions.filters.outputs import OUTPUT_FORMS
from minions.filters.syntax import Syntax, member_error, sql_parses
from minions.tasks import TASKS

METHOD = "public int total(int a, int b) {\n    int sum = a + b;\n    return sum;\n}"


def test_every_registered_task_declares_its_output_form():
    assert set(OUTPUT_FORMS) == set(TASKS)


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        (METHOD, "java"),
        ("fun total(a: Int, b: Int): Int {\n    return a + b\n}", "kotlin"),
        ("def total(self, a, b):\n    s = a + b\n    return s", "python"),
        ("constructor(readonly status: number) {\n  super();\n}", "typescript"),
        ("function total(a: number): number {\n  return a;\n}", "typescript"),
        ("func (s *S) Total(a int) int {\n\treturn a\n}", "go"),
    ],
)
def test_a_whole_member_parses(code, lang):
    assert member_error(code, lang) is None


@pytest.mark.parametrize(
    ("code", "lang", "line"),
    [
        (METHOD.rsplit("\n", 1)[0], "java", 3),  # truncated: the closing brace is missing
        ("fun total(a: Int): Int {\n    return (a +\n}", "kotlin", 2),
        ("def total(self, a):\n    return (a", "python", 2),
        ("func (s *S) Total(a int) int {\n\treturn a +\n}", "go", 2),
    ],
)
def test_a_truncated_or_broken_member_fails_with_its_line(code, lang, line):
    assert member_error(code, lang) == line


def test_the_filter_rejects_a_truncated_method_and_keeps_the_whole_one(make_record):
    broken = make_record(METHOD.rsplit("\n", 1)[0], i="2")
    kept, rejected = apply_filters([make_record(METHOD), broken], FiltersConfig())
    assert [r.id for r in kept] == ["r1"]
    assert [(x.stage, x.reason) for x in rejected] == [
        ("filter:syntax", "output does not parse for its language (first error at line 3)")
    ]


def test_a_whole_file_is_parsed_as_it_stands_not_wrapped(make_record):
    s = Syntax()
    ok = "class OrderTest {\n    @Test\n    void t() {\n        assertTrue(true);\n    }\n}"
    assert s.stats(make_record(ok, task="write-test"))["parses"] == 1
    # a class whose closing brace is missing is not rescued by a wrapper: a file is not a member
    assert s.stats(make_record(ok.rsplit("\n", 1)[0], task="write-test")) == {"parses": 0.0, "error_line": 5.0}


def test_sql_outputs_parse_with_sqlglot_and_mybatis_markers(make_record):
    assert sql_parses("SELECT id, name FROM owners WHERE id = #{id}")
    assert sql_parses("select `id` from `pms_brand` where name like concat('%', #{name}, '%') limit 10")
    assert not sql_parses("SELECT id FROM owners WHERE (id = 1")
    s = Syntax()
    assert s.stats(make_record("SELECT id FROM", task="text-to-sql", lang="sql"))["parses"] == 0
    assert s.stats(make_record("select o from Owner o where", task="text-to-sql", lang="jpql"))["parses"] == -1


@pytest.mark.parametrize(
    ("task", "lang"),
    [
        ("code-completion", "java"),  # a middle is a fragment
        ("doc-generation", "java"),
        ("design-restful-api", "java"),
        ("plantuml-data-structure", "java"),
        ("domain-qa", "markdown"),
    ],
)
def test_outputs_that_are_not_code_are_not_checked(task, lang, make_record):
    assert Syntax().stats(make_record("return (a +", task=task, lang=lang)) == {"parses": -1.0, "error_line": -1.0}


def test_the_filter_can_be_turned_off(make_record):
    broken = make_record(METHOD.rsplit("\n", 1)[0])
    kept, _ = apply_filters([broken], FiltersConfig(syntax=False))
    assert len(kept) == 1
