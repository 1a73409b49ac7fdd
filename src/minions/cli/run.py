"""`minions run`: a whole config, sources to an evaluated adapter."""

from __future__ import annotations

from pathlib import Path

import typer

from minions.cli.common import (
    ExecutorOpt,
    RayAddressOpt,
    WorkspaceOpt,
    apply_executor,
    err,
    log,
    progress,
    setup_threads,
    workspace,
)
from minions.config import load_config
from minions.errors import UserError
from minions.workspace import check_input_path


def default_config() -> Path:
    """configs/quickstart.yaml in the current folder, else in the source checkout minions runs from."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[3]):
        cand = root / "configs" / "quickstart.yaml"
        if cand.is_file():
            return cand
    raise UserError("no configs/quickstart.yaml here; pass a config: minions run path/to/config.yaml")


def run(
    config: Path = typer.Argument(None, help="Pipeline YAML.", show_default="configs/quickstart.yaml"),
    ws: Path = WorkspaceOpt,
    resume: bool = typer.Option(False, "--resume", help="Continue the latest unfinished run of this config."),
    executor: str = ExecutorOpt,
    ray_address: str = RayAddressOpt,
) -> None:
    """Run the whole pipeline from one config: dataset, LoRA adapter, evaluation, report.

    With no config this is the quickstart: examples/acme-shop, scrubbed and parsed, two tasks
    (implement-method, write-test), a LoRA adapter on smollm2-135m, base vs adapter on the eval
    split. The last stdout line is the absolute path of the run's report.html.

    Example: minions run configs/quickstart.yaml --workspace /tmp/ws
    """
    from minions.cli.train import step_note
    from minions.models.base import check_base_model
    from minions.pipeline.run import run_pipeline
    from minions.tasks.registry import check_task_names, default_task_names

    setup_threads()
    path = check_input_path(config, "config") if config else default_config()
    cfg = load_config(path)
    apply_executor(cfg, executor, ray_address)
    check_base_model(cfg.train.base_model)
    for s in cfg.sources:
        check_input_path(s.path, f"source (in {path.name})")
    w = workspace(ws)
    log(f"config {path}; workspace {w.root}")
    names = check_task_names(
        default_task_names() if cfg.tasks.names is None else cfg.tasks.names
    )  # a typo fails before any work
    log(f"base model {cfg.train.base_model}, tasks {', '.join(names)}, eval share {cfg.split.eval_share}")
    with progress(("training", cfg.train.steps), ("evaluating", None)) as [step, batch]:
        report = run_pipeline(cfg, w, resume, log, on_train_step=step_note(step), on_eval_batch=batch)
    results = (report.parent / "results.json").read_text()
    err.print(results)
    typer.echo(str(report))


def register(app: typer.Typer) -> None:
    app.command()(run)
