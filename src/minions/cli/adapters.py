"""`minions adapters`: the adapter registry (list, show, rm, merge, export)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from minions.cli.common import ForceOpt, JsonOpt, WorkspaceOpt, log, result, setup_threads, workspace
from minions.errors import UserError

group = typer.Typer(help="Trained adapters registered in the workspace catalog.", no_args_is_help=True)

RefArg = typer.Argument(..., help="NAME (the latest version), NAME@VERSION, or an adapter folder.")
OutOpt = typer.Option(..., "--out", "-o", help="Folder to write (must be empty or new; see --force).")


def _described(ws: Path | None, latest_only: bool = False, ref: str | None = None) -> list[dict]:
    from minions.adapters.info import describe
    from minions.adapters.registry import list_adapters, resolve_adapter

    w = workspace(ws)
    every = list_adapters(w)
    rows = [resolve_adapter(w, ref)] if ref else list_adapters(w, latest_only=latest_only)
    return [describe(r, every) if r["version"] else _unregistered(r, every) for r in rows]


def _unregistered(row: dict, every: list[dict]) -> dict:
    """A folder given by path that the catalog does not know: described as far as its files tell."""
    from minions.adapters.info import describe

    if not row["meta"]:
        raise UserError(f"{row['path']} is not a minions adapter (no minions-adapter.json); pass a registered name")
    d = describe({**row, "name": row["meta"].get("name"), "created": None}, every)
    return {**d, "latest": False, "versions": []}


def _score(scores: dict | None) -> str:
    if not scores:
        return "-"
    key = next((k for k in ("eval_loss", "exact_match", "accuracy") if k in scores), None)
    return f"{key} {scores[key]}" if key else "yes"


@group.command("list")
def list_adapters(
    all_versions: bool = typer.Option(False, "--all-versions", help="One line per version, not only the latest."),
    ws: Path = WorkspaceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """List registered adapters: the latest version of each name (--all-versions: every version).

    Columns: NAME@VERSION, base model, LoRA variant and rank, dataset version, final training loss,
    eval score, owner team, size on disk, flags (rank>16: above vLLM's default max_lora_rank; dora;
    modules_to_save; missing: the folder is gone).

    Example: minions adapters list --all-versions --json
    """
    from minions.adapters.info import human_size

    rows = _described(ws, latest_only=not all_versions)
    header = (
        f"{'ADAPTER':<24} {'BASE':<16} {'LORA':<10} {'DATASET':<8} {'LOSS':<7} {'EVAL':<20} {'TEAM':<12} {'SIZE':<9} "
        "FLAGS"
    )
    lines = [
        f"{r['ref']:<24} {str(r['base_model'])[-16:]:<16} {_lora(r['lora']):<10} "
        f"{str((r['dataset'] or {}).get('id') or '-')[:8]:<8} {_loss(r['metrics']):<7} {_score(r['eval_scores']):<20} "
        f"{r['team'] or '-':<12} {human_size(r['size_bytes']):<9} {','.join(r['flags']) or '-'}"
        for r in rows
    ]
    result(rows, as_json, "\n".join([header, *lines]) if rows else "no adapters yet; train one with `minions train`")


def _lora(lora: dict) -> str:
    return f"{lora.get('variant') or 'lora'} r{lora['r']}" if lora.get("r") else "-"


def _loss(metrics: dict) -> str:
    loss = (metrics or {}).get("final_loss")
    return f"{loss:.3f}" if isinstance(loss, (int, float)) else "-"


@group.command("show")
def show(ref: str = RefArg, ws: Path = WorkspaceOpt, as_json: bool = JsonOpt) -> None:
    """Everything the registry knows about one adapter version: base model and its hash, template,
    LoRA config, dataset version, training metrics, eval scores, team, size, compatibility flags.

    Example: minions adapters show shop@2 --json
    """
    from minions.adapters.info import human_size

    (d,) = _described(ws, ref=ref)
    text = [
        f"adapter      {d['ref']}" + (" (latest)" if d["latest"] else ""),
        f"versions     {', '.join(str(v) for v in d['versions']) or '-'}",
        f"folder       {d['path']}" + ("" if d["exists"] else " (missing)"),
        f"base model   {d['base_model']}  hash {d['base_hash'] or '-'}",
        f"template     {d['template'] or '-'}  max_length {d['max_length'] or '-'}",
        f"lora         {json.dumps(d['lora'], sort_keys=True)}",
        f"dataset      {json.dumps(d['dataset'], sort_keys=True)}  train records {d['train_records'] or '-'}",
        f"metrics      {json.dumps(d['metrics'], sort_keys=True)}",
        f"eval scores  {json.dumps(d['eval_scores'], sort_keys=True) if d['eval_scores'] else '-'}",
        f"team         {d['team'] or '-'}",
        f"size         {human_size(d['size_bytes'])}",
        f"flags        {', '.join(d['flags']) or '-'}",
        f"created      {d['created'] or '-'}",
    ]
    result(d, as_json, "\n".join(text))


@group.command("rm")
def rm(
    ref: str = typer.Argument(..., help="NAME@VERSION (one version) or NAME (every version of the name)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Remove without asking."),
    ws: Path = WorkspaceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Remove an adapter version (NAME@VERSION) or every version of a name (NAME) from the registry.

    Its folder is deleted only when it lies inside the workspace (and holds no other version); a
    folder elsewhere is kept. Each line says which.

    Example: minions adapters rm shop@1 --yes
    """
    from minions.adapters.registry import remove_adapters, resolve_adapter

    w = workspace(ws)
    if not yes:
        target = resolve_adapter(w, ref)["ref"] if "@" in ref else f"every version of {ref}"
        if not sys.stdin.isatty():
            raise UserError(f"not removing {target} without a question answered; pass --yes")
        typer.confirm(f"remove {target}?", abort=True, err=True)
    done = remove_adapters(w, ref)
    result(done, as_json, "\n".join(f"removed {d['ref']}: {d['folder']} ({d['path']})" for d in done))


@group.command("merge")
def merge(
    ref: str = RefArg, out: Path = OutOpt, ws: Path = WorkspaceOpt, force: bool = ForceOpt, as_json: bool = JsonOpt
) -> None:
    """Merge an adapter into its base model: a full model folder (safetensors + tokenizer) that
    `AutoModelForCausalLM.from_pretrained` or vLLM loads with no adapter, e.g. to serve a DoRA
    adapter or one with modules_to_save.

    Example: minions adapters merge shop@2 --out shop-merged/
    """
    from minions.adapters.meta import check_base
    from minions.adapters.registry import resolve_adapter
    from minions.models.base import base_hash, resolve_base_model
    from minions.models.merge import merge_adapter
    from minions.workspace import output_folder, read_manifest, write_manifest

    setup_threads()
    w = workspace(ws)
    row = resolve_adapter(w, ref)
    meta = row["meta"]
    if not meta.get("base_model"):
        raise UserError(f"{row['path']} does not say its base model (no minions-adapter.json); pass a registered name")
    folder = Path(row["path"])
    base = resolve_base_model(meta["base_model"], w)
    check_base(meta, base_hash(base, w), meta["base_model"])
    log(f"merging {row['ref']} into {meta['base_model']}")
    with output_folder(out, force) as tmp:
        facts = merge_adapter(base, folder, tmp)
        parents = [m["id"] for m in [read_manifest(folder)] if m and m.get("id")]
        write_manifest(
            tmp,
            "merged-model",
            {"adapter": row["ref"], "base_model": meta["base_model"]},
            {},
            parents=parents,
            base_hash=meta.get("base_hash"),
            template=meta.get("template"),
            system_prompt=meta.get("system_prompt"),
            **facts,
        )
    path = str(out.resolve())
    result({"adapter": row["ref"], "path": path, **facts}, as_json, path)


@group.command("export")
def export(
    ref: str = RefArg,
    out: Path = OutOpt,
    fmt: str = typer.Option("vllm", "--format", help="Target server: vllm (the only one so far)."),
    ws: Path = WorkspaceOpt,
    force: bool = ForceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Write a folder a LoRA server loads: for vllm, adapter_config.json + adapter_model.safetensors,
    minions-adapter.json and (only when the adapter adds tokens) its tokenizer files. An adapter vLLM
    cannot load (DoRA, modules_to_save, bias) is refused with the reason; a rank above vLLM's default
    --max-lora-rank is a warning naming the flag.

    Example: minions adapters export shop@2 --out shop-vllm/
    (then: vllm serve BASE --enable-lora --lora-modules shop=shop-vllm)
    """
    from minions.adapters.export import FORMATS, base_folder_hint, export_vllm
    from minions.adapters.registry import resolve_adapter
    from minions.workspace import output_folder

    if fmt not in FORMATS:
        raise UserError(f"unknown --format {fmt!r}; use {', '.join(FORMATS)}")
    w = workspace(ws)
    row = resolve_adapter(w, ref)
    if not row["meta"]:
        raise UserError(f"{row['path']} is not a minions adapter (no minions-adapter.json); pass a registered name")
    with output_folder(out, force) as tmp:
        done = export_vllm(row, tmp, base_folder_hint(w, row["meta"].get("base_model")))
    for warning in done["warnings"]:
        log(f"warning: {warning}")
    path = str(out.resolve())
    result({**done, "path": path}, as_json, path)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="adapters")
