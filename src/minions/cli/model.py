"""`minions model`: the built-in base models and what is cached."""

from __future__ import annotations

from pathlib import Path

import typer

from minions.cli.common import JsonOpt, WorkspaceOpt, log, result, setup_threads, workspace

group = typer.Typer(
    help="Base models: built-ins, and the converted copies cached in the workspace.", no_args_is_help=True
)


@group.command("list")
def list_models(ws: Path = WorkspaceOpt, as_json: bool = JsonOpt) -> None:
    """Show the built-in base models and which are cached.

    Example: minions model list
    """
    from minions.models.base import BUILTINS, cached_models

    cached = cached_models(workspace(ws))
    rows = [
        {
            "name": m.name,
            "description": m.description,
            "cached": str(cached[m.name]) if m.name in cached else None,
        }
        for m in BUILTINS.values()
    ]
    rows += [
        {"name": n, "description": "converted GGUF file", "cached": str(p)}
        for n, p in cached.items()
        if n not in BUILTINS
    ]
    text = "\n".join(
        f"{r['name']:<14} {'cached' if r['cached'] else 'not cached':<11} {r['description']}" for r in rows
    )
    result(rows, as_json, text)


@group.command("prepare")
def prepare(
    spec: str = typer.Argument(..., help="Built-in name or .gguf file."),
    ws: Path = WorkspaceOpt,
) -> None:
    """Convert a built-in or GGUF model once and cache it; print its folder.

    Example: minions model prepare smollm2-135m
    """
    from minions.models.base import check_base_model, resolve_base_model

    setup_threads()
    check_base_model(spec)
    log(f"preparing {spec} (a GGUF model takes about 40 s to de-quantise, once)")
    typer.echo(str(resolve_base_model(spec, workspace(ws))))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="model")
