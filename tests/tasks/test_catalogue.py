"""Checks every task's records meet on examples/acme-shop: outputs without stray whitespace, code
outputs that parse for their language (FIM: prefix + middle + suffix), SQL that parses, PlantUML that
validates, and the REST rules on every designed endpoint table."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE
from minions.parsing import parse_files
from minions.parsing.languages import LANGUAGES
from minions.sources.collect import collect
from minions.tasks import TASKS, TaskOptions, run_tasks
from minions.tasks.code_completion import fim_pieces

CODE_TASKS = {
    "implement-method",
    "implement-from-test",
    "write-test",
    "spring-controller",
    "spring-service",
    "spring-repository",
    "controller-test",
    "spring-data-method",
}
WRAPS = {  # how a member fragment becomes a file of its language
    "java": ("class Wrapper {\n", "\n}"),
    "kotlin": ("class Wrapper {\n", "\n}"),
    "typescript": ("class Wrapper {\n", "\n}"),
    "tsx": ("class Wrapper {\n", "\n}"),
    "go": ("package wrapper\n\n", ""),
    "python": ("", ""),
}


def parses(code: str, lang: str) -> bool:
    parser = LANGUAGES[lang].parser()
    if not parser.parse(code.encode()).root_node.has_error:
        return True
    head, tail = WRAPS[lang]  # a member: inside a class (Go: a file)
    return not parser.parse(f"{head}{code}{tail}".encode()).root_node.has_error


@pytest.fixture(scope="module")
def records():
    files, _ = collect(EXAMPLE)
    units = parse_files(files).units
    names = [t.name for t in TASKS.values() if not t.teacher]
    recs, _ = run_tasks(units, names, TaskOptions(zh_ratio=0.5), [f for f in files if f.lang == "markdown"])
    return recs


def test_every_task_needing_no_teacher_yields_records_in_both_languages(records):
    tasks = {r.task for r in records}
    assert tasks == {t.name for t in TASKS.values() if not t.teacher}
    assert {r.instruction_lang for r in records} == {"en", "zh"}


def test_no_output_or_input_starts_or_ends_with_stray_whitespace(records):
    bad = [(r.task, r.id) for r in records if not r.output or r.output != r.output.strip()]
    assert bad == []
    assert [(r.task, r.id) for r in records if r.input != r.input.strip()] == []


def test_code_outputs_parse_for_their_language(records):
    bad = [(r.task, r.lang, r.output[:80]) for r in records if r.task in CODE_TASKS and not parses(r.output, r.lang)]
    assert bad == []
    for r in (r for r in records if r.task == "code-completion"):
        prefix, suffix, middle = fim_pieces(r)
        assert parses(prefix + middle + suffix, r.lang), r.id


def test_sql_parses_plantuml_validates_and_designed_apis_follow_the_rest_rules(records):
    from minions.conventions.rest import check
    from minions.tasks.plantuml_data_structure import validate
    from minions.tasks.text_to_sql import sql_problem

    assert sql_problem("SELEC name FROM") is not None, "the SQL check can fail"
    for r in records:
        if r.task == "text-to-sql" and r.lang == "sql":
            assert sql_problem(r.output) is None, r.output
        elif r.task == "plantuml-data-structure":
            assert validate(r.output) == [], r.id
        elif r.task == "design-restful-api":
            rows = [line.split("|") for line in r.output.splitlines()[2:]]
            assert rows and all(check(row[1].strip(), row[2].strip()) == [] for row in rows), r.output
