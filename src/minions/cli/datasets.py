"""`minions datasets`: dataset versions in the workspace catalog: list, show, diff, trace, forget, export."""

from __future__ import annotations

from pathlib import Path

import typer

from minions.cli.common import ConfigOpt, ForceOpt, JsonOpt, WorkspaceOpt, config_or_default, log, result, workspace
from minions.errors import UserError

group = typer.Typer(
    help="Dataset versions (named by content, with lineage) in the workspace catalog.", no_args_is_help=True
)
VersionArg = typer.Argument(..., help="A version id, a unique prefix of one, or a registered dataset folder.")
QueryArg = typer.Argument(..., help="A record id, or a source file path (as recorded, or in your checkout).")


def _queries(query: str, config: Path | None) -> list[str]:
    """The query, and its scrubbed form when a config names internal names (records carry scrubbed paths)."""
    if config is None:
        return [query]
    from minions.scrub import scrub_text

    cfg = config_or_default(config)
    return list(dict.fromkeys([query, scrub_text(query, cfg.scrub.internal_names, cfg.scrub.internal_domains)[0]]))


@group.command("list")
def list_versions(ws: Path = WorkspaceOpt, as_json: bool = JsonOpt) -> None:
    """List dataset versions, newest first: name, version, counts, created, parent.

    Example: minions datasets list --json
    """
    from minions.datasets.versions import list_versions as rows_of

    rows = rows_of(workspace(ws))
    lines = [
        f"{r['name']:<20} {r['version']:<20}  {'/'.join(str(n) for n in r['counts'].values()):<14} "
        f"{r['created']}  {r['parent'] or '-'}"
        for r in rows
    ]
    head = f"{'name':<20} {'version':<20}  {'train/eval':<14} {'created':<20}  parent"
    result(
        rows, as_json, "\n".join([head, *lines]) if rows else "no dataset versions yet; make one with `minions build`"
    )


@group.command("show")
def show(version: str = VersionArg, ws: Path = WorkspaceOpt, as_json: bool = JsonOpt) -> None:
    """Show a version's lineage (sources and commits, parent, config), counts by task and split, and
    rejections by stage.

    Example: minions datasets show 3f2a9c
    """
    from minions.datasets.versions import show_version

    v = show_version(workspace(ws), version)
    lines = [
        f"version   {v['version']}",
        f"name      {v['name']}",
        f"folder    {v['path']}",
        f"created   {v['created']}",
        f"parent    {v['parent'] or '-'}",
        f"children  {', '.join(v['children']) or '-'}",
        "sources   " + (", ".join(f"{s['repo']}@{s['commit']}" for s in v["sources"]) or "-"),
    ]
    if v["forgotten"]:
        lines.append(f"forgotten {v['forgotten']['records']} records of {v['forgotten']['from']}")
    splits = list(v["counts"])
    lines += ["", f"{'task':<28} " + " ".join(f"{s:>7}" for s in splits)]
    for task, counts in v["counts_by_task"].items():
        lines.append(f"{task:<28} " + " ".join(f"{counts.get(s, 0):>7}" for s in splits))
    lines += ["", "rejected by stage"] + [f"  {stage:<26} {n:>7}" for stage, n in v["filter_counts"].items()]
    result(v, as_json, "\n".join(lines))


@group.command("diff")
def diff(
    a: str = typer.Argument(..., help="The older version (id, prefix or folder)."),
    b: str = typer.Argument(..., help="The newer version."),
    ws: Path = WorkspaceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Records added, removed and changed (same id, other content) from A to B, by task; moved: same
    content in another split. --json lists the record ids.

    Example: minions datasets diff 3f2a9c 81be04
    """
    from minions.datasets.diff import KINDS, diff_versions

    d = diff_versions(workspace(ws), a, b)
    lines = [f"{d['a']} -> {d['b']}", f"{'task':<28} " + " ".join(f"{k:>8}" for k in KINDS)]
    for task, kinds in d["by_task"].items():
        lines.append(f"{task:<28} " + " ".join(f"{len(kinds[k]):>8}" for k in KINDS))
    lines.append(f"{'total':<28} " + " ".join(f"{d['totals'][k]:>8}" for k in KINDS))
    result(d, as_json, "\n".join(lines))


@group.command("trace")
def trace(query: str = QueryArg, config: Path = ConfigOpt, ws: Path = WorkspaceOpt, as_json: bool = JsonOpt) -> None:
    """Which dataset versions and adapters hold records from a source file (or a record id).

    A path matches the recorded (scrubbed) path, `repo/path`, or a path in your checkout ending in it;
    with --config, the path is also tried scrubbed with the config's internal names. An adapter is
    listed when the records are in its dataset's train split.

    Example: minions datasets trace src/main/java/com/shop/OrderService.java
    """
    from minions.datasets.trace import trace as trace_of

    t = trace_of(workspace(ws), _queries(query, config))
    lines = [
        f"dataset {v['name']} {v['version']}: {v['records']} records ("
        + ", ".join(f"{s} {n}" for s, n in v["by_split"].items())
        + f") in {v['path']}"
        for v in t["versions"]
    ]
    lines += [
        f"adapter {a['name']}@{a['version']}: trained on {a['train_records']} of them ({a['dataset']})"
        for a in t["adapters"]
    ]
    result(t, as_json, "\n".join(lines) or f"no dataset version holds records of {query}")


@group.command("forget")
def forget(
    query: str = QueryArg,
    version: str = typer.Option(
        None, "--version", help="Forget from this version.", show_default="the latest version of each dataset name"
    ),
    config: Path = ConfigOpt,
    ws: Path = WorkspaceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Write a new version without a source file's (or a record id's) records; the old one stays.

    The new folder sits next to the old one, holds the other records unchanged, lists the forgotten
    ones in rejected.jsonl (stage forget), and is gated again: pass the build's --config so the gate
    knows the internal names. Its parent is the old version. Adapters trained on the old version are
    not changed: `minions datasets trace` lists them, to retrain on the new one.

    Example: minions datasets forget src/main/java/com/shop/OrderService.java --config configs/quickstart.yaml
    """
    from minions.datasets.forget import forget as forget_from

    cfg = config_or_default(config)
    rows = forget_from(
        workspace(ws), _queries(query, config), version, cfg.scrub.internal_names, cfg.scrub.internal_domains
    )
    for r in rows:
        log(f"version {r['id']} (parent {r['parent']}): train {r['train']}, eval {r['eval']}")
    value = [{"version": r["id"], "parent": r["parent"], "path": r["path"]} for r in rows]
    result(value, as_json, "\n".join(r["path"] for r in rows))


@group.command("export")
def export(
    version: str = VersionArg,
    form: str = typer.Option(
        "jsonl", "--format", help="jsonl | parquet | hf (a folder datasets.load_from_disk reads)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (refused if not empty, unless --force)."),
    config: Path = ConfigOpt,
    force: bool = ForceOpt,
    ws: Path = WorkspaceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Export a version's splits as jsonl, Parquet (one file per split) or a Hugging Face datasets folder.

    The export is gated like every released folder (pass the build's --config for its internal names).

    Example: minions datasets export 3f2a9c --format hf --out hf-data/
    """
    from minions.datasets.export import FORMATS, export_dataset
    from minions.datasets.versions import dataset_version, resolve_version
    from minions.workspace import output_folder

    if form not in FORMATS:
        raise UserError(f"unknown --format {form!r}; use {', '.join(FORMATS)}")
    row = resolve_version(workspace(ws), version)
    folder = Path(row["path"])
    if not folder.is_dir() or dataset_version(folder) != row["id"]:
        raise UserError(
            f"the folder of version {row['id']} ({folder}) is gone or was changed since it was registered; "
            "rebuild it with `minions build`"
        )
    cfg = config_or_default(config)
    with output_folder(out, force) as tmp:
        export_dataset(folder, form, tmp, cfg.scrub.internal_names, cfg.scrub.internal_domains)
    log(f"version {row['id']} exported as {form}")
    result({"out": str(out.resolve()), "version": row["id"], "format": form}, as_json, str(out.resolve()))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="datasets")
