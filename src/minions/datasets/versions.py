"""Dataset versions: named by the content of their split files, kept in the workspace catalog with lineage.

A version id hashes the released split files (train, eval, test) byte for byte, so the same data is
the same version on any machine. Its parent is the version it was made from: for `minions datasets
forget` the version it forgot records of; for a build, the latest other version registered under the
same dataset name (the config's `name`) in the same workspace, so rebuilds of one dataset form a line.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from minions.errors import UserError
from minions.records import content_hash, stable_id
from minions.workspace import Workspace, read_json_objects, read_manifest

SPLITS = ("train", "eval", "test")


def split_files(folder: Path) -> dict[str, Path]:
    """The split files a dataset folder released, by split name."""
    return {s: folder / f"{s}.jsonl" for s in SPLITS if (folder / f"{s}.jsonl").is_file()}


def dataset_version(folder: Path) -> str:
    """The version id of a dataset folder: a hash of its split files' names and content."""
    parts = [f"{name}={content_hash(path.read_bytes())}" for name, path in split_files(folder).items()]
    return stable_id("dataset-version", *parts)


def record_content(row: dict) -> str:
    """The content hash of one released record (any form), for diff's `changed`."""
    return content_hash(json.dumps(row, sort_keys=True, ensure_ascii=False))


def record_index(version: str, folder: Path) -> list[dict]:
    """Catalog rows of the released records: split, task, content hash and source (as recorded,
    scrubbed); a record that draws on other files too (a test's prompt holds its class's outline, a
    controller test its controller: the manifest's `lineage.drawn_from`) gets a row for each, so
    that trace and forget find it by any file it carries."""
    manifest = read_manifest(folder) or {}
    drawn = (manifest.get("lineage") or {}).get("drawn_from") or {}
    rows = []
    for split, path in split_files(folder).items():
        for _, row in read_json_objects(path):
            source = row.get("source") or {}
            rid = str(row.get("id", ""))
            base = {"version": version, "id": rid, "split": split, "task": str(row.get("task", ""))}
            base["content"] = record_content(row)
            rows.append({**base, "repo": source.get("repo"), "path": source.get("path")})
            rows += [{**base, "repo": repo, "path": other} for repo, other in drawn.get(rid, [])]
    return rows


def index_unindexed(ws: Workspace) -> int:
    """Index the records of versions the catalog has no record index for (rows migrated from an older
    catalog) from their folders, when these are still there; how many versions were indexed."""
    have = {r["version"] for r in ws.catalog.query("SELECT DISTINCT version FROM dataset_records")}
    done = 0
    for row in ws.catalog.rows("datasets"):
        folder = Path(row["path"])
        if row["id"] not in have and folder.is_dir() and split_files(folder):
            ws.catalog.replace_rows("dataset_records", {"version": row["id"]}, record_index(row["id"], folder))
            done += 1
    return done


def register_dataset(ws: Workspace, folder: Path, parent: str | None = None) -> dict:
    """Add the dataset folder's version to the catalog with its lineage and record index; return the row.

    `parent`: the version it was made from (forget); None: the latest other version of the same name
    built from the same repositories (every `minions build` without a config is named quickstart:
    the name alone would chain unrelated projects).
    A version already registered keeps its lineage and creation time; its folder becomes this one.
    """
    folder = folder.resolve()
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("kind") != "dataset":
        raise UserError(f"{folder} has no dataset manifest.json; pass a folder written by `minions build`")
    version = manifest["id"]
    name = (manifest.get("config") or {}).get("name") or folder.name
    known = ws.catalog.rows("datasets", id=version)
    if known:
        row = {**known[0], "path": str(folder)}
    else:
        if parent is None:
            repos = repositories(manifest.get("lineage"))
            earlier = [
                r
                for r in ws.catalog.rows("datasets", name=name)
                if r["id"] != version and repositories(json.loads(r.get("lineage") or "{}")) == repos
            ]
            parent = earlier[0]["id"] if earlier else None
        counts = manifest.get("counts") or {}
        lineage = {
            "sources": (manifest.get("lineage") or {}).get("sources", []),
            "filter_counts": (manifest.get("lineage") or {}).get("filter_counts", {}),
            "config": manifest.get("config"),
            "counts_by": manifest.get("counts_by"),
            "forgotten": manifest.get("forgotten"),
        }
        row = {
            "id": version,
            "path": str(folder),
            "train": counts.get("train", 0),
            "eval": counts.get("eval", 0),
            "test": counts.get("test", 0),
            "created": time.time(),
            "name": name,
            "parent": parent,
            "lineage": json.dumps(lineage, sort_keys=True, default=str),
        }
    ws.catalog.put("datasets", **row)
    ws.catalog.replace_rows("dataset_records", {"version": version}, record_index(version, folder))
    return row


def repositories(lineage: dict | None) -> list[str]:
    """The repositories a version was built from, as its lineage records them."""
    return sorted({str(s.get("repo")) for s in (lineage or {}).get("sources", []) if isinstance(s, dict)})


def list_versions(ws: Workspace) -> list[dict]:
    """Every registered version, newest first: name, version, counts, created, parent, folder."""
    return [_summary(r) for r in ws.catalog.rows("datasets")]


def _summary(row: dict) -> dict:
    return {
        "name": row.get("name") or "-",
        "version": row["id"],
        "counts": {s: row.get(s) or 0 for s in SPLITS if row.get(s) or s != "test"},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(row["created"] or 0)),
        "parent": row.get("parent"),
        "path": row["path"],
    }


def resolve_version(ws: Workspace, text: str) -> dict:
    """The catalog row of a version given by a unique prefix of its id (or a registered dataset folder)."""
    rows = ws.catalog.rows("datasets")
    path = Path(text)
    if path.is_dir() and (manifest := read_manifest(path)) and manifest.get("kind") == "dataset":
        hit = [r for r in rows if r["id"] == manifest["id"]]
        if hit and dataset_version(path) == hit[0]["id"]:
            row = hit[0]
            if Path(row["path"]) != path.resolve():  # the folder was moved: the catalog follows it
                row = {**row, "path": str(path.resolve())}
                ws.catalog.put("datasets", **row)
            return row
        if hit:
            return hit[0]
        raise UserError(f"dataset folder {path} is not registered in {ws.root}; build it with this --workspace")
    hits = [r for r in rows if r["id"].startswith(text)] if text else []
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise UserError(
            f"no dataset version {text!r} in {ws.root}; see `minions datasets list` (a unique prefix will do)"
        )
    raise UserError(
        f"{text!r} matches {len(hits)} versions ({', '.join(r['id'][:12] for r in hits[:4])}); give more characters"
    )


def show_version(ws: Workspace, text: str) -> dict:
    """A version's lineage, counts by task and split, and rejections by stage."""
    row = resolve_version(ws, text)
    lineage = json.loads(row.get("lineage") or "{}")
    by_task: dict[str, dict[str, int]] = {}
    for r in ws.catalog.query(
        "SELECT task, split, COUNT(*) AS n FROM dataset_records WHERE version = ? GROUP BY task, split ORDER BY task",
        (row["id"],),
    ):
        by_task.setdefault(r["task"], {})[r["split"]] = r["n"]
    children = [r["id"] for r in ws.catalog.rows("datasets", parent=row["id"])]
    return {
        **_summary(row),
        "children": children,
        "sources": lineage.get("sources", []),
        "filter_counts": lineage.get("filter_counts", {}),
        "counts_by_task": by_task,
        "forgotten": lineage.get("forgotten"),
        "config": lineage.get("config"),
    }


def filter_counts(rejected: list) -> dict[str, int]:
    """Rejections by stage, for a version's lineage."""
    return dict(sorted(Counter(r.stage for r in rejected).items()))


def source_commits(files: list) -> list[dict]:
    """The repositories and commits the collected files came from (names as scrubbed), for the lineage."""
    return [{"repo": repo, "commit": commit} for repo, commit in sorted({(f.repo, f.commit) for f in files})]
