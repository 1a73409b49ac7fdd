"""Forget: write a new dataset version without the records of a source file (or a record id).

The new folder sits next to the old one (`<old folder>-<version prefix>`), holds the same records in
the same order and form minus the forgotten ones (rejected at stage `forget`), a card and manifest
made anew, and is gated like every released folder; its parent is the old version, which stays.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from minions.datasets.read import load_records
from minions.datasets.split import LEVELS, SplitResult
from minions.datasets.trace import matching_records
from minions.datasets.versions import dataset_version, register_dataset, repositories, resolve_version, split_files
from minions.datasets.write import release_dataset
from minions.errors import GateFailure, UserError
from minions.records import InstructionRecord, Rejection
from minions.workspace import Workspace, read_json_objects, read_manifest


def forget(
    ws: Workspace,
    queries: list[str],
    version: str | None = None,
    internal_names: dict[str, str] | None = None,
    internal_domains: list[str] | None = None,
) -> list[dict]:
    """New versions without the records the queries name: from `version`, else from the latest
    version of each line (a dataset name built from the same repositories) that holds some. Returns
    the new versions' catalog rows."""
    if version is not None:
        targets = [resolve_version(ws, version)]
    else:
        latest: dict[tuple, dict] = {}
        for row in ws.catalog.rows("datasets"):  # newest first; a line is a name and its repositories
            line = (row.get("name") or row["id"], tuple(repositories(json.loads(row.get("lineage") or "{}"))))
            latest.setdefault(line, row)
        targets = list(latest.values())
    made = []
    for row in targets:
        hits = matching_records(ws, queries, row["id"], one_repository=True)
        if hits:
            made.append(_forget_from(ws, row, {h["id"] for h in hits}, internal_names or {}, internal_domains))
    if not made:
        where = f"version {targets[0]['id']}" if version else "the latest version of any dataset"
        raise UserError(
            f"no records of {queries[0]!r} in {where}; `minions datasets trace` shows which versions hold them "
            "(pass --version to forget from an older one)"
        )
    return made


def _forget_from(
    ws: Workspace, row: dict, ids: set[str], internal_names: dict[str, str], internal_domains: list[str] | None
) -> dict:
    folder = Path(row["path"])
    manifest = read_manifest(folder)
    if manifest is None or dataset_version(folder) != row["id"]:
        raise UserError(
            f"the folder of version {row['id']} ({folder}) is gone or was changed since it was registered; "
            "rebuild it, or forget from another version with --version"
        )
    rows, records = {}, {}
    for split, path in split_files(folder).items():
        pairs = zip([r for _, r in read_json_objects(path)], load_records(path), strict=True)
        kept = [(raw, rec) for raw, rec in pairs if str(raw.get("id")) not in ids]
        rows[split] = [raw for raw, _ in kept]
        records[split] = [_record(rec) for _, rec in kept]
    for split in ("train", "eval"):
        if split in records and not records[split]:
            raise UserError(
                f"forgetting these records empties the {split} split of version {row['id']}; rebuild from sources "
                "without them instead"
            )
    old = [Rejection.model_validate(r) for _, r in read_json_objects(folder / "rejected.jsonl")]
    gone = [
        Rejection(id=r["id"], task=r["task"], stage="forget", reason="forgotten on request (minions datasets forget)")
        for r in _index_rows(ws, row["id"], ids)
    ]
    key = dict(LEVELS)[manifest["split_level"]]
    split = SplitResult(
        splits=records,
        level=manifest["split_level"],
        groups={s: len({key(r) for r in recs}) for s, recs in records.items()},
    )
    summary = {**manifest.get("summary", {}), "records_rejected": len(old) + len(gone)}
    config = manifest.get("config") or {}
    tmp = folder.with_name(f".{folder.name}.forget-partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    note = [
        "## Forgotten",
        "",
        f"{len(gone)} records of version `{row['id']}` were removed on request (`minions datasets forget`); "
        "rejected.jsonl lists them at stage forget.",
        "",
    ]
    try:
        new = release_dataset(
            tmp,
            config.get("name") or folder.name,
            split,
            rows,
            old + gone,
            config,
            manifest.get("inputs") or {},
            summary,
            internal_names,
            bool((config.get("scrub") or {}).get("enabled", True)),
            internal_domains,
            manifest.get("format", "alpaca"),
            {
                "sources": (manifest.get("lineage") or {}).get("sources", []),
                "drawn_from": {
                    k: v for k, v in ((manifest.get("lineage") or {}).get("drawn_from") or {}).items() if k not in ids
                },
            },
            parents=[row["id"]],
            card_notes=note,
            forgotten={"from": row["id"], "records": len(ids)},
        )
    except GateFailure as e:
        raise GateFailure(f"{e} (the report is in {tmp})") from None
    base = re.sub(rf"-{row['id'][:12]}$", "", folder.name)
    dest = folder.with_name(f"{base}-{new['id'][:12]}")
    shutil.rmtree(dest, ignore_errors=True)  # the same forget made again: the same version, rewritten
    tmp.rename(dest)
    return register_dataset(ws, dest, parent=row["id"])


def _index_rows(ws: Workspace, version: str, ids: set[str]) -> list[dict]:
    rows = ws.catalog.query("SELECT DISTINCT id, task FROM dataset_records WHERE version = ?", (version,))
    return sorted((r for r in rows if r["id"] in ids), key=lambda r: r["id"])


def _record(data: dict) -> InstructionRecord:
    """The record of a released row (any form, as `load_records` reads it), for the card."""
    return InstructionRecord.model_validate({k: data[k] for k in InstructionRecord.model_fields if k in data})
