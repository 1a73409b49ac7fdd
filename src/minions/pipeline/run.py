"""A whole run from one config: dataset, adapter, evaluation, in `<workspace>/runs/<run-id>/`.

Each stage writes into `<stage>.partial` and renames it when done, its manifest written last; a
killed run continued with `--resume` skips the stages that finished.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from minions.adapters import record_eval_scores, register_trained
from minions.config import PipelineConfig
from minions.datasets.versions import register_dataset
from minions.errors import GateFailure, UserError
from minions.pipeline.build import Log, build_dataset, fim_tokens_for, manifest_config
from minions.scrub.pseudonyms import load_key
from minions.workspace import Workspace, read_manifest, write_manifest


def _stage(folder: Path, work: Callable[[Path], object], log: Log) -> None:
    if read_manifest(folder):
        log(f"{folder.name}: done in an earlier attempt, kept")
        return
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        work(partial)
    except GateFailure:
        # the gate left only its report: it stays where the error message says, as the stage's folder
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
        raise
    except UserError:
        shutil.rmtree(partial, ignore_errors=True)  # bad input: nothing half-written stays
        raise
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def new_run_id(cfg: PipelineConfig) -> str:
    """Name, UTC time and a random suffix: two runs started in the same second do not share a folder."""
    return f"{cfg.name}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{secrets.token_hex(2)}"


def latest_unfinished(ws: Workspace, cfg: PipelineConfig) -> str:
    rows = [r for r in ws.catalog.rows("runs", name=cfg.name) if r["status"] != "done"]
    if not rows:
        raise UserError(f"no unfinished run named {cfg.name!r} in {ws.root}; run without --resume")
    return rows[0]["id"]


def run_pipeline(
    cfg: PipelineConfig,
    ws: Workspace,
    resume: bool = False,
    log: Log = lambda s: None,
    on_train_step: Callable[[dict], None] | None = None,
    on_eval_batch: Callable[[], None] | None = None,
) -> Path:
    """Run every stage; return the absolute path of the run's report.html.

    Bad input found on the way (UserError) removes a new run's folder and catalog row; a resumed
    run keeps the stages it had finished.
    """
    run_id = latest_unfinished(ws, cfg) if resume else new_run_id(cfg)
    run_dir = ws.dir("runs", run_id)
    ws.catalog.put("runs", id=run_id, name=cfg.name, path=str(run_dir), status="running", created=time.time())
    log(f"run {run_id} in {run_dir}")
    try:
        return _run_stages(cfg, ws, run_id, run_dir, log, on_train_step, on_eval_batch)
    except GateFailure as e:
        ws.catalog.put("runs", id=run_id, name=cfg.name, path=str(run_dir), status="gate-failed", created=time.time())
        raise GateFailure(f"{e} (the run's dataset folder: {run_dir / 'dataset'})") from None
    except UserError:
        if not resume:
            shutil.rmtree(run_dir, ignore_errors=True)
            ws.catalog.delete("runs", id=run_id)
        raise


def _run_stages(
    cfg: PipelineConfig,
    ws: Workspace,
    run_id: str,
    run_dir: Path,
    log: Log,
    on_train_step: Callable[[dict], None] | None,
    on_eval_batch: Callable[[], None] | None,
) -> Path:
    from minions.evaluation.evaluate import evaluate_adapter
    from minions.models.base import resolve_base_model
    from minions.training.train import train_lora

    dataset, adapter, evaluation = run_dir / "dataset", run_dir / "adapter", run_dir / "evaluation"
    key = load_key(ws.root)
    fim = fim_tokens_for(cfg, ws)  # before any work: a base model without FIM tokens cannot take the fim form
    # the base model first: the build's token-size filter measures records with its tokenizer
    log(f"base model {cfg.train.base_model}: preparing (converted once, then cached in {ws.dir('models')})")
    base = resolve_base_model(cfg.train.base_model, ws)
    _stage(dataset, lambda out: build_dataset(cfg, out, log, key, fim, ws), log)
    ds = read_manifest(dataset)
    register_dataset(ws, dataset)
    name = cfg.train.adapter_name or cfg.name
    log(f"training adapter {name}")
    _stage(adapter, lambda out: train_lora(dataset, base, cfg.train, out, name, on_train_step, log=log), log)
    registered = register_trained(ws, adapter, cfg.train.team)
    log("evaluating base model and adapter on the eval split")
    _stage(
        evaluation,
        lambda out: evaluate_adapter(
            dataset,
            adapter,
            base,
            out,
            max_records=cfg.eval.max_records,
            samples=cfg.eval.samples,
            max_new_tokens=cfg.eval.max_new_tokens,
            seed=cfg.eval.seed,
            batch_size=cfg.eval.batch_size,
            threads=cfg.train.threads,
            on_batch=on_eval_batch,
            ws=ws,
        ),
        log,
    )
    for f in ("results.json", "report.html"):
        shutil.copyfile(evaluation / f, run_dir / f)
    ev = read_manifest(evaluation)
    results = json.loads((evaluation / "results.json").read_text())
    scores = {**results["models"][name], **results.get("generated", {}).get(name, {})}
    record_eval_scores(ws, name, registered["version"], {**scores, "evaluation": ev["id"]})
    ws.catalog.put(
        "evaluations",
        id=ev["id"],
        path=str(evaluation),
        adapter=f"{name}@{registered['version']}",
        dataset_id=ds["id"],
        created=time.time(),
    )
    write_manifest(run_dir, "run", manifest_config(cfg, key), {}, parents=[ds["id"], ev["id"]], run_id=run_id)
    ws.catalog.put("runs", id=run_id, name=cfg.name, path=str(run_dir), status="done", created=time.time())
    return (run_dir / "report.html").resolve()
