"""Mixing: per-task and per-source quotas, a seeded sample, every cut record a `mix` rejection."""

import json
import random

import pytest

from minions.config import MixConfig, PipelineConfig
from minions.datasets.mix import mix_records
from minions.errors import UserError
from minions.records import InstructionRecord, Provenance, stable_id
from minions.workspace import Workspace, read_json_objects
from tiny_shop import build_version, shop_files


def record(i: int, task: str, repo: str) -> InstructionRecord:
    return InstructionRecord(
        id=stable_id("rec", str(i)),
        task=task,
        instruction="Implement it.",
        input=f"in {i}",
        output=f"out {i}\nline",
        lang="java",
        source=Provenance(repo=repo, commit="c", path=f"F{i}.java"),
        unit_ids=[str(i)],
        template_id="t",
        module="m",
        focal_class=f"C{i}",
    )


def corpus() -> list[InstructionRecord]:
    # 60 implement-method, 30 write-test, 10 text-to-sql; repo "big" holds two thirds
    tasks = ["implement-method"] * 60 + ["write-test"] * 30 + ["text-to-sql"] * 10
    return [record(i, t, "big" if i % 3 else "small") for i, t in enumerate(tasks)]


def count(records, **where) -> int:
    return sum(all((r.task if k == "task" else r.source.repo) == v for k, v in where.items()) for r in records)


def test_no_quota_keeps_everything():
    records = corpus()
    assert mix_records(records, MixConfig()) == (records, [])


def test_task_count_and_share_quotas_hold_in_the_mixed_dataset():
    cfg = MixConfig(tasks={"write-test": {"max_count": 12}, "implement-method": {"max_share": 0.5}})
    kept, cut = mix_records(corpus(), cfg)
    assert count(kept, task="write-test") == 12
    # a share of the dataset after mixing: 22 others leave room for 22 implement-method records
    assert count(kept, task="implement-method") == 22 == len(kept) // 2
    assert count(kept, task="text-to-sql") == 10
    assert len(kept) + len(cut) == 100
    assert {r.stage for r in cut} == {"mix"}
    reasons = {r.reason for r in cut}
    assert reasons == {
        "over the quota dataset.mix.tasks.write-test (max_count 12)",
        "over the quota dataset.mix.tasks.implement-method (max_share 0.5)",
    }


def test_source_quotas_and_task_quotas_together():
    cfg = MixConfig(tasks={"implement-method": {"max_count": 30}}, sources={"big": {"max_share": 0.5}})
    records = corpus()
    kept, cut = mix_records(records, cfg)
    assert count(kept, task="implement-method") <= 30
    assert count(kept, repo="big") <= len(kept) * 0.5
    repo_of = {r.id: r.source.repo for r in records}
    assert all("tasks.implement-method" in r.reason for r in cut if repo_of[r.id] == "small"), "no source quota"
    assert any("sources.big" in r.reason for r in cut) and any("tasks.implement-method" in r.reason for r in cut)


def test_the_sample_is_seeded_and_does_not_depend_on_input_order():
    cfg = MixConfig(seed=3, tasks={"implement-method": {"max_count": 10}})
    records = corpus()
    shuffled = records[:]
    random.Random(1).shuffle(shuffled)
    ids = {r.id for r in mix_records(records, cfg)[0]}
    assert ids == {r.id for r in mix_records(shuffled, cfg)[0]}
    assert [r.id for r in mix_records(shuffled, cfg)[0]] == [r.id for r in shuffled if r.id in ids], "input order kept"
    other = {r.id for r in mix_records(records, MixConfig(seed=4, tasks={"implement-method": {"max_count": 10}}))[0]}
    assert other != ids


def test_bad_quotas_are_refused():
    with pytest.raises(UserError, match="unknown task 'no-such-task'"):
        mix_records(corpus(), MixConfig(tasks={"no-such-task": {"max_count": 1}}))
    with pytest.raises(ValueError, match="max_count or max_share"):
        MixConfig(tasks={"write-test": {}})
    with pytest.raises(UserError, match="cuts every record"):
        mix_records(corpus(), MixConfig(sources={"big": {"max_share": 0.3}, "small": {"max_share": 0.3}}))


def test_an_unknown_source_is_a_clear_error():
    # a quota on no records is a typo (or a raw internal name): ignoring it let the build run unmixed
    with pytest.raises(UserError, match="'nowhere' matches no record's repository .*known: big, small"):
        mix_records(corpus(), MixConfig(sources={"nowhere": {"max_count": 1}}))


def test_a_source_quota_named_with_an_internal_name_applies_to_the_scrubbed_repository(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    repo = git_repo(shop_files(), name="zorbix-shop")
    mix = {"mix": {"sources": {"zorbix-shop": {"max_count": 9}}}}
    scrub = {"internal_names": {"zorbix": "example"}}
    row = build_version(ws, repo, tmp_path / "ds", dataset=mix, scrub=scrub)
    assert row["train"] + row["eval"] == 9
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    assert "zorbix" not in json.dumps(manifest["config"]["dataset"])


def test_the_build_mixes_after_the_filters_and_before_the_split(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    mix = {"mix": {"sources": {"repo": {"max_count": 9}}}}
    row = build_version(ws, git_repo(shop_files()), tmp_path / "ds", dataset=mix)
    assert row["train"] + row["eval"] == 9
    mixed = [r for _, r in read_json_objects(tmp_path / "ds" / "rejected.jsonl") if r["stage"] == "mix"]
    assert len(mixed) == 16 - 9 and all("sources.repo (max_count 9)" in r["reason"] for r in mixed)
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    assert manifest["config"]["dataset"]["mix"]["sources"] == {"repo": {"max_count": 9, "max_share": None}}
    assert manifest["lineage"]["filter_counts"]["mix"] == 7
    assert PipelineConfig.model_validate({"dataset": mix}).dataset.mix.sources["repo"].max_count == 9
