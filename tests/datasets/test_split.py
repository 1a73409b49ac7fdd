import pytest

from minions.datasets import gate_records, split_records
from minions.errors import UserError
from minions.records import InstructionRecord, Provenance


def rec(i, repo="r", module="m", cls="C"):
    return InstructionRecord(
        id=f"id{i}",
        task="t",
        instruction="i",
        input="",
        output="o",
        lang="java",
        source=Provenance(repo=repo, commit="c", path="p"),
        unit_ids=[str(i)],
        template_id="t",
        module=module,
        focal_class=cls,
    )


def records_by_class(n_classes=40, per_class=5, modules=1):
    return [
        rec(c * per_class + k, module=f"mod{c % modules}", cls=f"C{c}")
        for c in range(n_classes)
        for k in range(per_class)
    ]


def test_class_level_when_one_module_and_no_class_on_both_sides():
    recs = records_by_class()
    res = split_records(recs, 0.1)
    assert res.level == "class"
    train = {r.focal_class for r in res.splits["train"]}
    ev = {r.focal_class for r in res.splits["eval"]}
    assert train.isdisjoint(ev) and ev
    assert len(res.splits["eval"]) == 20, "groups are taken until the share is reached"
    assert len(res.splits["train"]) + len(res.splits["eval"]) == len(recs)


def test_deterministic_and_order_independent():
    recs = records_by_class()
    a = split_records(recs, 0.1)
    b = split_records(list(reversed(recs)), 0.1)
    assert {r.id for r in a.splits["eval"]} == {r.id for r in b.splits["eval"]}


def test_module_level_when_it_fits_the_share():
    recs = records_by_class(n_classes=40, modules=10)
    res = split_records(recs, 0.1)
    assert res.level == "module"
    assert {r.module for r in res.splits["train"]}.isdisjoint({r.module for r in res.splits["eval"]})


def test_repository_level_with_several_repositories():
    recs = [rec(i, repo=f"repo{i % 10}", cls=f"C{i}") for i in range(100)]
    res = split_records(recs, 0.1)
    assert res.level == "repository"
    assert {r.source.repo for r in res.splits["train"]}.isdisjoint({r.source.repo for r in res.splits["eval"]})


def test_test_split_when_configured():
    res = split_records(records_by_class(), 0.1, 0.1)
    assert set(res.splits) == {"train", "eval", "test"}
    sides = [{r.focal_class for r in res.splits[s]} for s in ("train", "eval", "test")]
    assert all(sides) and sides[0].isdisjoint(sides[1] | sides[2]) and sides[1].isdisjoint(sides[2])


def test_too_little_data_is_a_clear_error():
    with pytest.raises(UserError, match="no records"):
        split_records([], 0.1)
    with pytest.raises(UserError, match="too little data"):
        split_records([rec(1), rec(2)], 0.1)


def test_gate_rejects_records_with_findings(fake):
    clean, dirty = rec(1), rec(2)
    token = fake.github()
    dirty.output = f"token = {token}"
    kept, rejected = gate_records([clean, dirty], {})
    assert kept == [clean]
    assert [(r.id, r.stage) for r in rejected] == [("id2", "gate")] and "github-token" in rejected[0].reason
    assert not any(token[k : k + 8] in rejected[0].model_dump_json() for k in range(len(token) - 7)), "no value"


def test_a_level_whose_test_share_misses_falls_to_a_finer_one():
    recs = []
    for module, size in (("a", 3), ("b", 5), ("c", 26)):
        recs += [rec(len(recs), module=module, cls=f"{module}{k}") for k in range(size)]
    res = split_records(recs, 0.1, 0.1)
    assert res.level == "class"
    assert all(res.splits[s] for s in ("train", "eval", "test"))
    assert abs(len(res.splits["test"]) / len(recs) - 0.1) <= 0.05
