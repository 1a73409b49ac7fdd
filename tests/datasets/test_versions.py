"""Dataset versions: named by their split files' content, registered with lineage and a parent."""

import json
import subprocess

import pytest

from minions.datasets.versions import dataset_version, list_versions, resolve_version, show_version
from minions.errors import UserError
from minions.workspace import Workspace, read_manifest
from tiny_shop import build_version, shop_files


def test_same_data_is_the_same_version_wherever_it_is_built(tmp_path):
    # two checkouts of the same content in different places, two workspaces: one version
    rows = []
    for place in ("a", "b"):
        repo = tmp_path / place / "shop"
        for rel, text in shop_files().items():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text(text)
        rows.append(build_version(Workspace(tmp_path / place / "ws"), repo, tmp_path / place / "ds"))
    assert rows[0]["id"] == rows[1]["id"]
    folder = tmp_path / "a" / "ds"
    assert read_manifest(folder)["id"] == dataset_version(folder) == rows[0]["id"]
    (folder / "train.jsonl").write_text((folder / "train.jsonl").read_text().replace("result", "outcome"))
    assert dataset_version(folder) != rows[0]["id"], "the version follows the split files' content"


def test_a_build_registers_its_lineage(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    row = build_version(ws, git_repo(shop_files()), tmp_path / "ds")
    shown = show_version(ws, row["id"][:6])
    commit = json.loads((tmp_path / "ds" / "train.jsonl").read_text().splitlines()[0])["source"]["commit"]
    assert shown["sources"] == [{"repo": "repo", "commit": commit}]
    assert len(commit) == 40, "a git checkout's commit, from the collected files' provenance"
    assert shown["config"]["tasks"]["names"] == ["implement-method"]
    assert shown["counts_by_task"] == {"implement-method": {"train": row["train"], "eval": row["eval"]}}
    rejected = [json.loads(line) for line in (tmp_path / "ds" / "rejected.jsonl").read_text().splitlines()]
    by_stage = {}
    for r in rejected:
        by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + 1
    assert shown["filter_counts"] == by_stage
    assert shown["parent"] is None and shown["children"] == []


def test_a_rebuild_of_the_same_name_has_the_earlier_version_as_parent(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    repo = git_repo(shop_files(), name="v1")
    first = build_version(ws, repo, tmp_path / "ds1")
    for rel, text in shop_files(changed=3).items():  # a new commit of the same repository
        (repo / rel).write_text(text)
    subprocess.run(["git", "commit", "-qam", "change"], cwd=repo, check=True)
    second = build_version(ws, repo, tmp_path / "ds2")
    other = build_version(ws, git_repo(shop_files(changed=4), name="v1c"), tmp_path / "ds3", name="other")
    unrelated = build_version(ws, git_repo(shop_files(changed=5), name="elsewhere"), tmp_path / "ds4")
    assert second["id"] != first["id"] and second["parent"] == first["id"]
    assert other["parent"] is None, "another dataset name starts its own line"
    assert unrelated["parent"] is None, "the same name from other repositories too (builds without a config)"
    assert [r["version"] for r in list_versions(ws)] == [unrelated["id"], other["id"], second["id"], first["id"]]
    assert show_version(ws, first["id"])["children"] == [second["id"]]


def test_the_same_version_built_again_keeps_its_lineage_and_moves_its_folder(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    repo = git_repo(shop_files())
    first = build_version(ws, repo, tmp_path / "ds1")
    again = build_version(ws, repo, tmp_path / "ds2")
    assert again["id"] == first["id"] and again["created"] == first["created"]
    assert resolve_version(ws, first["id"])["path"] == str((tmp_path / "ds2").resolve())
    assert len(ws.catalog.rows("datasets")) == 1
    n = ws.catalog.query("SELECT COUNT(*) AS n FROM dataset_records WHERE version = ?", (first["id"],))[0]["n"]
    assert n == first["train"] + first["eval"], "the record index is replaced, not doubled"


def test_a_version_is_named_by_a_unique_prefix_and_errors_name_the_fix(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    row = build_version(ws, git_repo(shop_files()), tmp_path / "ds")
    assert resolve_version(ws, row["id"][:4])["id"] == row["id"]
    assert resolve_version(ws, str(tmp_path / "ds"))["id"] == row["id"]
    with pytest.raises(UserError, match="no dataset version 'zzz'.*minions datasets list"):
        resolve_version(ws, "zzz")
    ws.catalog.put("datasets", id=row["id"][:3] + "f" * 17, path="/x", train=1, eval=1, created=0.0)
    ws.catalog.put("datasets", id=row["id"][:3] + "e" * 17, path="/y", train=1, eval=1, created=0.0)
    with pytest.raises(UserError, match="matches 3 versions.*give more characters"):
        resolve_version(ws, row["id"][:3])


def test_a_moved_dataset_folder_is_found_where_it_now_is(git_repo, tmp_path):
    from minions.datasets.versions import resolve_version

    ws = Workspace(tmp_path / "ws")
    row = build_version(ws, git_repo(shop_files()), tmp_path / "ds")
    moved = tmp_path / "elsewhere"
    (tmp_path / "ds").rename(moved)
    assert resolve_version(ws, str(moved))["path"] == str(moved.resolve())
    assert resolve_version(ws, row["id"][:8])["path"] == str(moved.resolve()), "the catalog follows the folder"
