"""Score the base model and an adapter on the same held-out records, with the same prompt template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from minions.adapters.meta import check_base, read_adapter_meta
from minions.datasets.read import load_records
from minions.errors import UserError
from minions.evaluation.metrics import METRICS
from minions.evaluation.report import write_report
from minions.models.base import base_hash, load_model
from minions.models.examples import collate, encode_example
from minions.models.templates import template_from_meta
from minions.records import SCHEMA_VERSION
from minions.workspace import Workspace, read_manifest, write_json, write_manifest


def score(
    model, tokenizer, examples: list, groups: list[str], batch_size: int, on_batch: Callable[[], None] | None = None
) -> tuple[dict, dict[str, dict]]:
    """Every registered metric, teacher-forced: over all examples, and per group (the task).

    Batches never mix groups; the metrics are sums over tokens, so batching does not change them.
    """
    import torch

    def fresh() -> dict:
        return {name: make() for name, make in METRICS.items()}

    overall, per_group = fresh(), {}
    model.eval()
    with torch.no_grad():
        for group in sorted(set(groups)):
            members = [ex for ex, g in zip(examples, groups, strict=True) if g == group]
            per_group[group] = fresh()
            for i in range(0, len(members), batch_size):
                ids, mask, labels = collate(members[i : i + batch_size], tokenizer.pad_token_id)
                logits = model(input_ids=ids, attention_mask=mask).logits
                for m in [*overall.values(), *per_group[group].values()]:
                    m.update(logits, labels)
                if on_batch:
                    on_batch()

    def results(metrics: dict) -> dict:
        return {name: round(m.result(), 4) for name, m in metrics.items()}

    return results(overall), {g: results(ms) for g, ms in per_group.items()}


def evaluate_adapter(
    dataset: Path,
    adapter: Path,
    base_folder: Path,
    out: Path,
    split: str = "eval",
    max_records: int | None = None,
    batch_size: int = 4,
    threads: int = 1,
    on_batch: Callable[[], None] | None = None,
    ws: Workspace | None = None,
) -> dict:
    """Write results.json and report.html into `out`; return the results. `ws` caches the base's hash."""
    from peft import PeftModel

    meta = read_adapter_meta(adapter)
    path = dataset / f"{split}.jsonl"
    if not path.is_file():
        raise UserError(f"{path} does not exist; pass a dataset folder made by `minions build`")
    records = load_records(path)[:max_records]
    if not records:
        raise UserError(f"{path} has no records to evaluate on")
    check_base(meta, base_hash(base_folder, ws), str(base_folder))
    tokenizer, base = load_model(base_folder, threads)
    template = template_from_meta(meta)
    examples = [encode_example(tokenizer, template, r, meta["max_length"]) for r in records]
    model = PeftModel.from_pretrained(base, adapter, adapter_name=meta["name"])
    tasks = [r.get("task", "") for r in records]
    with model.disable_adapter():
        base_scores, base_by_task = score(model, tokenizer, examples, tasks, batch_size, on_batch)
    adapter_scores, adapter_by_task = score(model, tokenizer, examples, tasks, batch_size, on_batch)
    by_task = {
        t: {"records": tasks.count(t), "models": {"base": base_by_task[t], meta["name"]: adapter_by_task[t]}}
        for t in base_by_task
    }
    results = {
        "schema_version": SCHEMA_VERSION,
        "adapter": meta["name"],
        "adapter_version": meta.get("version"),
        "base_model": meta["base_model"],
        "split": split,
        "eval_records": len(records),
        "template": template.name,
        "models": {"base": base_scores, meta["name"]: adapter_scores},
        "by_task": by_task,
    }
    write_json(out / "results.json", results)
    write_report(out / "report.html", results, records, adapter)
    parents = [x for x in ((read_manifest(dataset) or {}).get("id"), (read_manifest(adapter) or {}).get("id")) if x]
    write_manifest(out, "evaluation", {"split": split, "max_records": max_records}, {}, parents=parents)
    return results


def adapter_improved(results: dict) -> bool:
    models = results["models"]
    return models[results["adapter"]]["eval_loss"] < models["base"]["eval_loss"]
