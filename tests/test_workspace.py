import json

import pytest

from minions.errors import UserError
from minions.workspace import (
    CATALOG_SCHEMA_VERSION,
    Workspace,
    atomic_write_text,
    output_folder,
    read_manifest,
    resolve_root,
    write_manifest,
)


def test_root_from_option_env_or_default(tmp_path, monkeypatch):
    monkeypatch.setenv("MINIONS_WORKSPACE", str(tmp_path / "env"))
    assert resolve_root(None) == (tmp_path / "env").resolve()
    assert resolve_root(tmp_path / "opt") == (tmp_path / "opt").resolve()
    monkeypatch.delenv("MINIONS_WORKSPACE")
    monkeypatch.chdir(tmp_path)
    assert resolve_root(None) == (tmp_path / "minions-workspace").resolve()


def test_catalog_tables_and_rows(tmp_path):
    ws = Workspace(tmp_path)
    ws.catalog.put("adapters", name="a", version=1, path="/x", base_model="tiny", dataset_id="d", created=1.0)
    ws.catalog.put("adapters", name="b", version=1, path="/y", base_model="tiny", dataset_id="d", created=2.0)
    assert [r["name"] for r in ws.catalog.rows("adapters")] == ["b", "a"]
    assert ws.catalog.rows("adapters", name="a")[0]["path"] == "/x"
    # insert never replaces; update changes only the matching rows
    assert not ws.catalog.insert("adapters", name="a", version=1, path="/z", created=3.0)
    assert ws.catalog.insert("adapters", name="a", version=2, path="/z", created=3.0)
    assert ws.catalog.update("adapters", {"name": "a", "version": 1}, team="infra") == 1
    assert [(r["version"], r["path"], r["team"]) for r in ws.catalog.rows("adapters", name="a")] == [
        (2, "/z", None),
        (1, "/x", "infra"),
    ]
    for table in ("runs", "datasets", "evaluations"):
        assert ws.catalog.rows(table) == []


def test_output_folder_refuses_non_empty_unless_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("keep me")
    with pytest.raises(UserError, match="not empty"), output_folder(out):
        pass
    assert (out / "old.txt").read_text() == "keep me"
    with output_folder(out, force=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]


def test_output_folder_leaves_nothing_on_bad_input(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(UserError), output_folder(out) as tmp:
        (tmp / "half.jsonl").write_text("{}")
        raise UserError("bad input")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_output_folder_keeps_partial_work_for_resume(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), output_folder(out) as tmp:
        (tmp / "done-part").write_text("1")
        raise RuntimeError("killed")
    assert not out.exists()
    with output_folder(out, resume=True) as tmp:
        assert (tmp / "done-part").read_text() == "1"
    assert (out / "done-part").exists()


def test_a_refused_resume_keeps_the_partial_work_it_was_asked_to_continue(tmp_path):
    """Review finding: `train --resume` with other settings was refused, and the refusal deleted the
    checkpoint it had refused, so resuming with the right settings was no longer possible."""
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), output_folder(out) as tmp:
        (tmp / "checkpoint").write_text("step 40")
        raise RuntimeError("killed")
    with pytest.raises(UserError), output_folder(out, resume=True):
        raise UserError("the checkpoint was made with other settings")
    assert (tmp_path / "out.partial" / "checkpoint").read_text() == "step 40"
    with output_folder(out, resume=True) as tmp:
        assert (tmp / "checkpoint").read_text() == "step 40"


def test_atomic_write_and_manifest(tmp_path):
    atomic_write_text(tmp_path / "a" / "f.txt", "hello")
    assert (tmp_path / "a" / "f.txt").read_text() == "hello"
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["f.txt"]
    m1 = write_manifest(tmp_path / "a", "dataset", {"k": 1}, {"in": "h"}, parents=["p"])
    m2 = read_manifest(tmp_path / "a")
    assert m1 == m2
    # sha256("hello"), computed outside minions
    assert m2["outputs"] == {"f.txt": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}
    assert m2["parents"] == ["p"] and m2["kind"] == "dataset" and m2["config"] == {"k": 1}
    assert m2["schema_version"] == 1 and m2["tool_version"]
    again = write_manifest(tmp_path / "a", "dataset", {"k": 1}, {"in": "h"})
    assert again["id"] == m1["id"], "same inputs and config give the same artifact id"
    other = write_manifest(tmp_path / "a", "dataset", {"k": 2}, {"in": "h"})
    assert other["id"] != m1["id"]
    assert json.loads((tmp_path / "a" / "manifest.json").read_text()) == other, "the file holds the last manifest"


def test_resume_that_fails_on_bad_input_keeps_the_finished_folder(tmp_path):
    out = tmp_path / "out"
    with output_folder(out) as tmp:
        (tmp / "train.jsonl").write_text("finished")
    with pytest.raises(UserError), output_folder(out, resume=True):
        raise UserError("bad input")
    assert (out / "train.jsonl").read_text() == "finished"
    assert not (tmp_path / "out.partial").exists()


def test_catalog_of_a_newer_schema_version_is_refused(tmp_path):
    import sqlite3

    ws = Workspace(tmp_path)
    ws.catalog.rows("runs")
    with sqlite3.connect(tmp_path / "catalog.sqlite") as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(UserError, match=f"schema version 99, this minions reads up to {CATALOG_SCHEMA_VERSION}"):
        ws.catalog.rows("runs")


# the catalog as minions 0.1.0 made it (catalog schema version 1)
V1_TABLES = {
    "runs": "id TEXT PRIMARY KEY, name TEXT, path TEXT, status TEXT, created REAL",
    "datasets": "id TEXT PRIMARY KEY, path TEXT, train INTEGER, eval INTEGER, created REAL",
    "adapters": "name TEXT PRIMARY KEY, path TEXT, base_model TEXT, dataset_id TEXT, created REAL",
    "evaluations": "id TEXT PRIMARY KEY, path TEXT, adapter TEXT, dataset_id TEXT, created REAL",
}


@pytest.mark.parametrize("with_meta", [True, False])
def test_an_older_catalog_is_migrated_forward_with_its_rows(tmp_path, with_meta):
    import sqlite3

    with sqlite3.connect(tmp_path / "catalog.sqlite") as con:
        if with_meta:
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        for table, cols in V1_TABLES.items():
            con.execute(f"CREATE TABLE {table} ({cols})")
        con.execute("INSERT INTO datasets VALUES ('d1', '/old/ds', 90, 10, 1.0)")
        con.execute("INSERT INTO adapters VALUES ('a1', '/old/ad', 'tiny', 'd1', 2.0)")
        con.execute("INSERT INTO runs VALUES ('r1', 'quickstart', '/old/run', 'done', 3.0)")
    ws = Workspace(tmp_path)
    (row,) = ws.catalog.rows("datasets")
    assert row == {
        "id": "d1", "path": "/old/ds", "train": 90, "eval": 10, "created": 1.0,
        "name": None, "parent": None, "test": None, "lineage": None,
    }  # fmt: skip
    (adapter,) = ws.catalog.rows("adapters")
    assert (adapter["name"], adapter["version"], adapter["path"], adapter["dataset_id"]) == ("a1", 1, "/old/ad", "d1")
    assert ws.catalog.rows("runs")[0]["status"] == "done"
    assert ws.catalog.query("SELECT * FROM dataset_records") == []
    ws.catalog.put("datasets", id="d2", path="/new", train=1, eval=1, created=4.0, name="n", parent="d1")
    assert ws.catalog.rows("datasets", parent="d1")[0]["id"] == "d2"
    with sqlite3.connect(tmp_path / "catalog.sqlite") as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            str(CATALOG_SCHEMA_VERSION),
        )


def test_jsonl_lines_end_at_newline_only_and_a_byte_order_mark_is_fine(tmp_path):
    from minions.workspace import read_json_objects, write_jsonl

    path = tmp_path / "r.jsonl"
    rows = [{"text": "a\u2028b\u2029c\x85d\x0ce"}, {"text": "second"}]
    write_jsonl(path, rows)
    assert [r for _, r in read_json_objects(path)] == rows
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [r for _, r in read_json_objects(bom)] == rows
