"""`minions serve`: the OpenAI-compatible API over a base model and its adapters."""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
from pathlib import Path

import typer

from minions.cli.common import WorkspaceOpt, log, setup_threads, workspace
from minions.errors import UserError
from minions.workspace import check_input_path


def serve(
    adapter: list[str] = typer.Option(
        None, "--adapter", "-a", help="Adapter to serve: name (latest), name@N or a folder (repeatable)."
    ),
    all_adapters: bool = typer.Option(
        False, "--all", help="Serve every adapter in the registry (loaded on first use)."
    ),
    base_model: str = typer.Option(None, "--base-model", "-m", help="Base model.", show_default="the adapters' base"),
    port: int = typer.Option(8000, min=0, max=65535, help="Port; 0 picks a free one (the log names it)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind; other than loopback needs --api-keys."),
    api_keys: Path = typer.Option(
        None, "--api-keys", help="YAML key file: keys per team and their adapters.", show_default="$MINIONS_API_KEYS"
    ),
    engine_name: str = typer.Option("transformers", "--engine", help="transformers (CPU or GPU) or vllm (GPU)."),
    max_batch: int = typer.Option(16, min=1, help="Sequences generated together (one forward pass per token)."),
    max_waiting: int = typer.Option(64, min=1, help="Sequences that may wait for a slot; more get a 429."),
    max_loaded: int = typer.Option(8, min=1, help="Adapters kept in memory; the least recently used is unloaded."),
    max_tokens: int = typer.Option(2048, min=1, help="Most output tokens a request may ask for."),
    request_timeout: float = typer.Option(300.0, min=1, help="Seconds a request may take before a 504."),
    max_body_kb: int = typer.Option(1024, min=1, help="Largest request body in KiB; larger get a 413."),
    threads: int = typer.Option(1, min=1, help="torch CPU threads."),
    eval_data: Path = typer.Option(
        None, "--eval-data", help="Dataset folder (from `minions build`) whose eval.jsonl records /ui offers."
    ),
    ws: Path = WorkspaceOpt,
) -> None:
    """Serve a base model and its adapters over the OpenAI API: /v1/models, /v1/chat/completions,
    /v1/completions (suffix: fill-in-the-middle), streaming; /health, /metrics and /admin/adapters;
    /ui, a page that compares models' outputs side by side and keeps which is better (in the workspace;
    `minions preferences export` writes them as preference pairs).

    Clients pick `base`, the base model's name, an adapter's name (its latest version) or name@N in
    `model`. Requests for different adapters are generated together in one batch.

    Example: minions serve --adapter quickstart --port 8000
    """
    import uvicorn

    from minions.serving.auth import key_file_from_env, load_keys
    from minions.serving.server import Limits, Served, create_app, running

    setup_threads()
    if engine_name not in ("transformers", "vllm"):
        raise UserError(f"--engine {engine_name!r}: use transformers or vllm")
    if engine_name == "vllm":
        from minions.serving.vllm import check_vllm_available

        check_vllm_available()  # before resolving and hashing a large base model
    from minions.serving.compare import load_eval_records

    if eval_data is not None and engine_name == "vllm":
        raise UserError("--eval-data is for the /ui page, which the transformers engine serves; drop one of them")
    records = load_eval_records(check_input_path(eval_data, "--eval-data")) if eval_data is not None else []
    key_file = api_keys or key_file_from_env()
    keys = load_keys(key_file) if key_file else None
    if keys is None and not _loopback(host):
        raise UserError(
            f"--host {host} would let anyone on the network use the models: give --api-keys FILE "
            "(see docs/examples/api-keys.yaml), or keep --host 127.0.0.1"
        )
    w = workspace(ws)
    base_model, base_folder, models = _served_models(w, adapter or [], all_adapters, base_model)
    sock = listen(host, port)  # before loading the model: a busy port fails fast
    bound = sock.getsockname()[1]
    if engine_name == "vllm":
        from minions.serving.proxy import serve_vllm

        sock.close()
        serve_vllm(base_model, base_folder, models, host, bound, keys, max_loaded)
        return
    engine, catalog, fim, context = _load(
        w, base_model, base_folder, models, max_batch, max_waiting, max_loaded, threads
    )
    limits = Limits(
        context=context,
        max_output_tokens=max_tokens,
        max_body_bytes=max_body_kb * 1024,
        request_timeout_s=request_timeout,
    )
    served = Served(engine, catalog, limits, keys, fim, workspace=w, eval_records=records)
    log(
        f"minions serve: {base_model} with {len(models)} adapter(s); batch {max_batch}, queue {max_waiting}, "
        f"{max_loaded} adapters in memory, context {context}, timeout {request_timeout:g} s, "
        f"body {max_body_kb} KiB; "
        + (f"API keys for {', '.join(keys.teams)}" if keys else "no API keys: loopback only")
    )
    if records:
        log(f"/ui offers {len(records)} eval record(s) from {eval_data}")
    log(f"serving {', '.join(catalog.ids())} on http://{host}:{bound}/v1 (compare them at /ui)")
    config = uvicorn.Config(
        create_app(served), host=host, port=bound, log_level="warning", timeout_graceful_shutdown=30
    )
    # uvicorn drains on SIGTERM, then raises the signal again: exit 0 after the drain, not -15
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with running(engine):
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        log("minions serve: stopped")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _served_models(w, refs: list[str], all_adapters: bool, base_model: str | None):
    """(base model name, its folder, {id: (name, version, folder, meta)}), every adapter checked
    against the base model's content hash."""
    from minions.adapters import list_adapters, resolve_adapter
    from minions.adapters.meta import check_base, read_adapter_meta
    from minions.models.base import base_hash, check_base_model, resolve_base_model
    from minions.serving.engine import check_servable

    rows = [resolve_adapter(w, r) for r in refs]
    if all_adapters:
        rows += [r for r in list_adapters(w) if r["path"] not in {x["path"] for x in rows}]
    models = {}
    for row in rows:
        folder = Path(row["path"])
        meta = read_adapter_meta(folder)
        name, version = meta["name"], row.get("version")
        models[f"{name}@{version}" if version else name] = (name, version, folder, meta)
    if base_model is None:
        bases = {m.get("base_hash") or m["base_model"]: m["base_model"] for *_, m in models.values()}
        if len(bases) != 1:
            raise UserError("name the base model with --base-model (or pass adapters that share one)")
        base_model = bases.popitem()[1]
    check_base_model(base_model)
    if any(name == base_model for name, *_ in models.values()):
        raise UserError(f"an adapter is named like the base model {base_model!r}; serve it from another name")
    base_folder = resolve_base_model(base_model, w)
    folder_hash = base_hash(base_folder, w)
    if all_adapters:  # adapters of other bases are left out, not an error
        models = {k: v for k, v in models.items() if v[3].get("base_hash") in (None, folder_hash)}
    for *_, meta in models.values():
        check_base(meta, folder_hash, base_model)
    for key, (_, _, folder, _) in list(models.items()):
        try:
            check_servable(folder)
        except UserError:
            if not all_adapters:
                raise
            log(f"minions serve: {key} left out: a DoRA adapter cannot share a batch (merge it to serve it)")
            del models[key]
    return base_model, base_folder, models


def _load(w, base_model, base_folder, models, max_batch, max_waiting, max_loaded, threads):
    """The engine with the base model in memory, the catalog of served ids, FIM tokens, context."""
    from minions.adapters import resolve_adapter
    from minions.adapters.meta import check_base, read_adapter_meta
    from minions.models.base import base_hash, load_model, model_facts
    from minions.models.fim import fim_tokens
    from minions.models.templates import choose_template
    from minions.serving.catalog import Catalog, ServedModel
    from minions.serving.engine import Engine
    from minions.serving.server import served_model_of

    tokenizer, model = load_model(base_folder, threads)
    folder_hash = base_hash(base_folder, w)

    def resolve(ref: str) -> ServedModel:
        row = resolve_adapter(w, ref)
        meta = read_adapter_meta(Path(row["path"]))
        check_base(meta, folder_hash, base_model)
        return served_model_of(Path(row["path"]), meta["name"], row.get("version"), meta)

    base = ServedModel(base_model, "", None, None, choose_template("auto", tokenizer))
    catalog = Catalog(base, resolve)
    for name, version, folder, meta in models.values():
        catalog.add(served_model_of(folder, name, version, meta))
    engine = Engine(
        tokenizer,
        model,
        end_ids={tokenizer.eos_token_id},
        max_batch=max_batch,
        max_waiting=max_waiting,
        max_loaded=max_loaded,
    )
    context = model_facts(base_folder)["context"] or 2048
    return engine, catalog, fim_tokens(tokenizer), context


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
