"""`minions adapters`: the adapter registry."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from minions.cli.common import JsonOpt, WorkspaceOpt, result, workspace
from minions.errors import UserError
from minions.workspace import read_manifest

group = typer.Typer(help="Trained adapters registered in the workspace catalog.", no_args_is_help=True)


@group.command("list")
def list_adapters(ws: Path = WorkspaceOpt, as_json: bool = JsonOpt) -> None:
    """List registered adapters (name, base model, folder).

    Example: minions adapters list --json
    """
    from minions.adapters import list_adapters as rows_of

    rows = rows_of(workspace(ws))
    text = "\n".join(f"{r['name']:<24} {r['base_model']:<16} {r['path']}" for r in rows) or "no adapters yet"
    result(rows, as_json, text)


@group.command("show")
def show(name: str = typer.Argument(..., help="Adapter name."), ws: Path = WorkspaceOpt) -> None:
    """Print an adapter's manifest (config, dataset it came from, final loss).

    Example: minions adapters show quickstart
    """
    from minions.adapters import find_adapter

    folder = find_adapter(workspace(ws), name)
    manifest = read_manifest(folder)
    if manifest is None:
        raise UserError(f"{folder} has no manifest.json: not an adapter made by `minions train`")
    typer.echo(json.dumps(manifest, indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="adapters")
