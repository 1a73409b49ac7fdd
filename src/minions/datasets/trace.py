"""Trace over the catalog's record index: which dataset versions and adapters hold a source file's
(or a record id's) records."""

from __future__ import annotations

from collections import defaultdict

from minions.datasets.versions import index_unindexed
from minions.errors import UserError
from minions.workspace import Workspace

# a record id, a recorded (scrubbed) path, `repo/path`, or any path ending in `/<recorded path>`
# (a file's path in the user's own checkout)
_MATCH = "(id = ? OR path = ? OR repo || '/' || path = ? OR substr(?, -length(path) - 1) = '/' || path)"


def matching_records(
    ws: Workspace, queries: list[str], version: str | None = None, one_repository: bool = False
) -> list[dict]:
    """Index rows (version, id, split, task, repo, path) of the records a query names, in any version
    (or in `version`); each query is a record id or a source file path. A query that names the
    repository (`repo/path`, or a checkout path ending in it) matches that repository's file only;
    a bare path matches it in every repository, and with `one_repository` (forget) that is refused
    when there are several, naming them."""
    index_unindexed(ws)  # versions migrated from an older catalog have no index yet
    rows: dict[tuple, dict] = {}
    for q in dict.fromkeys(queries):
        sql = f"SELECT * FROM dataset_records WHERE {_MATCH}" + (" AND version = ?" if version else "")
        params = (q, q, q, q) + ((version,) if version else ())
        found = ws.catalog.query(sql, params)
        for r in _most_specific(q, found):
            rows[(r["version"], r["id"], r["split"])] = r
        repos = sorted({r["repo"] for r in _most_specific(q, found)})
        if one_repository and len(repos) > 1:
            raise UserError(
                f"{q!r} matches files in {len(repos)} repositories ({', '.join(repos[:4])}); "
                f"name one as REPO/PATH (e.g. {repos[0]}/<path>)"
            )
    return list(rows.values())


def _most_specific(query: str, rows: list[dict]) -> list[dict]:
    """The rows a query names most precisely: by record id, else by repository and path, else by path."""
    by_id = [r for r in rows if r["id"] == query]
    if by_id:
        return by_id
    with_repo = [
        r
        for r in rows
        if (query + "/").endswith(f"{r['repo']}/{r['path']}/")
        and (query == f"{r['repo']}/{r['path']}" or query.endswith(f"/{r['repo']}/{r['path']}"))
    ]
    return with_repo or rows


def trace(ws: Workspace, queries: list[str]) -> dict:
    """The dataset versions holding records a query names (counts by split) and the adapters trained on
    them (an adapter counts when the records sit in its dataset's train split)."""
    hits = matching_records(ws, queries)
    by_version: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ids: dict[str, set[str]] = defaultdict(set)
    for r in hits:
        by_version[r["version"]][r["split"]] += 1
        ids[r["version"]].add(r["id"])
    versions, adapters = [], []
    for row in ws.catalog.rows("datasets"):
        if row["id"] not in by_version:
            continue
        splits = dict(sorted(by_version[row["id"]].items()))
        versions.append(
            {
                "version": row["id"],
                "name": row.get("name") or "-",
                "path": row["path"],
                "records": len(ids[row["id"]]),
                "by_split": splits,
            }
        )
        for a in ws.catalog.rows("adapters", dataset_id=row["id"]):
            if splits.get("train"):
                adapters.append(
                    {
                        "name": a["name"],
                        "version": a["version"],
                        "path": a["path"],
                        "dataset": row["id"],
                        "train_records": splits["train"],
                    }
                )
    return {"query": queries[0], "versions": versions, "adapters": adapters}
