"""Diff two dataset versions from the catalog's record index, by task."""

from __future__ import annotations

from collections import defaultdict

from minions.datasets.versions import resolve_version
from minions.workspace import Workspace

KINDS = ("added", "removed", "changed", "moved")


def diff_versions(ws: Workspace, a: str, b: str) -> dict:
    """Records added, removed and changed (same id, other content) from version A to B, by task; `moved`
    counts records of the same content in another split."""
    va, vb = resolve_version(ws, a)["id"], resolve_version(ws, b)["id"]
    side = {
        v: {r["id"]: r for r in ws.catalog.query("SELECT * FROM dataset_records WHERE version = ?", (v,))}
        for v in (va, vb)
    }
    old, new = side[va], side[vb]
    by_task: dict[str, dict[str, list[str]]] = defaultdict(lambda: {k: [] for k in KINDS})
    for rid, r in new.items():
        if rid not in old:
            by_task[r["task"]]["added"].append(rid)
        elif old[rid]["content"] != r["content"]:
            by_task[r["task"]]["changed"].append(rid)
        elif old[rid]["split"] != r["split"]:
            by_task[r["task"]]["moved"].append(rid)
    for rid, r in old.items():
        if rid not in new:
            by_task[r["task"]]["removed"].append(rid)
    tasks = {t: {k: sorted(v) for k, v in kinds.items()} for t, kinds in sorted(by_task.items())}
    totals = {k: sum(len(t[k]) for t in tasks.values()) for k in KINDS}
    return {"a": va, "b": vb, "totals": totals, "by_task": tasks}
