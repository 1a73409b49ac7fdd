"""`minions train` and `minions eval`."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from pydantic import ValidationError

from minions.cli.common import (
    ConfigOpt,
    ForceOpt,
    JsonOpt,
    ResumeOpt,
    WorkspaceOpt,
    config_or_default,
    log,
    progress,
    result,
    setup_threads,
    workspace,
)
from minions.config import TrainConfig
from minions.errors import UserError
from minions.workspace import check_input_path, output_folder, read_manifest


def validated_train_config(values: dict) -> TrainConfig:
    """The train section with command-line overrides, checked like the config file is."""
    try:
        return TrainConfig.model_validate(values)
    except ValidationError as e:
        err = e.errors()[0]
        raise UserError(f"train.{'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def train(
    dataset: Path = typer.Argument(..., help="Dataset folder from `minions build` (uses train.jsonl)."),
    name: str = typer.Option(..., "--name", "-n", help="Adapter name in the registry."),
    base_model: str = typer.Option(None, "--base-model", "-m", help="Built-in name, HF folder or .gguf file."),
    steps: int = typer.Option(None, help="Optimizer steps [default: config's train.steps, 30]."),
    out: Path = typer.Option(None, "--out", "-o", help="Adapter folder [default: <workspace>/adapters/<name>]."),
    config: Path = ConfigOpt,
    ws: Path = WorkspaceOpt,
    force: bool = ForceOpt,
    resume: bool = ResumeOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Train a LoRA adapter on a dataset and register it by name.

    Example: minions train dataset/ --name shop-v1 --base-model smollm2-135m --steps 30
    """
    from minions.adapters import check_adapter_name, register_adapter
    from minions.models.base import canonical_base_model, check_base_model, resolve_base_model
    from minions.training.train import train_lora

    setup_threads()
    check_adapter_name(name)
    check_input_path(dataset / "train.jsonl", "dataset file")
    cfg = config_or_default(config).train
    overrides = {k: v for k, v in {"base_model": base_model, "steps": steps}.items() if v is not None}
    cfg = validated_train_config({**cfg.model_dump(), **overrides})
    check_base_model(cfg.base_model)
    cfg.base_model = canonical_base_model(cfg.base_model)
    w = workspace(ws)
    target = out or w.dir("adapters", name)
    log(f"base {cfg.base_model}; {cfg.steps} steps, batch {cfg.batch_size}, lr {cfg.learning_rate}, r {cfg.lora_r}")
    base = resolve_base_model(cfg.base_model, w)
    with output_folder(target, force, resume) as tmp, progress(("training", cfg.steps)) as [step]:
        manifest = train_lora(dataset, base, cfg, tmp, name, lambda s, loss: step(f"loss {loss:.3f}"))
    register_adapter(w, name, target.resolve(), cfg.base_model, (read_manifest(dataset) or {}).get("id"))
    result(
        {"adapter": name, "path": str(target.resolve()), "final_loss": manifest["final_loss"]},
        as_json,
        str(target.resolve()),
    )


def evaluate(
    dataset: Path = typer.Argument(..., help="Dataset folder from `minions build`."),
    adapter: str = typer.Option(..., "--adapter", "-a", help="Adapter name (registry) or folder."),
    split: str = typer.Option("eval", help="Which split file to score."),
    max_records: int = typer.Option(None, help="Score at most this many records."),
    out: Path = typer.Option(None, "--out", "-o", help="Folder [default: <workspace>/evals/<adapter>-<time>]."),
    ws: Path = WorkspaceOpt,
    force: bool = ForceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Compare the base model and an adapter on held-out records: results.json and report.html.

    The last stdout line is the absolute path of report.html.

    Example: minions eval dataset/ --adapter shop-v1
    """
    from minions.adapters import find_adapter
    from minions.adapters.meta import read_adapter_meta
    from minions.evaluation.evaluate import evaluate_adapter
    from minions.models.base import resolve_base_model

    setup_threads()
    if max_records is not None and max_records < 1:
        raise UserError(f"--max-records must be at least 1, not {max_records}")
    check_input_path(dataset / f"{split}.jsonl", "dataset file")
    w = workspace(ws)
    folder = find_adapter(w, adapter)
    meta = read_adapter_meta(folder)
    target = out or w.dir("evals", f"{meta['name']}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}")
    base = resolve_base_model(meta["base_model"], w)
    with output_folder(target, force) as tmp, progress(("evaluating", None)) as [batch]:
        res = evaluate_adapter(dataset, folder, base, tmp, split, max_records, on_batch=batch)
    w.catalog.put(
        "evaluations",
        id=target.name,
        path=str(target.resolve()),
        adapter=meta["name"],
        dataset_id=(read_manifest(dataset) or {}).get("id"),
        created=time.time(),
    )
    report = str((target / "report.html").resolve())
    result({**res, "report": report}, as_json, report)


def register(app: typer.Typer) -> None:
    app.command()(train)
    app.command("eval")(evaluate)
