"""LoRA fine-tuning with transformers + peft: a plain AdamW loop, CPU-friendly, deterministic."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path

from minions.adapters.meta import write_adapter_meta
from minions.config import TrainConfig
from minions.datasets.read import load_records
from minions.errors import UserError
from minions.models.base import load_model, quiet_transformers
from minions.models.examples import collate, encode_example
from minions.models.templates import choose_template
from minions.records import SYSTEM_PROMPT
from minions.workspace import read_manifest, write_jsonl, write_manifest


def train_lora(
    dataset: Path,
    base_folder: Path,
    cfg: TrainConfig,
    out: Path,
    name: str,
    on_step: Callable[[int, float], None] | None = None,
) -> dict:
    """Train a LoRA adapter on `dataset/train.jsonl`, save it (peft format) to `out`; return its manifest."""
    import torch
    from peft import LoraConfig, get_peft_model

    quiet_transformers()
    records = load_records(dataset / "train.jsonl")
    if not records:
        raise UserError(f"{dataset}/train.jsonl has no records; build a dataset with more sources")
    torch.manual_seed(cfg.seed)
    tokenizer, model = load_model(base_folder, cfg.threads)
    template = choose_template(cfg.template, tokenizer)
    lora = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=cfg.target_modules,
        task_type="CAUSAL_LM",
    )
    try:
        model = get_peft_model(model, lora)
    except ValueError as e:
        raise UserError(f"train.target_modules {cfg.target_modules} do not fit this model ({e})") from None
    examples = [encode_example(tokenizer, template, r, cfg.max_length) for r in records]
    rng = random.Random(cfg.seed)
    order: list[int] = []
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=cfg.learning_rate)
    warmup = max(1, cfg.steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / warmup))
    model.train()
    log, started = [], time.time()
    for step in range(1, cfg.steps + 1):
        batch = []
        while len(batch) < cfg.batch_size:
            if not order:
                order = list(range(len(examples)))
                rng.shuffle(order)
            batch.append(examples[order.pop()])
        ids, mask, labels = collate(batch, tokenizer.pad_token_id)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        log.append({"step": step, "loss": round(loss.item(), 4), "seconds": round(time.time() - started, 1)})
        if on_step:
            on_step(step, loss.item())
    model.save_pretrained(out)
    write_jsonl(out / "train_log.jsonl", log)
    dataset_manifest = read_manifest(dataset) or {}
    write_adapter_meta(
        out,
        {
            "name": name,
            "base_model": cfg.base_model,
            "template": template.name,
            "system_prompt": SYSTEM_PROMPT,
            "max_length": cfg.max_length,
            "dataset_id": dataset_manifest.get("id"),
            "train_records": len(records),
        },
    )
    return write_manifest(
        out,
        "adapter",
        json.loads(cfg.model_dump_json()),
        {"train.jsonl": (dataset_manifest.get("outputs") or {}).get("train.jsonl", "")},
        parents=[dataset_manifest["id"]] if dataset_manifest.get("id") else [],
        name=name,
        final_loss=log[-1]["loss"],
        seconds=log[-1]["seconds"],
    )
