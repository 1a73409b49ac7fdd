"""An adapter folder's own description (`minions-adapter.json`): name, version, base model and its
content hash, prompt template. Training writes it; serving and evaluation read it to load the adapter
onto the right base and render prompts exactly as it was trained."""

from __future__ import annotations

import json
from pathlib import Path

from minions.errors import UserError
from minions.workspace import write_json

ADAPTER_META = "minions-adapter.json"
# 2: `version`, `base_hash`, `lora`, `metrics` and `dataset` ({id, name, path}, in place of 1's `dataset_id`)
ADAPTER_META_SCHEMA_VERSION = 2


def write_adapter_meta(folder: Path, meta: dict) -> None:
    """Write the adapter's description next to its peft files."""
    write_json(folder / ADAPTER_META, {"schema_version": ADAPTER_META_SCHEMA_VERSION, **meta})


def read_adapter_meta(folder: Path) -> dict:
    """The description of the adapter in `folder`; a clear error when it is not a minions adapter."""
    path = folder / ADAPTER_META
    if not path.is_file():
        raise UserError(f"{folder} is not a minions adapter (no {ADAPTER_META}); train one with `minions train`")
    try:
        meta = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(f"{path} is not JSON; train the adapter again or restore the file") from None
    if not isinstance(meta, dict):
        raise UserError(f"{path} is not a JSON object; train the adapter again or restore the file")
    return upgrade_adapter_meta(meta)


def upgrade_adapter_meta(meta: dict) -> dict:
    """A description of an older schema in the current form (keys only added, none removed)."""
    meta = dict(meta)
    meta.setdefault("version", 1)
    if "dataset" not in meta:
        meta["dataset"] = {"id": meta.get("dataset_id"), "name": None, "path": None}
    meta.setdefault("dataset_id", (meta["dataset"] or {}).get("id"))
    return meta


def check_base(meta: dict, folder_hash: str, spec: str) -> None:
    """Refuse to load an adapter onto a base model other than the one it was trained on (compared by
    content hash, so the same model by another path is fine). Adapters made before base hashes were
    recorded carry none and are not checked."""
    trained_on = meta.get("base_hash")
    if trained_on and trained_on != folder_hash:
        raise UserError(
            f"adapter {meta.get('name')!r} was trained on base model {meta.get('base_model')!r} "
            f"({trained_on[:19]}), but {spec!r} has content hash {folder_hash[:19]}; "
            "load it onto the base it was trained on"
        )
