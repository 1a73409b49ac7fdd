import sys

import pytest

from minions.conventions.company import check_rule, violations
from minions.errors import UserError


@pytest.fixture
def checks_module(tmp_path, monkeypatch):
    """A company's check module on the import path: flags `System.out` lines."""
    (tmp_path / "acme_checks.py").write_text(
        "def no_stdout(text):\n"
        "    return [f'line {i}' for i, ln in enumerate(text.splitlines(), 1) if 'System.out' in ln]\n"
        "def broken(text):\n"
        "    raise RuntimeError('boom')\n"
        "NOT_CALLABLE = 3\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "acme_checks"
    sys.modules.pop("acme_checks", None)


def test_a_pattern_counts_each_match():
    assert violations("a TODO b TODO", pattern=r"\bTODO\b") == ["TODO", "TODO"]
    assert violations("clean", pattern=r"\bTODO\b") == []


def test_an_entry_point_returns_its_messages(checks_module):
    text = "int a = 1;\nSystem.out.println(a);\n"
    assert violations(text, entry_point=f"{checks_module}:no_stdout") == ["line 2"]
    assert violations("int a = 1;", entry_point=f"{checks_module}:no_stdout") == []


def test_an_entry_point_that_raises_stops_with_one_line_naming_it(checks_module):
    # counted as a violation, a broken check silently dropped every record
    with pytest.raises(UserError, match=f"company rule check {checks_module}:broken raised RuntimeError"):
        violations("x", entry_point=f"{checks_module}:broken")


@pytest.mark.parametrize(
    ("pattern", "entry", "message"),
    [
        ("(unclosed", None, "rule 'r1': pattern is not a valid regex"),
        (None, "no_such_module_xyz:f", "module 'no_such_module_xyz' cannot be imported"),
        (None, "acme_checks:missing", "has no 'missing'"),
        (None, "acme_checks:NOT_CALLABLE", "is not callable"),
        (None, "acme_checks", "is not `module:function`"),
    ],
)
def test_a_bad_rule_is_named(checks_module, pattern, entry, message):
    problem = check_rule("r1", pattern, entry)
    assert problem is not None and problem.startswith("rule 'r1': ") and message in problem


def test_a_good_rule_has_no_problem(checks_module):
    assert check_rule("r1", r"\bTODO\b", None) is None
    assert check_rule("r1", None, f"{checks_module}:no_stdout") is None


def load(tmp_path, rules_yaml: str):
    from minions.config import load_config

    path = tmp_path / "c.yaml"
    path.write_text("conventions:\n  rules:\n" + rules_yaml)
    return load_config(path)


def test_the_config_loads_company_rules(tmp_path, checks_module):
    cfg = load(
        tmp_path,
        "    - id: no-todo\n      pattern: '\\bTODO\\b'\n      message: finish the work, do not leave TODOs\n"
        f"    - id: no-stdout\n      field: output\n      entry_point: {checks_module}:no_stdout\n"
        "      message: log, do not print\n",
    )
    assert [(r.id, r.field) for r in cfg.conventions.rules] == [("no-todo", "output"), ("no-stdout", "output")]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "    - id: bad-regex\n      pattern: '(unclosed'\n      message: m\n",
            "rule 'bad-regex': pattern is not a valid regex",
        ),
        ("    - id: bad-entry\n      entry_point: nowhere_xyz:f\n      message: m\n", "rule 'bad-entry': entry point"),
        ("    - id: both\n      pattern: x\n      entry_point: a:b\n      message: m\n", "rule 'both': give either"),
        ("    - id: neither\n      message: m\n", "rule 'neither': give either"),
        ("    - id: twice\n      pattern: x\n      message: m\n" * 2, "rule id 'twice' is used twice"),
        ("    - id: r\n      field: body\n      pattern: x\n      message: m\n", "field 'conventions.rules.0.field'"),
    ],
)
def test_a_bad_rule_is_a_user_error_at_config_load_naming_it(tmp_path, rule, message):
    from minions.errors import UserError

    with pytest.raises(UserError) as e:
        load(tmp_path, rule)
    assert message in str(e.value) and "line" in str(e.value)
