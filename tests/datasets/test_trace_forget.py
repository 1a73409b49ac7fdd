"""Diff, trace and forget over registered versions of a tiny repository."""

import json
from pathlib import Path

import pytest

from minions.datasets.diff import diff_versions
from minions.datasets.forget import forget
from minions.datasets.trace import trace
from minions.datasets.versions import dataset_version, show_version
from minions.errors import GateFailure, UserError
from minions.workspace import Workspace, read_json_objects, read_manifest
from tiny_shop import build_version, shop_files

PATH = "src/main/java/com/shop/s{}/Service{}.java"


def records(folder, split="train"):
    return [r for _, r in read_json_objects(folder / f"{split}.jsonl")]


def train_path(folder) -> str:
    """A source file whose records all sit in train (the split puts whole classes on one side)."""
    return records(folder)[0]["source"]["path"]


def test_diff_counts_added_removed_and_changed_by_task(git_repo, tmp_path):
    # record ids hash the commit, so versions of one commit are compared: B drops code-completion and
    # shows each class as a skeleton, not its compact info (other inputs, the same ids)
    ws = Workspace(tmp_path / "ws")
    repo = git_repo(shop_files())
    a = build_version(ws, repo, tmp_path / "dsa", tasks={"names": ["implement-method", "code-completion"]})
    b = build_version(ws, repo, tmp_path / "dsb", tasks={"names": ["implement-method"], "outline": "skeleton"})
    d = diff_versions(ws, a["id"][:8], b["id"][:8])
    old = {r["id"]: r for s in ("train", "eval") for r in records(tmp_path / "dsa", s)}
    new = {r["id"]: r for s in ("train", "eval") for r in records(tmp_path / "dsb", s)}
    removed = d["by_task"]["code-completion"]["removed"]
    assert removed and removed == sorted(i for i in old if old[i]["task"] == "code-completion")
    changed = d["by_task"]["implement-method"]["changed"]
    assert changed == sorted(i for i in new if old[i]["input"] != new[i]["input"]) and changed
    assert d["totals"] == {"added": 0, "removed": len(removed), "changed": len(changed), "moved": 0}
    back = diff_versions(ws, b["id"], a["id"])
    assert back["by_task"]["code-completion"]["added"] == removed
    assert diff_versions(ws, a["id"], a["id"])["totals"] == {"added": 0, "removed": 0, "changed": 0, "moved": 0}


def test_trace_finds_versions_and_adapters_by_path_or_record_id(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    repo = git_repo(shop_files())
    row = build_version(ws, repo, tmp_path / "ds")
    path = train_path(tmp_path / "ds")
    ws.catalog.put(
        "adapters", name="shop-lora", version=1, path="/ad", base_model="tiny", dataset_id=row["id"], created=1.0
    )
    ws.catalog.put("adapters", name="unrelated", version=1, path="/ad2", base_model="tiny", dataset_id="x", created=1.0)
    for query in (path, f"repo/{path}", str(repo / path)):
        t = trace(ws, [query])
        assert [v["version"] for v in t["versions"]] == [row["id"]], query
        assert t["versions"][0]["by_split"] == {"train": 2} and t["versions"][0]["records"] == 2
        assert [(a["name"], a["version"]) for a in t["adapters"]] == [("shop-lora", 1)]
    rid = records(tmp_path / "ds")[0]["id"]
    assert trace(ws, [rid])["versions"][0]["records"] == 1
    assert trace(ws, ["src/main/java/com/shop/Nowhere.java"]) == {
        "query": "src/main/java/com/shop/Nowhere.java",
        "versions": [],
        "adapters": [],
    }
    assert trace(ws, [path[4:]])["versions"] == [], "a part of a recorded path is not that file"


def test_forget_writes_a_new_gated_version_without_the_file(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    old = build_version(ws, git_repo(shop_files()), tmp_path / "ds")
    folder = tmp_path / "ds"
    before = {s: (folder / f"{s}.jsonl").read_bytes() for s in ("train", "eval")}
    path = train_path(folder)
    (new,) = forget(ws, [path])
    out = tmp_path / f"ds-{new['id'][:12]}"
    assert new["path"] == str(out) and new["parent"] == old["id"] and new["name"] == "shop"
    assert {s: (folder / f"{s}.jsonl").read_bytes() for s in before} == before, "the old version stays"
    kept = records(out)
    assert len(kept) == old["train"] - 2 and not [r for r in kept if r["source"]["path"] == path]
    assert [r["id"] for r in kept] == [r["id"] for r in records(folder) if r["source"]["path"] != path]
    assert (out / "eval.jsonl").read_bytes() == before["eval"]
    gone = [r for _, r in read_json_objects(out / "rejected.jsonl") if r["stage"] == "forget"]
    assert len(gone) == 2 and all(path not in json.dumps(r) for r in gone)
    manifest = read_manifest(out)
    assert manifest["id"] == dataset_version(out) == new["id"] and manifest["parents"] == [old["id"]]
    assert manifest["counts"] == {"eval": old["eval"], "train": old["train"] - 2}
    assert manifest["lineage"]["filter_counts"]["forget"] == 2
    assert manifest["outputs"]["train.jsonl"] != read_manifest(folder)["outputs"]["train.jsonl"]
    card = (out / "card.md").read_text()
    assert f"Version `{new['id']}`" in card and "## Forgotten" in card and f"| train | {old['train'] - 2} |" in card
    assert show_version(ws, new["id"])["forgotten"] == {"from": old["id"], "records": 2}
    assert [v["version"] for v in trace(ws, [path])["versions"]] == [old["id"]]
    with pytest.raises(UserError, match="no records of .* in the latest version.*--version"):
        forget(ws, [path])
    (again,) = forget(ws, [path], version=old["id"][:6])
    assert again["id"] == new["id"], "forgetting the same records again gives the same version"


def test_forget_keeps_the_chat_form_and_refuses_to_empty_a_split(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    old = build_version(ws, git_repo(shop_files()), tmp_path / "ds", dataset={"format": "chat"})
    (new,) = forget(ws, [records(tmp_path / "ds")[0]["id"]])
    kept = records(tmp_path / f"ds-{new['id'][:12]}")
    assert len(kept) == old["train"] - 1 and all("messages" in r and "instruction" not in r for r in kept)
    eval_paths = sorted({r["source"]["path"] for r in records(tmp_path / "ds", "eval")})
    assert len(eval_paths) > 1
    with pytest.raises(UserError, match="empties the eval split"):
        forget(ws, eval_paths, version=old["id"])


def test_forget_regates_the_new_folder(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    build_version(ws, git_repo(shop_files()), tmp_path / "ds")
    path = train_path(tmp_path / "ds")
    # a name the build did not know about, now configured as internal: the re-gate finds it
    with pytest.raises(GateFailure, match="sensitive data"):
        forget(ws, [path], internal_names={"StringBuilder": "Builder"})
    assert len(ws.catalog.rows("datasets")) == 1, "nothing registered"


def test_a_path_naming_its_repository_matches_only_that_repository(tmp_path):
    from minions.datasets.trace import matching_records

    ws = Workspace(tmp_path / "ws")
    for version, repo in (("v1", "jpetstore-6"), ("v2", "newbee-mall")):
        for i, path in enumerate(("README.md", "src/App.java")):
            ws.catalog.put(
                "dataset_records", version=version, id=f"{repo}-{i}", split="train", task="t", content="c",
                repo=repo, path=path,
            )  # fmt: skip
    ids = lambda q, **kw: sorted(r["id"] for r in matching_records(ws, [q], **kw))  # noqa: E731
    assert ids("jpetstore-6/README.md") == ["jpetstore-6-0"]
    assert ids("/home/me/src/jpetstore-6/README.md") == ["jpetstore-6-0"], "a checkout path ending in repo/path"
    assert ids("README.md") == ["jpetstore-6-0", "newbee-mall-0"], "a bare path: every repository's"
    assert ids("newbee-mall-1") == ["newbee-mall-1"]
    with pytest.raises(UserError, match=r"'README.md' matches files in 2 repositories .*name one as REPO/PATH"):
        matching_records(ws, ["README.md"], one_repository=True)


def test_trace_indexes_a_version_migrated_from_an_older_catalog(git_repo, tmp_path):
    from minions.datasets.versions import index_unindexed

    ws = Workspace(tmp_path / "ws")
    build_version(ws, git_repo(shop_files()), tmp_path / "ds")
    # as a migrated row: registered, but with no record index (an older catalog had none)
    ws.catalog.replace_rows("dataset_records", {"version": ws.catalog.rows("datasets")[0]["id"]}, [])
    record = next(r for _, r in read_json_objects(tmp_path / "ds" / "train.jsonl"))
    found = trace(ws, [record["source"]["path"]])
    assert [v["version"] for v in found["versions"]] == [ws.catalog.rows("datasets")[0]["id"]]
    assert index_unindexed(ws) == 0, "indexed once"


def calc(i: int) -> dict[str, str]:
    main = f"""package com.shop.c{i};

public class Calc{i} {{
    public int scale(int value, int factor) {{
        int result = value * factor + {i};
        if (result < {i * 3}) {{
            result = -result;
        }}
        return result;
    }}
}}
"""
    test = f"""package com.shop.c{i};

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class Calc{i}Test {{
    @Test
    void scalesAValue() {{
        Calc{i} calc = new Calc{i}();
        assertEquals({2 * 5 + i}, calc.scale(2, 5));
    }}
}}
"""
    return {f"src/main/java/com/shop/c{i}/Calc{i}.java": main, f"src/test/java/com/shop/c{i}/Calc{i}Test.java": test}


def test_trace_and_forget_find_records_that_draw_on_a_file_beyond_their_source(git_repo, tmp_path):
    # review finding: a write-test record's source is the test file, but its prompt holds the class
    ws = Workspace(tmp_path / "ws")
    files = {k: v for i in range(6) for k, v in calc(i).items()}
    # six near-identical tests: dedup and decontamination off, so that every one is released
    filters = {"near_dedup": None, "decontaminate": None, "decontaminate_ngram": None}
    row = build_version(ws, git_repo(files), tmp_path / "ds", tasks={"names": ["write-test"]}, filters=filters)
    records = [r for s in ("train", "eval") for _, r in read_json_objects(tmp_path / "ds" / f"{s}.jsonl")]
    test_record = next(r for _, r in read_json_objects(tmp_path / "ds" / "train.jsonl"))
    assert test_record["source"]["path"].endswith("Test.java")
    main_path = test_record["source"]["path"].replace("src/test/", "src/main/").replace("Test.java", ".java")
    found = trace(ws, [main_path])
    assert [v["version"] for v in found["versions"]] == [row["id"]], "the class's file names the test's record"
    (made,) = forget(ws, [main_path])
    left = [r for s in ("train", "eval") for _, r in read_json_objects(Path(made["path"]) / f"{s}.jsonl")]
    assert test_record["id"] not in {r["id"] for r in left} and len(left) == len(records) - 1
