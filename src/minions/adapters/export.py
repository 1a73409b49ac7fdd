"""`minions adapters export --format vllm`: a folder vLLM's `--lora-modules name=DIR` loads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from minions.adapters.info import PEFT_CONFIG, peft_config, vllm_problems
from minions.adapters.meta import ADAPTER_META, write_adapter_meta
from minions.errors import UserError
from minions.records import content_hash
from minions.workspace import Workspace, read_manifest, write_manifest

WEIGHTS = "adapter_model.safetensors"
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "tokenizer.model",
    "chat_template.jinja",
)
FORMATS = ("vllm",)


def base_folder_hint(ws: Workspace, base_model: str | None) -> Path | None:
    """The base model's folder when it is at hand without preparing anything (a cached built-in or
    a local folder); None otherwise."""
    if not base_model:
        return None
    for folder in (Path(base_model), ws.dir("models", base_model)):
        if (folder / "tokenizer.json").is_file():
            return folder
    return None


def _token_count(folder: Path) -> int | None:
    """How many token ids a folder's tokenizer.json defines (vocabulary and added tokens)."""
    path = folder / "tokenizer.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    ids = set((data.get("model") or {}).get("vocab", {}).values()) if isinstance(data.get("model"), dict) else set()
    ids |= {t["id"] for t in data.get("added_tokens") or []}
    return len(ids)


def added_tokens(adapter: Path, base: Path | None) -> int:
    """Tokens the adapter's own tokenizer has beyond the base's (0 when it ships none); an adapter
    tokenizer that cannot be compared with its base counts as adding tokens (it is kept)."""
    mine = _token_count(adapter)
    if mine is None:
        return 0
    theirs = _token_count(base) if base else None
    return mine - theirs if theirs is not None else max(mine, 1)


def export_vllm(row: dict, out: Path, base: Path | None) -> dict:
    """Write the vLLM folder of adapter version `row` into `out`; returns the files written and the
    warnings (flags vLLM needs). Refuses an adapter vLLM cannot load, saying why."""
    folder = Path(row["path"])
    config = peft_config(folder)
    if not config:
        raise UserError(f"{folder} has no {PEFT_CONFIG}; it is not a peft adapter folder")
    if not (folder / WEIGHTS).is_file():
        raise UserError(f"{folder} has no {WEIGHTS} (vLLM loads safetensors); save the adapter with safetensors")
    refused, warnings = vllm_problems(config)
    if refused:
        raise UserError(
            f"vLLM cannot serve {row['ref']}: {'; '.join(refused)}; "
            f"serve a merged model instead (`minions adapters merge {row['ref']} --out DIR`)"
        )
    files = [PEFT_CONFIG, WEIGHTS]
    extra = added_tokens(folder, base)
    if extra:
        files += [f for f in TOKENIZER_FILES if (folder / f).is_file()]
        warnings.append(f"the adapter adds {extra} tokens: its tokenizer files are in the folder")
    for name in files:
        shutil.copyfile(folder / name, out / name)
    write_adapter_meta(out, {k: v for k, v in row["meta"].items() if k != "schema_version"})
    inputs = {name: content_hash((folder / name).read_bytes()) for name in files}
    parents = [m["id"] for m in [read_manifest(folder)] if m and m.get("id")]
    write_manifest(out, "adapter-export", {"format": "vllm", "adapter": row["ref"]}, inputs, parents=parents)
    return {"adapter": row["ref"], "files": sorted([*files, ADAPTER_META]), "warnings": warnings}
