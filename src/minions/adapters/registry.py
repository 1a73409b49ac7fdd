"""Adapters by name: rows in the catalog pointing at peft folders."""

from __future__ import annotations

import time
from pathlib import Path

from minions.config import adapter_name_problem
from minions.errors import UserError
from minions.workspace import Workspace


def register_adapter(ws: Workspace, name: str, path: Path, base_model: str, dataset_id: str | None) -> None:
    """Add or replace the adapter `name` in the catalog."""
    check_adapter_name(name)
    ws.catalog.put(
        "adapters",
        name=name,
        path=str(path),
        base_model=base_model,
        dataset_id=dataset_id,
        created=time.time(),
    )


def check_adapter_name(name: str) -> None:
    """Refuse, before any work, a name that cannot name an adapter."""
    if problem := adapter_name_problem(name):
        raise UserError(problem)


def list_adapters(ws: Workspace) -> list[dict]:
    return ws.catalog.rows("adapters")


def find_adapter(ws: Workspace, name_or_path: str) -> Path:
    """An adapter folder by catalog name, or a path to one."""
    rows = ws.catalog.rows("adapters", name=name_or_path)
    if rows:
        return Path(rows[0]["path"])
    path = Path(name_or_path)
    if path.is_dir():
        return path.resolve()
    known = ", ".join(r["name"] for r in list_adapters(ws)) or "none yet; train one with `minions train`"
    raise UserError(f"no adapter {name_or_path!r} in {ws.root}; known: {known}")
