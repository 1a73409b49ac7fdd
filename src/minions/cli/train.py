"""`minions train` and `minions eval`."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import typer
from pydantic import ValidationError

from minions.cli.common import (
    ConfigOpt,
    ForceOpt,
    JsonOpt,
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
    base_model: str = typer.Option(
        None,
        "--base-model",
        "-m",
        help="Built-in name, HF folder or .gguf file.",
        show_default="config's train.base_model",
    ),
    steps: int = typer.Option(None, help="Optimizer steps.", show_default="from --epochs, else sized to the dataset"),
    epochs: float = typer.Option(None, help="Passes over the train records.", show_default="3, 2 or 1 by dataset size"),
    batch_size: int = typer.Option(
        None,
        help="Records per optimizer step (packed: the rows that hold about that many).",
        show_default="config's train.batch_size, 4",
    ),
    max_length: int = typer.Option(None, help="Tokens per example.", show_default="config's train.max_length, 320"),
    learning_rate: float = typer.Option(None, help="Peak learning rate.", show_default="sized to the base model"),
    packing: bool = typer.Option(
        None, "--packing/--no-packing", help="Pack several records per row.", show_default="config's train.packing, on"
    ),
    lora_variant: str = typer.Option(
        None, help="lora, rslora or dora.", show_default="config's train.lora_variant, lora"
    ),
    team: str = typer.Option(None, help="Owner team recorded in the registry.", show_default="none"),
    nproc: int = typer.Option(1, help="Training processes (DDP through accelerate; gloo on CPU)."),
    accelerate_config: str = typer.Option(
        None,
        help="For --nproc on GPUs: fsdp or deepspeed-zero2 (configs shipped in minions/training/accelerate/), "
        "or an accelerate config file.",
        show_default="DDP",
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help="Adapter folder.", show_default="<workspace>/adapters/<name>/<version>"
    ),
    config: Path = ConfigOpt,
    ws: Path = WorkspaceOpt,
    force: bool = ForceOpt,
    resume: bool = typer.Option(
        False, "--resume", help="Continue a killed run from its last checkpoint (same settings: same adapter)."
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Train a LoRA adapter on a dataset and register it by name.

    Every setting left out is sized to the base model and the dataset; all are printed at start and saved
    in the adapter folder (settings.json). Progress shows loss, useful tokens/s and the time left.

    Example: minions train dataset/ --name shop-v1 --base-model smollm2-135m --epochs 2
    """
    from minions.adapters import (
        check_adapter_name,
        default_folder,
        register_trained,
        reserve_version,
        resumable_version,
    )
    from minions.models.base import base_hash, canonical_base_model, check_base_model, resolve_base_model
    from minions.training.train import prepare_job, run_job

    setup_threads()
    check_adapter_name(name)
    check_input_path(dataset / "train.jsonl", "dataset file")
    if nproc < 1:
        raise UserError(f"--nproc must be at least 1, not {nproc}")
    if steps is not None and epochs is not None:
        raise UserError("give --steps or --epochs, not both")
    if accelerate_config is not None:
        from minions.training.launch import accelerate_config_path, check_sharded

        if nproc < 2:
            raise UserError("--accelerate-config needs --nproc 2 or more (one process takes no accelerate config)")
        accelerate_config = accelerate_config_path(accelerate_config)
    cfg = config_or_default(config).train
    overrides = {
        "base_model": base_model,
        "steps": steps,
        "epochs": epochs,
        "batch_size": batch_size,
        "max_length": max_length,
        "learning_rate": learning_rate,
        "packing": packing,
        "lora_variant": lora_variant,
        "team": team,
    }
    cfg = validated_train_config({**cfg.model_dump(), **{k: v for k, v in overrides.items() if v is not None}})
    check_base_model(cfg.base_model)
    cfg.base_model = canonical_base_model(cfg.base_model)
    w = workspace(ws)
    if accelerate_config is not None:
        cfg = check_sharded(cfg, resume)
    log(f"base model {cfg.base_model}: preparing (converted once, then cached in {w.dir('models')})")
    base = resolve_base_model(cfg.base_model, w)
    job = prepare_job(dataset, base, cfg, base_hash(base, w), nproc)
    log(job.settings.describe())
    if job.truncated:
        log(f"{job.truncated} of {len(job.train)} train records reach max_length {job.settings.max_length} and are cut")
    version = None  # a folder of the user's (--out) is numbered when registered
    if out is None:
        version = (resume and resumable_version(w, name)) or reserve_version(w, name)
    target = out or default_folder(w, name, version)
    log(f"training {name}@{version} into {target}" if version else f"training {name} into {target}")
    with output_folder(target, force, resume) as tmp, claimed(tmp):
        if nproc > 1:
            from minions.training.launch import launch

            launch(
                dataset=dataset,
                base_folder=base,
                base_hash=job.base_hash,
                cfg=cfg,
                out=tmp,
                name=name,
                version=version,
                resume=resume,
                processes=nproc,
                accelerate_config=accelerate_config,
            )
            manifest = read_manifest(tmp)
        else:
            with progress(("training", job.settings.steps)) as [step]:
                manifest = run_job(job, tmp, name, version, resume, step_note(step), log)
    row = register_trained(w, target.resolve(), cfg.team)
    log(f"registered {name}@{row['version']}")
    result(
        {
            "adapter": name,
            "version": row["version"],
            "path": str(target.resolve()),
            "final_loss": manifest["final_loss"],
        },
        as_json,
        str(target.resolve()),
    )


@contextlib.contextmanager
def claimed(folder: Path):
    """Mark `folder` as written by this process (`.owner`, its pid) for as long as the work lasts: a
    `--resume` of a run that is still alive is refused instead of writing into the same folder."""
    owner = folder / ".owner"
    if owner.is_file():
        pid = int(owner.read_text() or 0)
        if pid and pid != os.getpid() and _alive(pid):
            raise UserError(f"a training (pid {pid}) is still writing into {folder}; wait for it or stop it first")
    owner.write_text(str(os.getpid()))
    yield
    owner.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def step_note(advance):
    """A progress callback showing the loss and the useful tokens per second so far."""
    seen = {"tokens": 0}

    def on_step(entry: dict) -> None:
        seen["tokens"] += entry["tokens"]
        rate = seen["tokens"] / entry["seconds"] if entry["seconds"] else 0.0
        val = f" val {entry['val_loss']:.3f}" if "val_loss" in entry else ""
        advance(f"loss {entry['loss']:.3f}{val} {rate:,.0f} tok/s", total=entry.get("of"))

    return on_step


def evaluate(
    dataset: Path = typer.Argument(..., help="Dataset folder from `minions build`."),
    adapter: str = typer.Option(None, "--adapter", "-a", help="Adapter name (registry), name@N, or folder."),
    adapters: str = typer.Option(
        None, "--adapters", help="Several adapters to compare side by side, comma-separated (after --adapter)."
    ),
    split: str = typer.Option("eval", help="Which split file to score."),
    tasks: str = typer.Option(None, "--tasks", help="Only these tasks, comma-separated.", show_default="every task"),
    max_records: int = typer.Option(
        None, help="Score at most this many records, spread over the tasks (seeded).", show_default="all"
    ),
    samples: int = typer.Option(8, help="Records (spread over the tasks) every model also generates for; 0: none."),
    max_new_tokens: int = typer.Option(256, help="Token limit of each generated output."),
    seed: int = typer.Option(0, help="Seed of the record sample and the bootstrap intervals."),
    out: Path = typer.Option(None, "--out", "-o", help="Folder.", show_default="<workspace>/evals/<adapter>-<time>"),
    ws: Path = WorkspaceOpt,
    force: bool = ForceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Compare the base model and one or more adapters on held-out records: results.json and report.html.

    Every record is scored teacher-forced (eval loss, token accuracy); a seeded sample (--samples) is
    also generated by every model and scored: exact match, edit similarity, BLEU, CodeBLEU, the code
    ladder (parses, compiles), REST and SQL rule compliance, user-story structure. Deltas against the
    base come with bootstrap 95% intervals. The scores are kept on each registered adapter version.
    The last stdout line is the absolute path of report.html.

    Example: minions eval dataset/ --adapters shop-v1,shop-v2 --samples 20
    """
    from minions.adapters import record_eval_scores, resolve_adapter
    from minions.adapters.meta import read_adapter_meta
    from minions.evaluation.evaluate import evaluate_adapters
    from minions.models.base import resolve_base_model

    setup_threads()
    if max_records is not None and max_records < 1:
        raise UserError(f"--max-records must be at least 1, not {max_records}")
    if samples < 0 or max_new_tokens < 1:
        raise UserError("--samples must be 0 or more and --max-new-tokens at least 1")
    refs = [a for a in [adapter, *(adapters or "").split(",")] if a and a.strip()]
    if not refs:
        raise UserError("name an adapter: --adapter NAME, or --adapters a,b,c to compare several")
    check_input_path(dataset / f"{split}.jsonl", "dataset file")
    w = workspace(ws)
    rows = [resolve_adapter(w, a.strip()) for a in refs]
    metas = [read_adapter_meta(Path(r["path"])) for r in rows]
    labels = [f"{r['name']}@{r['version']}" if r["version"] else m["name"] for r, m in zip(rows, metas, strict=True)]
    bases = {m["base_model"] for m in metas}
    if len(bases) > 1:
        raise UserError(
            f"the adapters have different base models ({', '.join(sorted(bases))}); compare adapters of one base"
        )
    target = out or w.dir("evals", f"{labels[0]}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}")
    base = resolve_base_model(metas[0]["base_model"], w)
    task_list = [t.strip() for t in tasks.split(",") if t.strip()] if tasks else None
    log(
        f"evaluating {', '.join(labels)} against base {metas[0]['base_model']}: {split} split, "
        f"records {max_records or 'all'}, generated samples {samples}, max new tokens {max_new_tokens}, seed {seed}"
    )
    with output_folder(target, force) as tmp, progress(("evaluating", None)) as [batch]:
        res = evaluate_adapters(
            dataset,
            [Path(r["path"]) for r in rows],
            base,
            tmp,
            split=split,
            max_records=max_records,
            tasks=task_list,
            samples=samples,
            max_new_tokens=max_new_tokens,
            seed=seed,
            on_batch=batch,
            ws=w,
        )
    w.catalog.put(
        "evaluations",
        id=target.name,
        path=str(target.resolve()),
        adapter=",".join(labels),
        dataset_id=(read_manifest(dataset) or {}).get("id"),
        created=time.time(),
    )
    for row, entry in zip(rows, res["adapters"], strict=True):
        if row["version"]:  # a registered version keeps its latest scores (a bare folder has no row)
            scores = {**res["models"][entry["name"]], **res["generated"].get(entry["name"], {})}
            record_eval_scores(w, row["name"], row["version"], {**scores, "evaluation": target.name})
    report = str((target / "report.html").resolve())
    result({**res, "report": report}, as_json, report)


def register(app: typer.Typer) -> None:
    app.command()(train)
    app.command("eval")(evaluate)
