"""Adapters by name and version: rows in the catalog pointing at peft folders.

A reference names one adapter version: `name` (the latest), `name@N`, or a folder path. Versions
count from 1 per name and are never replaced: training under a name adds the next version.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
from pathlib import Path

from minions.adapters.meta import ADAPTER_META, read_adapter_meta, upgrade_adapter_meta, write_adapter_meta
from minions.config import adapter_name_problem
from minions.errors import UserError
from minions.workspace import Workspace

_REF = re.compile(r"(?P<name>[^@]+)(?:@(?P<version>.*))?")
REF_HELP = "use NAME (the latest version), NAME@VERSION (VERSION a number from 1) or an adapter folder"


def check_adapter_name(name: str) -> None:
    """Refuse, before any work, a name that cannot name an adapter."""
    if problem := adapter_name_problem(name):
        raise UserError(problem)


def default_folder(ws: Workspace, name: str, version: int) -> Path:
    """Where `minions train` puts version `version` of adapter `name`."""
    return ws.dir("adapters", name, str(version))


def next_version(ws: Workspace, name: str) -> int:
    """The version a new adapter under `name` gets: 1 for a new name, else one above the highest ever
    registered (a removed version's number is not given again: reports may still name it)."""
    check_adapter_name(name)
    (row,) = ws.catalog.query("SELECT MAX(version) AS v FROM adapters WHERE name = ?", (name,))
    version = max(row["v"] or 0, _last_removed(ws, name)) + 1
    # a folder left where the catalog has no row (a crash before registering, or a run in progress)
    # is never written over
    while _taken(default_folder(ws, name, version)):
        version += 1
    return version


def _taken(folder: Path) -> bool:
    partial = folder.with_name(folder.name + ".partial")
    return (folder.is_dir() and any(folder.iterdir())) or partial.exists()


def reserve_version(ws: Workspace, name: str) -> int:
    """The next version, reserved for a training run: its partial folder is made atomically, so two
    runs under one name started together get two versions."""
    while True:
        version = next_version(ws, name)
        partial = default_folder(ws, name, version).with_name(f"{version}.partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        try:
            partial.mkdir()
        except FileExistsError:
            continue  # another run took it between the two lines
        return version


def resumable_version(ws: Workspace, name: str) -> int | None:
    """The latest version of `name` a killed training run left unfinished (a partial folder with
    work in it and no catalog row), for `train --resume`; None when there is none."""
    registered = {r["version"] for r in ws.catalog.query("SELECT version FROM adapters WHERE name = ?", (name,))}
    folder = ws.dir("adapters", name)
    found = [
        int(p.name.removesuffix(".partial"))
        for p in (folder.iterdir() if folder.is_dir() else [])
        if p.name.endswith(".partial") and p.name.removesuffix(".partial").isdigit() and any(p.iterdir())
    ]
    found = [v for v in found if v not in registered]
    return max(found) if found else None


def _last_removed(ws: Workspace, name: str) -> int:
    rows = ws.catalog.query("SELECT value FROM meta WHERE key = ?", (f"adapter-removed:{name}",))
    return int(rows[0]["value"]) if rows else 0


def register_adapter(
    ws: Workspace,
    name: str,
    path: Path,
    base_model: str | None = None,
    dataset_id: str | None = None,
    *,
    version: int | None = None,
    meta: dict | None = None,
    team: str | None = None,
) -> dict:
    """Add version `version` of adapter `name` (its folder `path`, its minions-adapter.json `meta`);
    an existing (name, version) is refused. Returns the row.

    Without `version` (the older call: base model and dataset id only), the folder's own
    description is read and the adapter gets the next version, or keeps the one already
    registered for this folder (the folder was trained again in place).
    """
    check_adapter_name(name)
    path = Path(path).resolve()
    if team is not None and not team.strip():
        raise UserError("--team is empty; name the team that owns the adapter or leave the option out")
    if version is None:
        return _register_in_place(ws, name, path, base_model, dataset_id, team)
    if meta is None:
        raise UserError(f"adapter {name}@{version} has no description; pass the minions-adapter.json contents")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise UserError(f"adapter version {version!r} is not a number from 1; use next_version()")
    for key, want in (("name", name), ("version", version)):
        if meta.get(key, want) != want:
            raise UserError(f"minions-adapter.json says {key} {meta[key]!r}, the registry was asked for {want!r}")
    meta = upgrade_adapter_meta({**meta, "name": name, "version": version})
    row = _row(name, version, path, meta, team)
    if not ws.catalog.insert("adapters", **row):
        raise UserError(
            f"adapter {name}@{version} is already registered; train it as {name}@{next_version(ws, name)} "
            f"or remove the old one with `minions adapters rm {name}@{version}`"
        )
    return _decoded(row)


def _register_in_place(
    ws: Workspace, name: str, path: Path, base_model: str | None, dataset_id: str | None, team: str | None
) -> dict:
    meta = read_adapter_meta(path) if (path / ADAPTER_META).is_file() else upgrade_adapter_meta({})
    meta = {**meta, "name": name, "base_model": base_model or meta.get("base_model")}
    if dataset_id:
        meta.update(dataset_id=dataset_id, dataset={**(meta.get("dataset") or {}), "id": dataset_id})
    same = [r for r in ws.catalog.rows("adapters", name=name) if r["path"] == str(path)]
    version = same[0]["version"] if same else next_version(ws, name)
    meta["version"] = version
    ws.catalog.delete("adapters", name=name, version=version)
    row = _row(name, version, path, meta, team)
    ws.catalog.insert("adapters", **row)
    return _decoded(row)


def _row(name: str, version: int, path: Path, meta: dict, team: str | None) -> dict:
    return {
        "name": name,
        "version": version,
        "path": str(path),
        "base_model": meta.get("base_model"),
        "base_hash": meta.get("base_hash"),
        "dataset_id": (meta.get("dataset") or {}).get("id") or meta.get("dataset_id"),
        "team": team.strip() if team else None,
        "created": time.time(),
        "meta": json.dumps(meta, default=str),
        "eval_scores": None,
    }


def _decoded(row: dict) -> dict:
    """A catalog row with its JSON columns read; a row migrated from before versions (no meta
    column) takes the description from its folder when the folder is still there."""
    out = dict(row)
    meta = upgrade_adapter_meta({"name": row["name"], "base_model": row.get("base_model")})
    if row.get("meta"):
        meta = upgrade_adapter_meta(json.loads(row["meta"]))
    elif (Path(row["path"]) / ADAPTER_META).is_file():
        with contextlib.suppress(UserError):  # a damaged file: listed with what the row knows
            meta = read_adapter_meta(Path(row["path"]))
    out["meta"] = meta
    out["eval_scores"] = json.loads(row["eval_scores"]) if row.get("eval_scores") else None
    out["ref"] = f"{row['name']}@{row['version']}" if row.get("version") else row["path"]
    return out


def list_adapters(ws: Workspace, latest_only: bool = False) -> list[dict]:
    """Registered adapter versions, by name, newest version first; `latest_only`: one per name."""
    rows = [_decoded(r) for r in ws.catalog.query("SELECT * FROM adapters ORDER BY name, version DESC")]
    if latest_only:
        seen: set[str] = set()
        rows = [r for r in rows if not (r["name"] in seen or seen.add(r["name"]))]
    return rows


def _versions_of(ws: Workspace, name: str) -> list[dict]:
    return ws.catalog.query("SELECT * FROM adapters WHERE name = ? ORDER BY version DESC", (name,))


def _known_names(ws: Workspace) -> str:
    names = [r["name"] for r in ws.catalog.query("SELECT DISTINCT name FROM adapters ORDER BY name")]
    if not names:
        return "none yet; train one with `minions train`"
    return ", ".join(names[:20]) + (f" and {len(names) - 20} more (`minions adapters list`)" if len(names) > 20 else "")


def _bad_ref(ref: str) -> UserError:
    return UserError(f"bad adapter reference {ref!r}: {REF_HELP}")


def resolve_adapter(ws: Workspace, ref: str) -> dict:
    """The catalog row (with `version`, `meta`, `ref`) of an adapter reference.

    A folder that is not registered gives a row with `version` None and the folder's own description.
    """
    match = _REF.fullmatch(ref)
    if match and not adapter_name_problem(match["name"]):
        name, wanted = match["name"], match["version"]
        rows = _versions_of(ws, name)
        if rows and wanted is None:
            return _decoded(rows[0])
        if rows:
            if not wanted.isdigit() or int(wanted) < 1:
                raise _bad_ref(ref)
            for row in rows:
                if row["version"] == int(wanted):
                    return _decoded(row)
            versions = ", ".join(f"{name}@{r['version']}" for r in reversed(rows))
            raise UserError(f"adapter {name} has no version {wanted}; it has {versions}")
    path = Path(ref)
    if path.is_dir():
        path = path.resolve()
        registered = ws.catalog.query("SELECT * FROM adapters WHERE path = ? ORDER BY created DESC", (str(path),))
        if registered:
            return _decoded(registered[0])
        meta = read_adapter_meta(path) if (path / ADAPTER_META).is_file() else {}
        return {"name": meta.get("name"), "version": None, "path": str(path), "meta": meta, "ref": str(path)}
    if "@" in ref and not (match and match["version"] and match["version"].isdigit() and int(match["version"]) > 0):
        raise _bad_ref(ref)
    raise UserError(f"no adapter {ref!r} in {ws.root}; known: {_known_names(ws)}")


def find_adapter(ws: Workspace, ref: str) -> Path:
    """The folder of an adapter reference: `name` (latest), `name@N`, or a path to an adapter folder."""
    return Path(resolve_adapter(ws, ref)["path"])


def record_eval_scores(ws: Workspace, name: str, version: int, scores: dict) -> None:
    """Keep the latest evaluation's scores on adapter version `name@version`."""
    if not ws.catalog.update("adapters", {"name": name, "version": version}, eval_scores=json.dumps(scores)):
        raise UserError(f"no adapter {name}@{version} in {ws.root}; known: {_known_names(ws)}")


def remove_adapters(ws: Workspace, ref: str) -> list[dict]:
    """Remove `name@N` (one version) or `name` (every version) from the catalog, and each folder that
    lies inside `<workspace>/adapters` and holds no other registered version (a run's adapter folder
    stays with its report). Returns what happened to each. The numbers are not given again."""
    match = _REF.fullmatch(ref)
    if match and not adapter_name_problem(match["name"]) and match["version"] is None:
        rows = [_decoded(r) for r in _versions_of(ws, match["name"])]
        if not rows:
            raise UserError(f"no adapter {ref!r} in {ws.root}; known: {_known_names(ws)}")
    else:
        row = resolve_adapter(ws, ref)
        if row["version"] is None:
            raise UserError(f"{row['path']} is not registered in {ws.root}; there is nothing to remove from it")
        rows = [row]
    root = ws.root.resolve()
    gone = {(r["name"], r["version"]) for r in rows}
    kept_paths = [
        Path(r["path"]) for r in ws.catalog.query("SELECT name, version, path FROM adapters")
        if (r["name"], r["version"]) not in gone
    ]  # fmt: skip
    done = []
    adapters_root = root / "adapters"
    for row in rows:
        ws.catalog.delete("adapters", name=row["name"], version=row["version"])
        last = max(_last_removed(ws, row["name"]), row["version"])
        ws.catalog.put("meta", key=f"adapter-removed:{row['name']}", value=str(last))
        folder = Path(row["path"])
        if not folder.exists():
            fate = "folder was already gone"
        elif not folder.resolve().is_relative_to(adapters_root) or folder.resolve() == adapters_root:
            fate = "folder kept: it is outside <workspace>/adapters (a run's or your own)"
        elif holders := [p for p in kept_paths if p == folder or p.is_relative_to(folder)]:
            fate = f"folder kept: it holds another registered version's folder ({holders[0]})"
        else:
            shutil.rmtree(folder)
            fate = "folder deleted"
            parent = ws.dir("adapters", row["name"])
            if folder.parent == parent and not any(parent.iterdir()):
                parent.rmdir()  # the name's folder of the default layout, now empty
        done.append({"ref": row["ref"], "path": str(folder), "folder": fate})
    return done


def register_trained(ws: Workspace, folder: Path, team: str | None = None) -> dict:
    """Register the adapter `minions train` just wrote to `folder`, under the name and version its
    minions-adapter.json gives; without a version (trained into a folder of the user's choosing) it
    gets the next one, or keeps the one already registered for that folder, written back to the file."""
    meta = read_adapter_meta(folder)
    folder = Path(folder).resolve()
    same = [r for r in ws.catalog.rows("adapters", name=meta["name"]) if r["path"] == str(folder)]
    if same and same[0]["version"] == meta.get("version"):
        return _decoded(same[0])  # registered already (a resumed run that had finished this stage)
    if meta.get("version") is not None:
        return register_adapter(ws, meta["name"], folder, version=meta["version"], meta=meta, team=team)
    row = register_adapter(ws, meta["name"], folder, meta.get("base_model"), meta.get("dataset_id"), team=team)
    write_adapter_meta(folder, {k: v for k, v in {**meta, "version": row["version"]}.items() if k != "schema_version"})
    return row
