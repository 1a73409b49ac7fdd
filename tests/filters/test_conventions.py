import sys

import pytest

from minions.config import CompanyRule, ConventionsConfig, FiltersConfig, PipelineConfig
from minions.filters import apply_filters, configured_filters
from minions.filters.conventions import Conventions, endpoint_rows

TABLE = "| verb | path | request | response |\n|---|---|---|---|\n"


def run(records, cfg: PipelineConfig | None = None):
    cfg = cfg or PipelineConfig()
    return apply_filters(records, cfg.filters, filters=configured_filters(cfg))


def test_endpoint_rows_reads_the_table():
    table = TABLE + "| GET | /owners/{id} | id: long (path) | Owner |\n| POST | /owners | Owner (body) | Owner |"
    assert endpoint_rows(table) == [("GET", "/owners/{id}"), ("POST", "/owners")]


def test_rest_rules_on_endpoint_designs(make_record):
    bad = make_record(TABLE + "| POST | /createOwner | Owner (body) | Owner |", task="design-restful-api", i="1")
    good = make_record(TABLE + "| POST | /owners | Owner (body) | Owner |", task="design-restful-api", i="2")
    kept, rejected = run([bad, good])
    assert [r.id for r in kept] == ["r2"]
    assert [(x.stage, x.reason) for x in rejected] == [
        (
            "filter:conventions",
            "rest rule verb-in-path: path segments name resources (nouns), not actions: the HTTP method is the verb "
            "(1 violation)",
        )
    ]
    figures = Conventions().stats(bad)
    assert figures["rest"] == 2 and figures["rest:verb-in-path"] == 1 and figures["rest:kebab-case"] == 1


def test_rest_rules_leave_other_outputs_alone(make_record):
    code = 'String u = "/createOwner";\nString v = "/createOwner";'
    assert Conventions().stats(make_record(code, task="spring-controller"))["rest"] == 0


def test_sql_rules_on_sql_and_code_outputs(make_record):
    star = make_record("SELECT *\nFROM owners", task="text-to-sql", lang="sql", i="1")
    concat = make_record(
        'public Owner find(long id) {\n    return jdbc.queryForObject("select id from owners where id = " + id, M);\n}',
        i="2",
    )
    good = make_record(
        'public Owner find(long id) {\n    return jdbc.queryForObject("select id from owners where id = ?", M, id);\n}',
        i="3",
    )
    kept, rejected = run([star, concat, good])
    assert [r.id for r in kept] == ["r3"]
    assert {x.id: x.reason for x in rejected} == {
        "r1": "sql rule select-star: name the columns a query returns, not `SELECT *` (1 violation)",
        "r2": "sql rule concatenated-parameter: pass values as bind parameters, never concatenated into the SQL "
        "text (1 violation)",
    }


def test_company_rules_on_their_field(make_record):
    cfg = PipelineConfig(
        conventions=ConventionsConfig(
            rules=[
                CompanyRule(id="no-field-injection", pattern=r"@Autowired\s+private", message="inject by constructor"),
                CompanyRule(
                    id="no-secret-word", field="instruction", pattern="(?i)classified", message="neutral words"
                ),
            ]
        )
    )
    field_injection = make_record("class A {\n    @Autowired\n    private B b;\n}", task="spring-service", i="1")
    worded = make_record("class A {\n}", task="spring-service", instruction="Write the CLASSIFIED service.", i="2")
    clean = make_record("class A {\n    A(B b) {}\n}", task="spring-service", i="3")
    kept, rejected = run([field_injection, worded, clean], cfg)
    assert [r.id for r in kept] == ["r3"]
    assert {x.id: x.reason for x in rejected} == {
        "r1": "company rule no-field-injection: inject by constructor (1 violation)",
        "r2": "company rule no-secret-word: neutral words (1 violation)",
    }
    figures = configured_filters(cfg)[-1].stats(field_injection)
    assert (
        figures["company"] == 1
        and figures["company:no-field-injection"] == 1
        and figures["company:no-secret-word"] == 0
    )


def test_a_company_entry_point_rule(make_record, tmp_path, monkeypatch):
    (tmp_path / "house_rules.py").write_text(
        "def short_names(text):\n    return [w for w in text.split() if w == 'x']\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        rule = CompanyRule(id="short-names", entry_point="house_rules:short_names", message="name things")
        cfg = PipelineConfig(conventions=ConventionsConfig(rules=[rule]))
        kept, rejected = run([make_record("int x = 1;\nint y = x;", task="write-test")], cfg)
        assert kept == [] and rejected[0].reason == "company rule short-names: name things (1 violation)"
    finally:
        sys.modules.pop("house_rules", None)


def test_conventions_can_be_turned_off(make_record):
    star = make_record("SELECT *\nFROM owners", task="text-to-sql", lang="sql")
    kept, _ = run([star], PipelineConfig(filters=FiltersConfig(conventions=False)))
    assert len(kept) == 1


@pytest.mark.parametrize("task", ["domain-qa", "plantuml-data-structure", "code-completion"])
def test_sql_rules_skip_outputs_that_are_not_code_or_sql(make_record, task):
    r = make_record('SELECT * FROM owners WHERE id = " + id', task=task, lang="java")
    figures = Conventions().stats(r)
    assert figures["sql"] == 0 and figures["rest"] == 0


def test_figures_measured_under_other_company_rules_are_not_reused(make_record):
    from minions.filters.base import same_settings

    r = make_record("class A {\n}", task="spring-service")

    def figures(pattern):
        rule = CompanyRule(id="r", pattern=pattern, message="m")
        cfg = PipelineConfig(conventions=ConventionsConfig(rules=[rule]))
        return configured_filters(cfg)[-1].stats(r)

    assert same_settings(figures("a"), figures("a"))
    assert not same_settings(figures("a"), figures("b"))  # same rule id, another pattern
