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


def by_module(sizes, classes_of=1):
    """Records of one repository: `sizes` maps module -> records, `classes_of` records per class."""
    recs = []
    for module, size in sizes.items():
        recs += [rec(len(recs), module=module, cls=f"{module}{k // classes_of}") for k in range(size)]
    return recs


def test_groups_are_taken_in_hash_order_until_the_share_is_reached():
    # ten classes of one record; 0.25 * 10 = 2.5 records wanted, so three groups. The ids are pinned:
    # class keys are ordered by stable_id (sha256), the same on every machine, not by name (C0, C1, C2).
    res = split_records(records_by_class(n_classes=10, per_class=1), 0.25)
    assert res.level == "class"
    assert {r.id for r in res.splits["eval"]} == {"id0", "id1", "id8"}
    assert {r.id for r in res.splits["train"]} == {f"id{i}" for i in (2, 3, 4, 5, 6, 7, 9)}
    assert res.groups == {"eval": 3, "train": 7}
    assert set(res.splits) == {"train", "eval"}, "no test split unless a test share is configured"


def test_the_no_records_message_names_the_cause():
    with pytest.raises(UserError, match=r"^no records to split; check the sources and tasks \(see rejected\.jsonl"):
        split_records([], 0.1)


def test_two_class_groups_are_enough_for_train_and_eval():
    # eval gets 1 of 2 records, far from 0.1, but the class level is the finest and must still return
    res = split_records([rec(1, cls="A"), rec(2, cls="B")], 0.1)
    assert res.level == "class"
    assert res.groups == {"eval": 1, "train": 1}
    assert sorted(r.focal_class for s in ("eval", "train") for r in res.splits[s]) == ["A", "B"]
    assert set(res.splits) == {"train", "eval"}


def test_two_class_groups_are_too_few_for_a_test_split_and_three_are_enough():
    with pytest.raises(UserError, match=r"^only 2 class group\(s\): too little data for a train and an eval split"):
        split_records([rec(1, cls="A"), rec(2, cls="B")], 0.1, 0.1)
    res = split_records([rec(1, cls="A"), rec(2, cls="B"), rec(3, cls="C")], 0.3, 0.3)
    assert res.level == "class"
    assert res.groups == {"eval": 1, "test": 1, "train": 1}
    assert sorted(len(v) for v in res.splits.values()) == [1, 1, 1]


def test_exactly_two_repositories_split_by_repository():
    recs = [rec(i, repo=repo, cls=f"C{i}") for i, repo in enumerate(["repoA", "repoA", "repoB", "repoB"])]
    res = split_records(recs, 0.5)
    assert res.level == "repository"
    assert {r.source.repo for r in res.splits["eval"]} == {"repoB"}  # first by stable_id
    assert {r.source.repo for r in res.splits["train"]} == {"repoA"}
    assert res.groups == {"eval": 1, "train": 1}


def test_a_module_level_whose_eval_share_misses_by_more_than_half_falls_to_classes():
    # five modules of 20 records (two classes of 10): one module is 0.2 of the records, off the 0.1
    # share by 0.1 > 0.05, so the class level is used and one class (0.1 exactly) goes to eval
    recs = by_module({f"mod{m}": 20 for m in range(5)}, classes_of=10)
    res = split_records(recs, 0.1)
    assert res.level == "class"
    assert res.groups == {"eval": 1, "train": 9}
    assert len(res.splits["eval"]) == 10 and len(res.splits["train"]) == 90


def test_an_eval_share_off_by_exactly_half_keeps_the_coarse_level():
    # modules in stable_id order: c, d, a, f, e, b. Module c holds 3 of 8 records: 0.375 is off the
    # 0.25 share by 0.125, exactly half of it (all exact in binary), which is not "more than half";
    # no module is over twice the share (4 records), so the split guard leaves the level alone
    res = split_records(by_module({"c": 3, "d": 2, "a": 3}), 0.25)
    assert res.level == "module"
    assert {r.module for r in res.splits["eval"]} == {"c"}
    assert res.groups == {"eval": 1, "train": 2}


def test_a_module_level_whose_test_share_misses_falls_to_classes():
    # eval takes module c (0.1, exact), test takes module d (0.2: off 0.1 by more than half)
    recs = by_module({"c": 10, "d": 20, "a": 35, "f": 35}, classes_of=5)
    res = split_records(recs, 0.1, 0.1)
    assert res.level == "class"
    assert res.groups == {"eval": 2, "test": 2, "train": 16}
    assert [len(res.splits[s]) for s in ("eval", "test", "train")] == [10, 10, 80]


def test_a_module_level_whose_test_share_is_close_enough_is_kept():
    # test takes module d: 0.14 is off 0.1 by 0.04, within half (0.05); no module is over 20 records
    recs = by_module({"c": 10, "d": 14, "a": 19, "f": 19, "e": 19, "b": 19}, classes_of=2)
    res = split_records(recs, 0.1, 0.1)
    assert res.level == "module"
    assert {s: {r.module for r in res.splits[s]} for s in res.splits} == {
        "eval": {"c"},
        "test": {"d"},
        "train": {"a", "f", "e", "b"},
    }
    assert res.groups == {"eval": 1, "test": 1, "train": 4}


def test_a_level_that_leaves_nothing_for_train_falls_to_a_finer_one():
    # 0.75 of 8 records: the first module (4) is short, so both modules go to eval (1.0 is within
    # half of 0.75, so the share does not miss) and train would be empty; classes of one record fit
    res = split_records(by_module({"c": 4, "d": 4}), 0.75)
    assert res.level == "class"
    assert res.groups == {"eval": 6, "train": 2}


def test_every_group_in_eval_or_test_is_a_clear_error():
    with pytest.raises(UserError, match=r"^every group went to eval/test; lower split\.eval_share or add sources$"):
        split_records([rec(1, cls="A"), rec(2, cls="B")], 0.9)
    # eval takes all three groups, so the test share finds none left
    with pytest.raises(UserError, match=r"^every group went to eval/test"):
        split_records([rec(1, cls="A"), rec(2, cls="B"), rec(3, cls="C")], 0.9, 0.05)


def test_guard_keeps_a_group_larger_than_twice_the_eval_share_in_train():
    # one generated class holds half the records; Gen1 and Gen12 hash first of all groups, so without
    # the guard they would be the first taken into eval
    for name in ("Gen1", "Gen12", "Mapper"):
        recs = records_by_class(n_classes=40, per_class=5) + [rec(1000 + i, cls=name) for i in range(200)]
        res = split_records(recs, 0.1)
        assert res.level == "class"
        assert name not in {r.focal_class for r in res.splits["eval"]}
        assert res.guarded == [(f"r/m/{name}", 200)] and not res.guard_failed
        assert 0.05 <= len(res.splits["eval"]) / len(recs) <= 0.15, "the share is met from the other groups"


def test_guard_applies_at_the_module_level_too():
    recs = records_by_class(n_classes=40, modules=10) + [rec(5000 + i, module="big", cls=f"G{i}") for i in range(100)]
    res = split_records(recs, 0.1)
    assert "big" not in {r.module for r in res.splits["eval"]}
    assert ("r/big", 100) in res.guarded


def test_guard_failing_takes_the_smallest_group_and_says_so():
    recs = [rec(i, cls="A") for i in range(10)] + [rec(100 + i, cls="B") for i in range(6)]
    res = split_records(recs, 0.1)
    assert {r.focal_class for r in res.splits["eval"]} == {"B"} and res.guard_failed
    assert res.guarded == [("r/m/A", 10)]


def test_guard_uses_each_held_out_split_its_own_share():
    # eval 0.1, test 0.05 of 242 records: a class of 42 is under eval's limit (48.4), so it may go to
    # eval, but never to test, whose limit is 24.2 (Gen3 hashes where test would take it)
    for name in ("Gen1", "Gen3", "Gen12"):
        recs = records_by_class(n_classes=40, per_class=5) + [rec(1000 + i, cls=name) for i in range(42)]
        res = split_records(recs, 0.1, 0.05)
        assert name not in {r.focal_class for r in res.splits["test"]}
        assert len(res.splits["test"]) <= 2 * 0.05 * len(recs)


def test_a_coarse_level_with_most_records_in_too_big_groups_gives_way_to_classes():
    # three big modules hold 84% of the records (as a MyBatis project's generated module and two apps);
    # the module level would draw eval only from the small ones, so the class level is used
    recs = (
        [rec(i, module="mbg", cls=f"M{i // 10}") for i in range(300)]
        + [rec(1000 + i, module="admin", cls=f"A{i // 10}") for i in range(300)]
        + [rec(2000 + i, module="portal", cls=f"P{i // 10}") for i in range(240)]
        + [rec(3000 + i, module=f"small{i % 8}", cls=f"S{i}") for i in range(160)]
    )
    res = split_records(recs, 0.1)
    assert res.level == "class"
    assert {"mbg", "admin", "portal"} <= {r.module for r in res.splits["eval"]}
