"""LoRA fine-tuning with transformers + peft: an AdamW loop run through accelerate (one process, or
several with DDP), packed rows, a validation slice, early stopping, checkpoints and resume.

`prepare_job` decides everything before the first step (records encoded, settings resolved) so the
command can print it and size its progress bar; `run_job` trains and writes the adapter folder.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from minions.adapters.meta import write_adapter_meta
from minions.config import TrainConfig
from minions.datasets.read import load_records
from minions.errors import UserError
from minions.models.base import base_hash, load_model, load_tokenizer, model_facts, quiet_transformers
from minions.models.examples import IGNORE, encode_example
from minions.models.templates import PromptTemplate, choose_template, detect_template
from minions.records import SYSTEM_PROMPT, content_hash
from minions.training.data import Example, collate_rows, epoch_plan, hold_out, useful_tokens
from minions.training.settings import Settings, resolve_settings
from minions.workspace import read_manifest, write_json, write_jsonl, write_manifest

CHECKPOINT = "checkpoint"
Log = Callable[[str], None]


@dataclass
class Job:
    """A training run with every decision made."""

    dataset: Path
    base_folder: Path
    base_model: str  # as configured: a built-in name or an absolute path
    base_hash: str
    cfg: TrainConfig
    settings: Settings
    template: PromptTemplate
    train: list[Example]
    val: list[Example]
    dataset_manifest: dict
    truncated: int  # train records cut to max_length (their labels still end with the end token)
    data_hash: str  # of train.jsonl: a checkpoint of other data is not resumed
    plans: dict[int, list] = field(default_factory=dict, repr=False)  # epoch -> its batches, made once

    def batches(self, epoch: int) -> list[list[list[int]]]:
        if epoch not in self.plans:
            s = self.settings
            lengths = [len(x) for x, _ in self.train]
            self.plans[epoch] = epoch_plan(
                lengths, s.batch_size, s.max_length, s.packing, s.group_by_length, s.seed, epoch, s.processes
            )
        return self.plans[epoch]

    def fingerprint(self) -> str:
        """What a checkpoint must match to be resumed: settings, data and base."""
        facts = {"settings": self.settings.as_dict(), "base": self.base_hash, "data": self.data_hash}
        return content_hash(json.dumps(facts, sort_keys=True).encode())


def prepare_job(
    dataset: Path, base_folder: Path, cfg: TrainConfig, base_hash_value: str | None = None, processes: int = 1
) -> Job:
    """Load and encode the train records, hold back the validation slice, resolve every setting."""
    quiet_transformers()
    records = load_records(dataset / "train.jsonl")
    if not records:
        raise UserError(f"{dataset}/train.jsonl has no records; build a dataset with more sources")
    if cfg.batch_size < processes or cfg.batch_size % processes:
        raise UserError(f"train.batch_size {cfg.batch_size} must be a multiple of --nproc {processes}")
    tokenizer = load_tokenizer(base_folder)
    template = choose_template(cfg.template, tokenizer)
    how = f" (auto: {detect_template(tokenizer).reason})" if cfg.template == "auto" else ""
    facts = model_facts(base_folder)
    max_length = min(cfg.max_length, facts["context"]) if facts["context"] else cfg.max_length
    train_idx, val_idx = hold_out(len(records), cfg.val_share, cfg.val_max_records, cfg.seed)
    encoded = [encode_example(tokenizer, template, records[i], max_length) for i in train_idx]
    val = [encode_example(tokenizer, template, records[i], max_length) for i in val_idx]
    lengths = [len(x) for x, _ in encoded]
    first = epoch_plan(lengths, cfg.batch_size, max_length, cfg.packing, cfg.group_by_length, cfg.seed, 0, processes)
    per_epoch = len(first)
    settings = resolve_settings(
        cfg.model_copy(update={"max_length": max_length}),
        template=template.name + how,
        train_records=len(encoded),
        val_records=len(val),
        batches_per_epoch=per_epoch,
        model_parameters=facts["parameters"],
        model_context=facts["context"],
        processes=processes,
    )
    return Job(
        dataset=dataset,
        base_folder=base_folder,
        base_model=cfg.base_model,
        base_hash=base_hash_value or base_hash(base_folder),
        cfg=cfg,
        settings=settings,
        template=template,
        train=encoded,
        val=val,
        dataset_manifest=read_manifest(dataset) or {},
        truncated=sum(1 for x in lengths if x >= max_length),
        data_hash=content_hash((dataset / "train.jsonl").read_bytes()),
        plans={0: first},
    )


def _schedule(settings: Settings) -> Callable[[int], float]:
    """Linear warmup, then cosine decay to a tenth of the peak (or constant)."""
    warm, total = settings.warmup_steps, settings.steps

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        if settings.schedule == "constant":
            return 1.0
        progress = (step - warm) / max(1, total - warm)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    return factor


def _peft_model(model, s: Settings):
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if s.quantize != "none":
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    lora = LoraConfig(
        r=s.lora_r,
        lora_alpha=s.lora_alpha,
        lora_dropout=s.lora_dropout,
        target_modules=s.target_modules,
        use_rslora=s.lora_variant == "rslora",
        use_dora=s.lora_variant == "dora",
        task_type="CAUSAL_LM",
    )
    try:
        return get_peft_model(model, lora)
    except ValueError as e:
        raise UserError(f"train.target_modules {s.target_modules} do not fit this model ({e})") from None


def _trainable(model) -> dict:
    return {k: v.detach().clone() for k, v in model.named_parameters() if v.requires_grad}


def _restore_trainable(model, weights: dict) -> None:
    import torch

    params = dict(model.named_parameters())
    with torch.no_grad():
        for k, v in weights.items():
            params[k].copy_(v)


def _validation_loss(model, job: Job, acc, pad_id: int) -> float:
    """Token-weighted mean loss over the validation slice (each process scores its share)."""
    import torch

    model.eval()
    total = torch.zeros(2, dtype=torch.float64, device=acc.device)
    mine = list(range(acc.process_index, len(job.val), acc.num_processes))
    with torch.no_grad():
        for start in range(0, len(mine), job.settings.batch_size):
            rows = [[i] for i in mine[start : start + job.settings.batch_size]]
            batch = {k: v.to(acc.device) for k, v in collate_rows(rows, job.val, pad_id).items()}
            n = int((batch["labels"][:, 1:] != IGNORE).sum())
            if n:
                total += torch.tensor([model(**batch, use_cache=False).loss.item() * n, n], device=acc.device)
    model.train()
    total = acc.reduce(total, "sum")
    return float(total[0] / total[1]) if total[1] else float("nan")


def _save_checkpoint(out: Path, model, optimizer, scheduler, state: dict, best: dict | None) -> None:
    """Everything needed to continue exactly: trainable weights, optimizer, scheduler, RNG, progress."""
    import torch

    tmp = out / (CHECKPOINT + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    rng = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        rng["cuda"] = torch.cuda.get_rng_state_all()
    torch.save(
        {
            "trainable": _trainable(model),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": rng,
            "best": best,
        },
        tmp / "state.pt",
    )
    write_json(tmp / "progress.json", state)
    # the old checkpoint steps aside before the new one takes its name: a kill at any moment leaves
    # one whole checkpoint to resume from
    old = out / (CHECKPOINT + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if (out / CHECKPOINT).exists():
        (out / CHECKPOINT).rename(old)
    tmp.rename(out / CHECKPOINT)
    shutil.rmtree(old, ignore_errors=True)


def _load_checkpoint(out: Path, job: Job, model, optimizer, scheduler) -> tuple[dict, dict | None] | None:
    import torch

    folder = next((f for f in (out / CHECKPOINT, out / (CHECKPOINT + ".old")) if (f / "progress.json").is_file()), None)
    if folder is None:
        return None
    state = json.loads((folder / "progress.json").read_text())
    if state.get("fingerprint") != job.fingerprint():
        raise UserError(
            f"the checkpoint in {out} was made with other settings, data or base model; "
            "pass --force to start over, or resume with the settings it was made with"
        )
    saved = torch.load(folder / "state.pt", weights_only=False)
    _restore_trainable(model, saved["trainable"])
    optimizer.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    torch.set_rng_state(saved["rng"]["cpu"])
    if "cuda" in saved["rng"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(saved["rng"]["cuda"])
    return state, saved["best"]


def run_job(
    job: Job,
    out: Path,
    name: str,
    version: int | None = None,
    resume: bool = False,
    on_step: Callable[[dict], None] | None = None,
    log: Log = lambda s: None,
) -> dict:
    """Train, write the adapter folder `out` (peft files, minions-adapter.json, train_log.jsonl,
    settings.json, manifest.json); return its manifest. With `resume`, continue from the checkpoint
    in `out` when there is one: the result equals an uninterrupted run's."""
    import torch
    from accelerate import Accelerator

    s = job.settings
    acc = Accelerator(cpu=not torch.cuda.is_available())
    torch.manual_seed(s.seed)
    tokenizer, model = load_model(job.base_folder, s.threads, s.quantize)
    model = _peft_model(model, s)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=s.learning_rate)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule(s))
    model, optimizer = acc.prepare(model, optimizer)
    inner = acc.unwrap_model(model)  # the peft model itself, under any DDP wrapper
    state = {"fingerprint": job.fingerprint(), "step": 0, "seconds": 0.0, "log": [], "best_val": None, "stale": 0}
    best = None
    loaded = _load_checkpoint(out, job, inner, optimizer, scheduler) if resume else None
    if loaded:
        state, best = loaded
        log(f"resuming from the checkpoint at step {state['step']} of {s.steps}")
    writer = _tensorboard(out) if job.cfg.tensorboard and acc.is_main_process else None
    epoch, plan, at = _position(job, state["step"])
    model.train()
    pad = tokenizer.pad_token_id
    stopped_early = False
    while state["step"] < s.steps and not stopped_early:
        if at == len(plan):
            epoch, plan, at = epoch + 1, job.batches(epoch + 1), 0
        rows = plan[at]
        at += 1
        started = time.perf_counter()
        loss = _step_loss(model, rows, job, acc, pad)
        acc.backward(loss * acc.num_processes)  # DDP averages gradients over the processes
        acc.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        mean_loss = acc.reduce(loss.detach(), "sum").item()
        state["step"] += 1
        state["seconds"] += time.perf_counter() - started
        entry = {
            "step": state["step"],
            "epoch": epoch,
            "loss": round(mean_loss, 4),
            "lr": scheduler.get_last_lr()[0],
            "tokens": useful_tokens(rows, job.train),
            "seconds": round(state["seconds"], 3),
        }
        if job.val and (state["step"] % s.val_every == 0 or state["step"] == s.steps):
            entry["val_loss"] = round(_validation_loss(model, job, acc, pad), 4)
            if state["best_val"] is None or entry["val_loss"] < state["best_val"]:
                state["best_val"], state["stale"] = entry["val_loss"], 0
                best = _trainable(inner) if s.early_stopping else None
            else:
                state["stale"] += 1
                stopped_early = bool(s.early_stopping) and state["stale"] >= s.early_stopping
        state["log"].append(entry)
        if writer:
            for key in ("loss", "val_loss", "lr"):
                if key in entry:
                    writer.add_scalar(f"train/{key}", entry[key], entry["step"])
        if on_step and acc.is_main_process:
            on_step({**entry, "of": s.steps})
        if state["step"] % s.checkpoint_every == 0 and state["step"] < s.steps and acc.is_main_process:
            _save_checkpoint(out, inner, optimizer, scheduler, state, best)
        acc.wait_for_everyone()
    if stopped_early:
        log(f"early stopping at step {state['step']}: no better validation loss in {s.early_stopping} validations")
    if best is not None:
        _restore_trainable(inner, best)  # the weights of the best validation loss
    if writer:
        writer.close()
    weights = acc.get_state_dict(model)  # every process takes part: FSDP and DeepSpeed gather shards here
    if not acc.is_main_process:
        return {}
    return _write_adapter(job, out, inner, weights, name, version, state, stopped_early)


def _step_loss(model, rows: list, job: Job, acc, pad: int):
    """This process's share of the step's loss: its rows' answer-token losses summed and divided by
    the answer tokens of the whole step (all processes), so the processes' shares add up to the
    token mean of the step, however unevenly rows and tokens fall. A process with no row of a short
    last batch takes a row with every label ignored (it must still join the gradient exchange)."""
    import torch

    mine = rows[acc.process_index :: acc.num_processes]
    batch = collate_rows(mine or rows[:1], job.train, pad)
    if not mine:
        batch["labels"].fill_(IGNORE)
    batch = {k: v.to(acc.device) for k, v in batch.items()}
    tokens = torch.tensor(float((batch["labels"][:, 1:] != IGNORE).sum()), device=acc.device)
    total = (acc.reduce(tokens, "sum") if acc.num_processes > 1 else tokens).clamp(min=1.0)
    inner = acc.unwrap_model(model)
    head = inner.get_output_embeddings()
    if any(getattr(inner.config, k, None) for k in _SCALED_LOGITS):
        return model(**batch, use_cache=False, num_items_in_batch=total).loss
    # logits only where there is an answer token to predict: the prompt's share of the output layer
    # (a 49k-word vocabulary is a fifth of a small model's work) is never computed
    labels = batch.pop("labels")[:, 1:]
    hidden = model(**batch, use_cache=False, output_hidden_states=True, logits_to_keep=1).hidden_states[-1][:, :-1]
    keep = labels != IGNORE
    logits = head(hidden[keep]).float()
    # the 0 * sum keeps every trainable weight in the graph, so a process without answer tokens still
    # joins the gradient exchange
    return torch.nn.functional.cross_entropy(logits, labels[keep], reduction="sum") / total + 0.0 * hidden.sum()


# configs whose logits are not the output layer's plain product (soft-capped or scaled): their loss
# comes from the model itself
_SCALED_LOGITS = ("final_logit_softcapping", "logit_scale", "logits_scaling")


def _position(job: Job, step: int) -> tuple[int, list, int]:
    """(epoch, that epoch's plan, index of the next batch) after `step` steps."""
    epoch, plan = 0, job.batches(0)
    while step >= len(plan) and step:
        step -= len(plan)
        epoch, plan = epoch + 1, job.batches(epoch + 1)
    return epoch, plan, step


def _tensorboard(out: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise UserError("train.tensorboard needs the tensorboard package: pip install tensorboard") from None
    return SummaryWriter(str(out / "tensorboard"))


def _write_adapter(
    job: Job, out: Path, model, weights: dict, name: str, version: int | None, state: dict, stopped_early: bool
) -> dict:
    s, log = job.settings, state["log"]
    model.save_pretrained(out, state_dict=weights)
    for leftover in (CHECKPOINT, CHECKPOINT + ".old", CHECKPOINT + ".tmp"):
        shutil.rmtree(out / leftover, ignore_errors=True)
    write_jsonl(out / "train_log.jsonl", log)
    write_json(out / "settings.json", s.as_dict())
    tail = log[-max(1, len(log) // 10) :]
    tokens = sum(e["tokens"] for e in log)
    vals = [e["val_loss"] for e in log if "val_loss" in e]
    metrics = {
        "final_loss": round(sum(e["loss"] for e in tail) / len(tail), 4),
        "last_loss": log[-1]["loss"],
        "val_loss": vals[-1] if vals else None,
        "best_val_loss": state["best_val"],
        "steps": state["step"],
        "stopped_early": stopped_early,
        "tokens": tokens,
        "seconds": round(state["seconds"], 2),
        "tokens_per_second": round(tokens / state["seconds"], 1) if state["seconds"] else None,
    }
    ds = job.dataset_manifest
    write_adapter_meta(
        out,
        {
            "name": name,
            "version": version,
            "base_model": job.base_model,
            "base_hash": job.base_hash,
            "template": job.template.to_dict(),
            "system_prompt": SYSTEM_PROMPT,
            "max_length": s.max_length,
            "lora": {
                "r": s.lora_r,
                "alpha": s.lora_alpha,
                "dropout": s.lora_dropout,
                "target_modules": s.target_modules,
                "variant": s.lora_variant,
                "modules_to_save": None,
            },
            "dataset": {"id": ds.get("id"), "name": ds.get("name"), "path": str(job.dataset.resolve())},
            "dataset_id": ds.get("id"),
            "train_records": s.train_records,
            "team": job.cfg.team,
            "metrics": metrics,
        },
    )
    return write_manifest(
        out,
        "adapter",
        {"train": json.loads(job.cfg.model_dump_json()), "resolved": s.as_dict()},
        {"train.jsonl": (ds.get("outputs") or {}).get("train.jsonl", "")},
        parents=[ds["id"]] if ds.get("id") else [],
        name=name,
        version=version,
        base_hash=job.base_hash,
        **metrics,
    )


def train_lora(
    dataset: Path,
    base_folder: Path,
    cfg: TrainConfig,
    out: Path,
    name: str,
    on_step: Callable[[dict], None] | None = None,
    version: int | None = None,
    resume: bool = False,
    log: Log = lambda s: None,
) -> dict:
    """Prepare and run a training job in this process; return the adapter's manifest."""
    job = prepare_job(dataset, base_folder, cfg)
    log(job.settings.describe())
    return run_job(job, out, name, version, resume, on_step, log)
