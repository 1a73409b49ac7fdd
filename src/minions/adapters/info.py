"""What the registry shows about an adapter version: its description, LoRA config, size on disk and
the flags that matter when serving it elsewhere (vLLM)."""

from __future__ import annotations

import json
import time
from pathlib import Path

# vLLM's `--max-lora-rank` default: an adapter of a higher rank needs the flag raised
VLLM_DEFAULT_MAX_LORA_RANK = 16
PEFT_CONFIG = "adapter_config.json"


def peft_config(folder: Path) -> dict:
    """The adapter's peft `adapter_config.json` ({} when the folder has none)."""
    path = folder / PEFT_CONFIG
    try:
        return json.loads(path.read_text()) if path.is_file() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}


def lora_settings(meta: dict, config: dict) -> dict:
    """r, alpha, dropout, target modules, variant and modules_to_save: from the folder's peft config
    (what a server reads), else from the adapter's description."""
    lora = dict(meta.get("lora") or {})
    if config:
        variant = "dora" if config.get("use_dora") else "rslora" if config.get("use_rslora") else "lora"
        targets = config.get("target_modules")
        lora.update(
            r=config.get("r"),
            alpha=config.get("lora_alpha"),
            dropout=config.get("lora_dropout"),
            target_modules=sorted(targets) if isinstance(targets, list) else targets,
            variant=variant,
            modules_to_save=config.get("modules_to_save") or None,
        )
        if config.get("rank_pattern"):
            lora["rank_pattern"] = config["rank_pattern"]
    return lora


def max_rank(lora: dict) -> int:
    ranks = [lora.get("r") or 0, *(lora.get("rank_pattern") or {}).values()]
    return max(int(r) for r in ranks)


def compat_flags(lora: dict) -> list[str]:
    """Flags for what a plain LoRA server may not take: a rank above vLLM's default maximum, DoRA,
    extra trained modules (modules_to_save)."""
    flags = []
    if max_rank(lora) > VLLM_DEFAULT_MAX_LORA_RANK:
        flags.append(f"rank>{VLLM_DEFAULT_MAX_LORA_RANK}")
    if lora.get("variant") == "dora":
        flags.append("dora")
    if lora.get("modules_to_save"):
        flags.append("modules_to_save")
    return flags


def vllm_problems(config: dict) -> tuple[list[str], list[str]]:
    """(what vLLM refuses to load, what it loads only with a flag) for a peft config; mirrors the
    checks of vLLM's LoRA loader (vllm/lora/peft_helper.py)."""
    refused, warnings = [], []
    if config.get("use_dora"):
        refused.append("it is a DoRA adapter (vLLM does not support DoRA)")
    if config.get("modules_to_save"):
        refused.append(f"it trains whole modules {config['modules_to_save']} (vLLM needs modules_to_save empty)")
    if config.get("bias", "none") != "none" or config.get("lora_bias"):
        refused.append("it trains biases (vLLM does not support adapter bias)")
    rank = max_rank({"r": config.get("r"), "rank_pattern": config.get("rank_pattern")})
    if rank > VLLM_DEFAULT_MAX_LORA_RANK:
        warnings.append(
            f"rank {rank} is above vLLM's default --max-lora-rank {VLLM_DEFAULT_MAX_LORA_RANK}: "
            f"start vLLM with --max-lora-rank {rank}"
        )
    return refused, warnings


def folder_size(folder: Path, skip: list[Path]) -> int | None:
    """Bytes of the files under `folder`, other versions' folders nested in it left out; None when
    the folder is gone."""
    if not folder.is_dir():
        return None
    return sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file() and not any(p.is_relative_to(s) for s in skip)
    )


def describe(row: dict, all_rows: list[dict]) -> dict:
    """Everything `minions adapters list/show` prints about one registered version."""
    meta, folder = row["meta"], Path(row["path"])
    lora = lora_settings(meta, peft_config(folder))
    nested = [Path(r["path"]) for r in all_rows if r["ref"] != row["ref"] and Path(r["path"]).is_relative_to(folder)]
    size = folder_size(folder, [p for p in nested if p != folder])
    template = meta.get("template")
    versions = sorted(r["version"] for r in all_rows if r["name"] == row["name"])
    return {
        "ref": row["ref"],
        "name": row["name"],
        "version": row["version"],
        "latest": bool(versions) and row["version"] == versions[-1],
        "versions": versions,
        "path": str(folder),
        "exists": size is not None,
        "base_model": row.get("base_model") or meta.get("base_model"),
        "base_hash": row.get("base_hash") or meta.get("base_hash"),
        "template": template.get("name", template) if isinstance(template, dict) else template,
        "max_length": meta.get("max_length"),
        "lora": lora,
        "dataset": meta.get("dataset") or {"id": row.get("dataset_id")},
        "train_records": meta.get("train_records"),
        "metrics": meta.get("metrics") or _legacy_metrics(folder),
        "eval_scores": row.get("eval_scores"),
        "team": row.get("team"),
        "size_bytes": size,
        "flags": compat_flags(lora) + ([] if size is not None else ["missing"]),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(row["created"])) if row.get("created") else None,
    }


def _legacy_metrics(folder: Path) -> dict:
    """An adapter trained before descriptions carried metrics: its manifest's final loss and time."""
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text()) if path.is_file() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return {k: manifest[m] for k, m in (("final_loss", "final_loss"), ("seconds", "seconds")) if m in manifest}


def human_size(size: int | None) -> str:
    """Bytes for people: 512 B, 3.4 KB, 12.0 MB; `missing` when there is no folder."""
    if size is None:
        return "missing"
    value, units = float(size), ["B", "KB", "MB", "GB"]
    while value >= 1024 and len(units) > 1:
        value, units = value / 1024, units[1:]
    return f"{size} B" if units[0] == "B" else f"{value:.1f} {units[0]}"
