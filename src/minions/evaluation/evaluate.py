"""Score the base model and adapters on the same held-out records: teacher-forced loss on every record,
generated outputs on a seeded sample, deltas against the base with bootstrap intervals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from minions.adapters.meta import check_base, read_adapter_meta
from minions.datasets.read import load_records
from minions.errors import UserError
from minions.evaluation.generate import generate
from minions.evaluation.memorisation import WINDOW, TrainingIndex
from minions.evaluation.metrics import METRICS, record_losses
from minions.evaluation.outputs import (
    compile_scores,
    generated_impl_scores,
    generated_test_scores,
    score_output,
    task_codebleu,
)
from minions.evaluation.report import write_report
from minions.models.base import base_hash, load_model
from minions.models.examples import collate, encode_example
from minions.models.templates import record_messages, template_from_meta
from minions.records import SCHEMA_VERSION
from minions.scoring.text import bootstrap_ci
from minions.workspace import Workspace, read_manifest, write_json, write_manifest


def score(
    model, tokenizer, examples: list, groups: list[str], batch_size: int, on_batch: Callable[[], None] | None = None
) -> tuple[dict, dict[str, dict], list[float]]:
    """Every registered metric, teacher-forced: over all examples, per group (the task), and each
    example's own eval loss (in the examples' order).

    Batches never mix groups; the metrics are sums over tokens, so batching does not change them.
    """
    import torch

    def fresh() -> dict:
        return {name: make() for name, make in METRICS.items()}

    overall, per_group = fresh(), {}
    losses = [0.0] * len(examples)
    model.eval()
    with torch.no_grad():
        for group in sorted(set(groups)):
            members = [k for k, g in enumerate(groups) if g == group]
            per_group[group] = fresh()
            for i in range(0, len(members), batch_size):
                chunk = members[i : i + batch_size]
                ids, mask, labels = collate([examples[k] for k in chunk], tokenizer.pad_token_id)
                logits = model(input_ids=ids, attention_mask=mask).logits
                for m in [*overall.values(), *per_group[group].values()]:
                    m.update(logits, labels)
                for k, loss in zip(chunk, record_losses(logits, labels), strict=True):
                    losses[k] = loss
                if on_batch:
                    on_batch()

    def results(metrics: dict) -> dict:
        return {name: round(m.result(), 4) for name, m in metrics.items()}

    return results(overall), {g: results(ms) for g, ms in per_group.items()}, losses


def sample_across_tasks(records: list[dict], n: int | None, seed: int = 0) -> list[dict]:
    """At most `n` records spread over the tasks: each task's records in a seeded order, then taken
    task by task in turn, so a short evaluation still covers every task. All of them when n is None
    (in file order)."""
    import random

    if n is None or n >= len(records):
        return list(records)
    queues: dict[str, list[dict]] = {}
    for r in records:
        queues.setdefault(r.get("task", ""), []).append(r)
    rng = random.Random(seed)
    for task in sorted(queues):
        rng.shuffle(queues[task])
    picked: list[dict] = []
    while len(picked) < n:
        for task in sorted(queues):
            if queues[task] and len(picked) < n:
                picked.append(queues[task].pop())
    return picked


def _display_names(metas: list[dict]) -> list[str]:
    """How results name each adapter: its name, or name@version when two share a name."""
    names = [m["name"] for m in metas]
    out = [f"{m['name']}@{m.get('version')}" if names.count(m["name"]) > 1 else m["name"] for m in metas]
    if len(set(out)) != len(out) or "base" in out:
        raise UserError(f"the adapters to compare must differ (and none be called base): {', '.join(out)}")
    return out


def evaluate_adapters(
    dataset: Path,
    adapters: list[Path],
    base_folder: Path,
    out: Path,
    *,
    split: str = "eval",
    max_records: int | None = None,
    tasks: list[str] | None = None,
    samples: int = 8,
    max_new_tokens: int = 256,
    seed: int = 0,
    batch_size: int = 4,
    threads: int = 1,
    on_batch: Callable[[], None] | None = None,
    ws: Workspace | None = None,
) -> dict:
    """Score the base model and every adapter on the same held-out records; write results.json and
    report.html into `out` and return the results.

    Every record is scored teacher-forced (eval loss, token accuracy); a seeded sample of `samples`
    records spread over the tasks is also generated (greedy, batched) by every model and scored
    (`evaluation.outputs`). Deltas against the base come with paired bootstrap 95% intervals. The base
    renders prompts with the first adapter's template. `ws` caches the base's hash.
    """
    from peft import PeftModel

    if not adapters:
        raise UserError("name at least one adapter to evaluate (--adapter or --adapters)")
    metas = [read_adapter_meta(a) for a in adapters]
    names = _display_names(metas)
    path = dataset / f"{split}.jsonl"
    if not path.is_file():
        raise UserError(f"{path} does not exist; pass a dataset folder made by `minions build`")
    records = load_records(path)
    if tasks:
        known = sorted({r.get("task", "") for r in records})
        unknown = [t for t in tasks if t not in known]
        if unknown:
            raise UserError(f"no {split} records of task(s) {', '.join(unknown)}; this dataset has: {', '.join(known)}")
        records = [r for r in records if r.get("task") in tasks]
    records = sample_across_tasks(records, max_records, seed)
    if not records:
        raise UserError(f"{path} has no records to evaluate on")
    digest = base_hash(base_folder, ws)
    for meta in metas:
        check_base(meta, digest, str(base_folder))
    tokenizer, base = load_model(base_folder, threads)
    templates = [template_from_meta(m) for m in metas]
    model = PeftModel.from_pretrained(base, adapters[0], adapter_name="a0")
    for k, folder in enumerate(adapters[1:], start=1):
        model.load_adapter(folder, adapter_name=f"a{k}")
    model.eval()
    task_of = [r.get("task", "") for r in records]
    generated = sample_across_tasks(records, samples, seed) if samples else []

    def run(name: str, template) -> tuple[dict, dict, list[float], list[str]]:
        examples = [encode_example(tokenizer, template, r, max(m["max_length"] for m in metas)) for r in records]
        overall, by_task, losses = score(model, tokenizer, examples, task_of, batch_size, on_batch)
        outputs = _generate(model, tokenizer, template, generated, max_new_tokens, batch_size) if generated else []
        return overall, by_task, losses, outputs

    per_model: dict[str, tuple] = {}
    with model.disable_adapter():
        per_model["base"] = run("base", templates[0])
    for k, name in enumerate(names):
        model.set_adapter(f"a{k}")
        per_model[name] = run(name, templates[k])
    results = _results(records, generated, per_model, names, metas, templates[0], split, seed)
    train = dataset / "train.jsonl"
    if generated and train.is_file():
        results["memorisation"] = _memorisation(load_records(train), tokenizer, per_model, names)
    write_json(out / "results.json", results)
    write_report(out / "report.html", results, adapters, records)
    parents = [(read_manifest(dataset) or {}).get("id"), *((read_manifest(a) or {}).get("id") for a in adapters)]
    config = {"split": split, "max_records": max_records, "tasks": tasks, "samples": samples, "seed": seed}
    write_manifest(out, "evaluation", config, {}, parents=[x for x in parents if x])
    return results


def evaluate_adapter(dataset: Path, adapter: Path, base_folder: Path, out: Path, split: str = "eval", **kw) -> dict:
    """`evaluate_adapters` with one adapter."""
    return evaluate_adapters(dataset, [adapter], base_folder, out, split=split, **kw)


def _generate(model, tokenizer, template, records: list[dict], max_new_tokens: int, batch_size: int) -> list[str]:
    prompts = [r["fim_prompt"] if r.get("fim_prompt") else template.prompt(record_messages(r)) for r in records]
    return generate(model, tokenizer, prompts, max_new_tokens, template.stop_strings(), batch_size)


def _results(records, generated, per_model, names, metas, template, split, seed) -> dict:
    """results.json: overall and per-task scores of every model, deltas against the base with
    bootstrap intervals, and each generated record's outputs and scores."""
    gen_scores = {}
    by_model = {m: outputs for m, (*_, outputs) in per_model.items()}
    tests = generated_test_scores(generated, by_model)
    impls = generated_impl_scores(generated, by_model)
    for model_name, outputs in by_model.items():
        scores = [score_output(r, o) for r, o in zip(generated, outputs, strict=True)]
        rungs = zip(scores, compile_scores(generated, outputs), tests[model_name], impls[model_name], strict=True)
        for s, c, t, p in rungs:
            s.update({**c, **t, **p})
        gen_scores[model_name] = scores
    tasks = sorted({r.get("task", "") for r in records})
    by_task = {}
    for t in tasks:
        rows = [i for i, r in enumerate(records) if r.get("task", "") == t]
        grows = [i for i, r in enumerate(generated) if r.get("task", "") == t]
        entry: dict = {"records": len(rows), "generated": len(grows), "models": {}, "deltas": {}}
        for m, (_, by, _, outputs) in per_model.items():
            gen = _means([gen_scores[m][i] for i in grows])
            if grows:
                cb = task_codebleu([generated[i] for i in grows], [outputs[i] for i in grows])
                if cb is not None:
                    gen["codebleu"] = cb
            entry["models"][m] = {**by[t], **gen}
        for m in names:
            loss = [per_model[m][2][i] - per_model["base"][2][i] for i in rows]
            entry["deltas"][m] = _deltas(loss, _paired(gen_scores, m, grows), seed)
        by_task[t] = entry
    models = {m: overall for m, (overall, *_rest) in per_model.items()}
    all_gen = list(range(len(generated)))
    generated_means = {m: _means(gen_scores[m]) for m in per_model}
    first = names[0]
    return {
        "schema_version": SCHEMA_VERSION,
        "adapter": first,
        "adapter_version": metas[0].get("version"),
        "adapters": [
            {"name": n, "adapter": m["name"], "version": m.get("version")} for n, m in zip(names, metas, strict=True)
        ],
        "base_model": metas[0]["base_model"],
        "split": split,
        "eval_records": len(records),
        "generated_records": len(generated),
        "template": template.name,
        "models": models,
        "generated": generated_means,
        "deltas": {
            m: _deltas(
                [per_model[m][2][i] - per_model["base"][2][i] for i in range(len(records))],
                _paired(gen_scores, m, all_gen),
                seed,
            )
            for m in names
        },
        "by_task": by_task,
        "records": [
            {
                "id": r.get("id"),
                "task": r.get("task"),
                "loss": {m: round(per_model[m][2][i], 4) for m in per_model},
            }
            for i, r in enumerate(records)
        ],
        "samples": [
            {
                "id": r.get("id"),
                "task": r.get("task"),
                "outputs": {m: per_model[m][3][i] for m in per_model},
                "scores": {m: gen_scores[m][i] for m in per_model},
            }
            for i, r in enumerate(generated)
        ],
    }


def _memorisation(train: list[dict], tokenizer, per_model: dict, names: list[str]) -> dict:
    """The share of each model's generated outputs that reproduce WINDOW tokens of a training output
    verbatim, and each adapter's share minus the base's (what training added)."""
    index = TrainingIndex.from_records(train, tokenizer)
    share = {m: round(index.reproduction_share(outputs), 4) for m, (*_, outputs) in per_model.items()}
    return {
        "window_tokens": WINDOW,
        "train_records": len(train),
        "share": share,
        "adapter_minus_base": {n: round(share[n] - share["base"], 4) for n in names},
    }


def _paired(gen_scores: dict, model: str, rows: list[int]) -> dict[str, list[float]]:
    """Per generated metric, the model's score minus the base's on each row where both have one."""
    out: dict[str, list[float]] = {}
    for i in rows:
        mine, base = gen_scores[model][i], gen_scores["base"][i]
        for k, v in mine.items():
            if v is not None and base.get(k) is not None:
                out.setdefault(k, []).append(v - base[k])
    return out


def _means(rows: list[dict]) -> dict[str, float]:
    """The mean of each metric over the rows that have a number for it."""
    keys = sorted({k for r in rows for k, v in r.items() if v is not None})
    return {k: round(sum(vs) / len(vs), 4) for k in keys if (vs := [r[k] for r in rows if r.get(k) is not None])}


def _deltas(loss_deltas: list[float], generated: dict[str, list], seed: int) -> dict[str, dict]:
    """Adapter minus base per metric: the mean and a paired bootstrap 95% interval."""
    out = {}
    for key, values in {"eval_loss": loss_deltas, **generated}.items():
        if values:
            mean, low, high = bootstrap_ci(values, seed=seed)
            out[key] = {"delta": round(mean, 4), "low": round(low, 4), "high": round(high, 4), "n": len(values)}
    return out


def adapter_improved(results: dict) -> bool:
    models = results["models"]
    return models[results["adapter"]]["eval_loss"] < models["base"]["eval_loss"]
