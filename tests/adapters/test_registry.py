"""The adapter registry: versions, references, eval scores, removal, flags, and the schema-2 catalog
migrated in place. Adapter folders are real peft folders (the tiny model, trained a few steps)."""

import json
import shutil
import sqlite3

import pytest

from helpers import TINY_BASE_HASH, adapter_meta
from minions.adapters import (
    default_folder,
    find_adapter,
    list_adapters,
    next_version,
    record_eval_scores,
    register_adapter,
    remove_adapters,
    resolve_adapter,
)
from minions.adapters.info import compat_flags, describe, lora_settings, peft_config, vllm_problems
from minions.errors import UserError
from minions.workspace import Workspace


def trained(ws: Workspace, tiny_adapter, name: str, version: int | None = None, team=None) -> dict:
    """Copy the trained adapter into its default folder and register it as the next version."""
    version = version or next_version(ws, name)
    folder = default_folder(ws, name, version)
    shutil.copytree(tiny_adapter, folder)
    return register_adapter(ws, name, folder, version=version, meta=adapter_meta(name, version), team=team)


def test_versions_count_up_and_a_name_means_the_latest(tmp_path, tiny_adapter):
    ws = Workspace(tmp_path)
    assert next_version(ws, "shop") == 1
    assert default_folder(ws, "shop", 1) == tmp_path / "adapters" / "shop" / "1"
    first = trained(ws, tiny_adapter, "shop", team="payments")
    second = trained(ws, tiny_adapter, "shop")
    assert (first["version"], second["version"], next_version(ws, "shop")) == (1, 2, 3)
    assert find_adapter(ws, "shop") == default_folder(ws, "shop", 2)
    assert find_adapter(ws, "shop@1") == default_folder(ws, "shop", 1)
    row = resolve_adapter(ws, "shop@1")
    assert (row["version"], row["team"], row["meta"]["dataset"]["name"]) == (1, "payments", "shop")
    assert row["base_hash"] == TINY_BASE_HASH and row["dataset_id"] == "d" * 64
    # a registered folder given by path is that version
    assert resolve_adapter(ws, str(default_folder(ws, "shop", 1)))["ref"] == "shop@1"
    assert [r["ref"] for r in list_adapters(ws)] == ["shop@2", "shop@1"]
    assert [r["ref"] for r in list_adapters(ws, latest_only=True)] == ["shop@2"]


def test_an_existing_version_is_never_replaced(tmp_path, tiny_adapter):
    ws = Workspace(tmp_path)
    trained(ws, tiny_adapter, "shop")
    with pytest.raises(UserError, match=r"shop@1 is already registered; train it as shop@2"):
        register_adapter(ws, "shop", tmp_path / "elsewhere", version=1, meta=adapter_meta("shop", 1))
    assert resolve_adapter(ws, "shop@1")["path"] == str(default_folder(ws, "shop", 1))
    with pytest.raises(UserError, match="says version 3"):
        register_adapter(ws, "shop", tmp_path / "x", version=2, meta=adapter_meta("shop", 3))


def test_a_leftover_folder_is_skipped_by_next_version(tmp_path):
    ws = Workspace(tmp_path)
    default_folder(ws, "shop", 1).mkdir(parents=True)
    assert next_version(ws, "shop") == 1, "an empty folder is free"
    (default_folder(ws, "shop", 1) / "adapter_config.json").write_text("{}")
    assert next_version(ws, "shop") == 2


@pytest.mark.parametrize(
    "ref, message",
    [
        ("nope", r"no adapter 'nope' in .*; known: other, shop"),
        ("nope@2", r"no adapter 'nope@2' in .*; known: other, shop"),
        ("shop@3", r"adapter shop has no version 3; it has shop@1, shop@2"),
        ("shop@", r"bad adapter reference 'shop@': use NAME"),
        ("shop@x", r"bad adapter reference 'shop@x'"),
        ("shop@0", r"bad adapter reference 'shop@0'"),
        ("nope@latest", r"bad adapter reference 'nope@latest'"),
    ],
)
def test_bad_references_say_what_exists(tmp_path, tiny_adapter, ref, message):
    ws = Workspace(tmp_path)
    for name in ("shop", "shop", "other"):
        trained(ws, tiny_adapter, name)
    with pytest.raises(UserError, match=message):
        find_adapter(ws, ref)


def test_the_older_call_registers_a_folder_trained_in_place(tmp_path, tiny_adapter):
    """`register_adapter(ws, name, path, base_model, dataset_id)` (train and run before versions):
    the same folder trained again keeps its version; another folder gets the next one."""
    ws = Workspace(tmp_path)
    folder = tmp_path / "adapters" / "legacy"
    shutil.copytree(tiny_adapter, folder)
    assert register_adapter(ws, "legacy", folder, "tiny", "d1")["version"] == 1
    assert register_adapter(ws, "legacy", folder, "tiny", "d2")["version"] == 1
    (row,) = list_adapters(ws)
    assert row["dataset_id"] == "d2" and row["meta"]["train_records"] == 4
    assert row["meta"]["template"]["name"] == "chatml"
    other = tmp_path / "run" / "adapter"
    shutil.copytree(tiny_adapter, other)
    assert register_adapter(ws, "legacy", other, "tiny", None)["version"] == 2


def test_eval_scores_are_kept_on_the_version(tmp_path, tiny_adapter):
    ws = Workspace(tmp_path)
    trained(ws, tiny_adapter, "shop")
    trained(ws, tiny_adapter, "shop")
    record_eval_scores(ws, "shop", 1, {"eval_loss": 0.75, "exact_match": 0.5})
    assert resolve_adapter(ws, "shop@1")["eval_scores"] == {"eval_loss": 0.75, "exact_match": 0.5}
    assert resolve_adapter(ws, "shop@2")["eval_scores"] is None
    with pytest.raises(UserError, match="no adapter shop@9"):
        record_eval_scores(ws, "shop", 9, {})


def test_rm_a_version_or_a_name_deletes_only_folders_inside_the_workspace(tmp_path, tiny_adapter):
    ws = Workspace(tmp_path / "ws")
    trained(ws, tiny_adapter, "shop")
    trained(ws, tiny_adapter, "shop")
    outside = tmp_path / "mine"
    shutil.copytree(tiny_adapter, outside)
    register_adapter(ws, "shop", outside, version=3, meta=adapter_meta("shop", 3))
    (done,) = remove_adapters(ws, "shop@1")
    assert done["folder"] == "folder deleted" and not default_folder(ws, "shop", 1).exists()
    assert [r["ref"] for r in list_adapters(ws)] == ["shop@3", "shop@2"]
    done = remove_adapters(ws, "shop")
    assert [(d["ref"], d["folder"]) for d in done] == [
        ("shop@3", "folder kept: it is outside <workspace>/adapters (a run's or your own)"),
        ("shop@2", "folder deleted"),
    ]
    assert (outside / "adapter_config.json").is_file() and not ws.dir("adapters", "shop").exists()
    assert list_adapters(ws) == []
    with pytest.raises(UserError, match="no adapter 'shop'"):
        remove_adapters(ws, "shop")


# the catalog as the minions before adapter versions made it (catalog schema version 2)
V2_TABLES = {
    "runs": "id TEXT PRIMARY KEY, name TEXT, path TEXT, status TEXT, created REAL",
    "datasets": "id TEXT PRIMARY KEY, path TEXT, train INTEGER, eval INTEGER, created REAL, "
    "name TEXT, parent TEXT, test INTEGER, lineage TEXT",
    "dataset_records": "version TEXT, id TEXT, split TEXT, task TEXT, content TEXT, repo TEXT, path TEXT",
    "adapters": "name TEXT PRIMARY KEY, path TEXT, base_model TEXT, dataset_id TEXT, created REAL",
    "evaluations": "id TEXT PRIMARY KEY, path TEXT, adapter TEXT, dataset_id TEXT, created REAL",
}


def test_a_schema_2_workspace_is_migrated_in_place(tmp_path, tiny_adapter):
    root = tmp_path / "ws"
    old_folder = root / "adapters" / "shop"  # the old layout: the name's folder is the adapter
    shutil.copytree(tiny_adapter, old_folder)
    meta = json.loads((old_folder / "minions-adapter.json").read_text())
    meta.pop("version", None)  # as the old training wrote it: dataset_id, no version
    meta["dataset_id"] = "d1"
    meta.pop("dataset", None)
    (old_folder / "minions-adapter.json").write_text(json.dumps({**meta, "schema_version": 1}))
    root.mkdir(exist_ok=True)
    with sqlite3.connect(root / "catalog.sqlite") as con:
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
        for table, cols in V2_TABLES.items():
            con.execute(f"CREATE TABLE {table} ({cols})")
        con.execute("INSERT INTO adapters VALUES ('shop', ?, 'tiny', 'd1', 5.0)", (str(old_folder),))
        con.execute("INSERT INTO adapters VALUES ('gone', '/nowhere/gone', 'tiny', NULL, 6.0)")
        broken = root / "adapters" / "broken"
        broken.mkdir(parents=True)
        (broken / "minions-adapter.json").write_text("{")
        con.execute("INSERT INTO adapters VALUES ('broken', ?, 'tiny', NULL, 7.0)", (str(broken),))
        con.execute("INSERT INTO datasets (id, path, train, eval, created) VALUES ('d1', '/ds', 4, 1, 1.0)")
    ws = Workspace(root)
    row = resolve_adapter(ws, "shop")
    assert (row["version"], row["path"], row["dataset_id"], row["created"]) == (1, str(old_folder), "d1", 5.0)
    assert row["meta"]["dataset"]["id"] == "d1" and row["meta"]["template"]["name"] == "chatml", "read from its folder"
    assert resolve_adapter(ws, "gone@1")["base_model"] == "tiny"
    assert resolve_adapter(ws, "broken")["meta"]["base_model"] == "tiny", "a damaged description does not stop it"
    assert ws.catalog.rows("datasets")[0]["id"] == "d1"
    with sqlite3.connect(root / "catalog.sqlite") as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("3",)
    # training again under the name adds version 2 (nested in the old folder); removing version 1
    # keeps the old folder, which holds version 2's
    assert next_version(ws, "shop") == 2
    trained(ws, tiny_adapter, "shop")
    every = list_adapters(ws)
    by_ref = {r["ref"]: describe(r, every) for r in every}
    assert by_ref["shop@1"]["size_bytes"] < sum(p.stat().st_size for p in old_folder.rglob("*") if p.is_file())
    assert by_ref["gone@1"]["flags"] == ["missing"] and by_ref["shop@1"]["metrics"]["final_loss"] > 0
    (done,) = remove_adapters(ws, "shop@1")
    assert done["folder"].startswith("folder kept: it holds another registered version's folder")
    assert find_adapter(ws, "shop") == default_folder(ws, "shop", 2) and default_folder(ws, "shop", 2).is_dir()


def test_compatibility_flags_follow_the_peft_config(tmp_path, tiny_adapter):
    config = peft_config(tiny_adapter)
    lora = lora_settings({}, config)
    assert lora["variant"] == "lora" and lora["r"] == config["r"] and compat_flags(lora) == []
    assert vllm_problems(config) == ([], [])
    wide = {**config, "r": 32, "use_dora": True, "modules_to_save": ["lm_head"]}
    assert compat_flags(lora_settings({}, wide)) == ["rank>16", "dora", "modules_to_save"]
    refused, warnings = vllm_problems(wide)
    assert len(refused) == 2 and "DoRA" in refused[0] and "modules_to_save" in refused[1]
    assert warnings == ["rank 32 is above vLLM's default --max-lora-rank 16: start vLLM with --max-lora-rank 32"]
    assert vllm_problems({**config, "rank_pattern": {"q_proj": 64}})[1][0].startswith("rank 64")


def test_runs_started_together_reserve_different_versions(tmp_path):
    """Review finding: two `train --name x` at once both became x@1, one run's folder lost."""
    from concurrent.futures import ThreadPoolExecutor

    from minions.adapters import reserve_version
    from minions.workspace import output_folder

    ws = Workspace(tmp_path)
    with ThreadPoolExecutor(8) as pool:
        versions = list(pool.map(lambda _: reserve_version(ws, "x"), range(8)))
    assert sorted(versions) == list(range(1, 9))
    partial = default_folder(ws, "x", 1).with_name("1.partial")
    with output_folder(default_folder(ws, "x", 1)) as tmp:
        assert tmp == partial and partial.is_dir(), "the reserved (empty) partial folder is the run's own"
        (tmp / "adapter_model.safetensors").write_text("w")
    assert next_version(ws, "x") == 9, "reserved versions are not handed out again"


def test_resume_finds_the_version_a_killed_run_left(tmp_path, tiny_adapter):
    from minions.adapters import resumable_version

    ws = Workspace(tmp_path)
    trained(ws, tiny_adapter, "k")
    assert resumable_version(ws, "k") is None
    killed = default_folder(ws, "k", 2).with_name("2.partial")
    (killed / "checkpoint").mkdir(parents=True)
    assert resumable_version(ws, "k") == 2 and next_version(ws, "k") == 3


def test_a_removed_version_number_is_not_given_again(tmp_path, tiny_adapter):
    """Review finding: after `rm rv@2`, the next training became rv@2 again, while reports named the old."""
    ws = Workspace(tmp_path)
    trained(ws, tiny_adapter, "rv")
    trained(ws, tiny_adapter, "rv")
    remove_adapters(ws, "rv@2")
    assert next_version(ws, "rv") == 3
    remove_adapters(ws, "rv")
    assert next_version(ws, "rv") == 3


def test_rm_keeps_a_runs_adapter_folder(tmp_path, tiny_adapter):
    """Review finding: `adapters rm` deleted runs/<id>/adapter, leaving the run's report pointing at nothing."""
    ws = Workspace(tmp_path)
    folder = tmp_path / "runs" / "r1" / "adapter"
    shutil.copytree(tiny_adapter, folder)
    register_adapter(ws, "runx", folder, version=1, meta=adapter_meta("runx", 1))
    (done,) = remove_adapters(ws, "runx@1")
    assert folder.is_dir() and "kept" in done["folder"]
