"""`minions serve`: the OpenAI-compatible API on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

import typer

from minions.cli.common import WorkspaceOpt, log, setup_threads, workspace
from minions.errors import UserError


def serve(
    adapter: list[str] = typer.Option(None, "--adapter", "-a", help="Adapter name or folder (repeatable)."),
    base_model: str = typer.Option(None, "--base-model", "-m", help="Base model.", show_default="the adapters' base"),
    port: int = typer.Option(8000, min=0, max=65535, help="Port; 0 picks a free one (the log names it)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind (keep 127.0.0.1 unless behind a proxy)."),
    ws: Path = WorkspaceOpt,
) -> None:
    """Serve a base model and its adapters: /health, /v1/models, /v1/chat/completions.

    Clients pick the base model or an adapter by name in `model`.

    Example: minions serve --adapter quickstart --port 8000
    """
    import uvicorn

    from minions.adapters import find_adapter
    from minions.adapters.meta import check_base, read_adapter_meta
    from minions.models.base import base_hash, check_base_model, resolve_base_model
    from minions.serving.server import create_app, load_engine

    setup_threads()
    w = workspace(ws)
    folders = {}
    for a in adapter or []:
        folder = find_adapter(w, a)
        folders[read_adapter_meta(folder)["name"]] = folder
    metas = {n: read_adapter_meta(f) for n, f in folders.items()}
    if base_model is None:
        bases = {m.get("base_hash") or m["base_model"]: m["base_model"] for m in metas.values()}
        if len(bases) != 1:
            raise UserError("name the base model with --base-model (or pass adapters that share one)")
        base_model = bases.popitem()[1]
    check_base_model(base_model)
    if base_model in folders:
        raise UserError(f"an adapter is named like the base model {base_model!r}; serve it from another name")
    base_folder = resolve_base_model(base_model, w)
    folder_hash = base_hash(base_folder, w)
    for m in metas.values():
        check_base(m, folder_hash, base_model)
    sock = listen(host, port)  # before loading the model: a busy port fails fast
    engine = load_engine(base_model, base_folder, folders)
    bound = sock.getsockname()[1]
    log(f"serving {', '.join(engine.names())} on http://{host}:{bound}/v1")
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host=host, port=bound, log_level="warning"))
    server.run(sockets=[sock])


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), so the log can name the real port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise UserError(
            f"cannot listen on {host}:{port} ({e.strerror}); pick another --port, or 0 for a free one"
        ) from None
    sock.listen(128)
    return sock


def register(app: typer.Typer) -> None:
    app.command()(serve)
