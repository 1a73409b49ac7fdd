"""Acceptance: `minions parse` on examples/acme-shop matches the hand-labelled table exactly.

The table (acme_shop_labels.yaml, next to this file) was written by reading the example's sources:
every class's role, every endpoint's verb, path and handler (an OpenAPI operation's: its spec file
and operationId), every test's focal unit and the rule that should find it. Each comparison goes
both ways: a labelled unit the parser lost or got wrong, and a unit the parser made that has no
label, both fail, listed one per line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import EXAMPLE
from minions.parsing import parse_files
from minions.records import CodeUnit
from minions.sources.collect import collect_all

LABELS = yaml.safe_load((Path(__file__).parent / "acme_shop_labels.yaml").read_text())


@pytest.fixture(scope="module")
def units() -> list[CodeUnit]:
    files, _ = collect_all([(EXAMPLE, None)])
    result = parse_files(files)
    assert not result.skipped, [s.reason for s in result.skipped]
    return result.units


def _member(u: CodeUnit) -> str:
    """`Class.method`; a file-scope function by its file's stem (`cli.main`, `Rewards.voucherCode`)."""
    return f"{u.class_name}.{u.name}"


def _focal(u: CodeUnit) -> str:
    return f"{u.http['method']} {u.http['path']}" if u.kind == "endpoint" else _member(u)


def _compare(what: str, expected: dict, actual: dict) -> None:
    """Fail with every difference, one per line: missing, wrong, extra."""
    lines = []
    for key in sorted(expected.keys() | actual.keys(), key=str):
        want, got = expected.get(key, "<no label>"), actual.get(key, "<not parsed>")
        if want != got:
            lines.append(f"  {key}: labelled {want!r}, parsed {got!r}")
    if lines:
        pytest.fail(f"{what}: {len(lines)} difference(s) from the labels\n" + "\n".join(lines), pytrace=False)


def test_every_class_has_its_labelled_role(units):
    expected = {(path, name): role for path, classes in LABELS["classes"].items() for name, role in classes.items()}
    actual = {(u.path, u.name): u.role for u in units if u.kind == "class"}
    _compare("classes", expected, actual)


def test_every_endpoint_has_its_labelled_verb_path_and_handler(units):
    by_id = {u.id: u for u in units}
    actual: dict[str, str] = {}
    in_specs: dict[str, str] = {}
    for u in units:
        if u.kind == "endpoint":
            key = f"{u.http['method']} {u.http['path']}"
            assert key not in actual and key not in in_specs, f"two endpoints map {key}"
            handler = by_id.get(u.http.get("handler", ""))
            if u.lang in ("yaml", "json"):  # an OpenAPI operation: the spec names no handler
                in_specs[key] = f"{u.path} {u.name}" if handler is None else f"<handler {_member(handler)}>"
            elif handler is None:
                actual[key] = f"<no handler unit; endpoint in {_member(u)}>"
            else:
                actual[key] = _member(handler)
    _compare("endpoints", LABELS["endpoints"], actual)
    _compare("spec endpoints", LABELS["spec_endpoints"], in_specs)


def test_every_test_pairs_with_its_labelled_focal_unit_by_its_rule(units):
    by_id = {u.id: u for u in units}
    expected = {}
    for path, tests in LABELS["tests"].items():
        for name, label in tests.items():
            rule, focal = label.split(" ", 1)
            expected[(path, name)] = "none" if rule == "none" else f"{rule} {focal}"
    actual = {}
    for u in units:
        if u.kind == "test":
            key = (u.path, _member(u))
            assert key not in actual, f"two tests are {key}"
            pairs = [f"{p.rule} {_focal(by_id[p.focal_id])}" for p in u.pairs]
            actual[key] = ", ".join(pairs) or "none"
    _compare("tests", expected, actual)


def test_labels_name_real_units(units):
    """Every focal unit and handler the table names exists once, so the table cannot drift from the code
    (the `none` rows too: they name what the test does test)."""
    members: dict[str, int] = {}
    for u in units:
        if u.kind == "method":
            members[_member(u)] = members.get(_member(u), 0) + 1
    named = [label.split(" ", 1)[1] for tests in LABELS["tests"].values() for label in tests.values()]
    named += list(LABELS["endpoints"].values())
    endpoints = set(LABELS["endpoints"])
    wrong = [n for n in named if n not in endpoints and members.get(n) != 1]
    assert not wrong, f"labels naming no method, or several: {sorted(set(wrong))}"
