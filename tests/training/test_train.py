"""Training and evaluation, checked against numbers computed here, independently of minions' code.

The reference side renders the documented chatml format itself, runs plain transformers (and peft's
own loader for the adapter) one record at a time without padding, and takes cross-entropy and greedy
accuracy over completion tokens only. minions' training loop and evaluator must agree with it.
"""

import json
import re

import pytest
import torch
import torch.nn.functional as F
from safetensors import safe_open

from minions.adapters.meta import read_adapter_meta
from minions.config import TrainConfig
from minions.evaluation.evaluate import evaluate_adapter
from minions.models.base import resolve_base_model
from minions.records import SYSTEM_PROMPT
from minions.training.train import train_lora
from minions.workspace import read_manifest, write_jsonl, write_manifest

MAX_LENGTH = 256  # well above every example below, so nothing is truncated (checked in `reference_scores`)


def make_dataset(folder, n=12):
    """`n` train records in two tasks (every third one a test, with a longer answer, so that a mean
    over records or batches would differ from the mean over tokens); eval.jsonl holds the first four."""
    rows = []
    for i in range(n):
        if i % 3 == 2:
            task, instruction = "write-test", f"Write a test for add{i}"
            output = (
                f"@Test\nvoid add{i}AddsItsNumber() {{\n    Calc{i} calc = new Calc{i}();\n"
                f"    assertEquals({i + 1}, calc.add{i}(1));\n    assertEquals({i}, calc.add{i}(0));\n}}"
            )
        else:
            task, instruction = "implement-method", f"Implement add{i}"
            output = f"int add{i}(int a) {{\n    return a + {i};\n}}"
        rows.append(
            {
                "id": f"r{i}",
                "task": task,
                "instruction": instruction,
                "input": f"class Calc{i} {{ ... }}",
                "output": output,
            }
        )
    write_jsonl(folder / "train.jsonl", rows)
    write_jsonl(folder / "eval.jsonl", rows[:4])
    write_manifest(folder, "dataset", {}, {})
    return folder, rows


# --- the reference side: no minions code below this line except the SYSTEM_PROMPT constant ---


def chatml(record: dict) -> tuple[str, str]:
    """The documented chatml rendering: (prompt, completion)."""
    prompt = (
        f"<|im_start|>system\n{SYSTEM_PROMPT}<|im_end|>\n"
        f"<|im_start|>user\n{record['instruction']}\n\n{record['input']}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    return prompt, record["output"] + "<|im_end|>"


def load_base(folder):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    return tokenizer, model.eval()


def reference_scores(model, tokenizer, records: list[dict]) -> dict:
    """Summed cross-entropy, right greedy guesses and completion-token count, one record at a time."""
    total, right, count = 0.0, 0, 0
    with torch.no_grad():
        for record in records:
            prompt, completion = chatml(record)
            p = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            c = tokenizer(completion, add_special_tokens=False)["input_ids"]
            assert c[-1] == tokenizer.convert_tokens_to_ids("<|im_end|>")
            assert len(p) + len(c) < MAX_LENGTH, "the reference assumes no truncation"
            ids = torch.tensor([p + c])
            logits = model(input_ids=ids).logits[0]
            # the completion's tokens sit at positions len(p) .. end; each is predicted by the position before
            predicted_by = logits[len(p) - 1 : len(p) + len(c) - 1]
            target = torch.tensor(c)
            total += F.cross_entropy(predicted_by, target, reduction="sum").item()
            right += int((predicted_by.argmax(-1) == target).sum())
            count += len(c)
    return {"total": total, "right": right, "count": count}


def metrics_of(s: dict) -> dict:
    return {"eval_loss": s["total"] / s["count"], "token_accuracy": s["right"] / s["count"]}


def lora_tensors(adapter) -> dict[str, torch.Tensor]:
    with safe_open(str(adapter / "adapter_model.safetensors"), framework="pt") as f:
        return {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (safe_open is not a mapping)


def base_weight_shapes(base) -> dict[str, tuple[int, ...]]:
    with safe_open(str(base / "model.safetensors"), framework="pt") as f:
        return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}  # noqa: SIM118


# --- the tests ---


def test_step_one_loss_is_the_base_models_loss_on_completion_tokens(session_ws, tmp_path):
    """At step 1 LoRA's B matrices are zero, so the adapted model is the base; with the batch holding
    every record, the logged loss must be the token-mean cross-entropy of the base over all completions."""
    dataset, rows = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    cfg = TrainConfig(
        base_model="tiny",
        steps=1,
        batch_size=len(rows),
        max_length=MAX_LENGTH,
        learning_rate=1e-3,
        lora_r=4,
        lora_alpha=8,
        lora_dropout=0.0,
        target_modules=["q_proj", "down_proj"],
    )
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    steps = []
    manifest = train_lora(dataset, base, cfg, adapter, "calc", lambda e: steps.append((e["step"], e["loss"])))

    tokenizer, model = load_base(base)
    expected = metrics_of(reference_scores(model, tokenizer, rows))["eval_loss"]
    assert [s for s, _ in steps] == [1]
    assert steps[0][1] == pytest.approx(expected, rel=1e-4), "reported step-1 loss vs an independent forward pass"
    log = [json.loads(line) for line in (adapter / "train_log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in log] == [1]
    assert log[0]["loss"] == pytest.approx(expected, rel=1e-4, abs=6e-5), "train_log.jsonl (rounded to 4 places)"
    assert manifest["final_loss"] == log[0]["loss"]


def test_every_logged_loss_is_the_loss_of_the_weights_at_that_step(session_ws, tmp_path):
    """Step k's loss is the loss of the weights after k-1 updates: a run of k-1 steps saves exactly
    those (same seed, whole-dataset batches, constant learning rate), so each logged loss after the
    first is checked against an independent forward pass of a saved adapter (a smoothed or made-up
    loss from step 2 on fails here)."""
    from peft import PeftModel

    dataset, rows = make_dataset(tmp_path / "ds", n=6)
    base = resolve_base_model("tiny", session_ws)

    def run(steps: int):
        cfg = TrainConfig(
            base_model="tiny",
            steps=steps,
            batch_size=len(rows),
            max_length=MAX_LENGTH,
            learning_rate=5e-3,
            lora_dropout=0.0,
            warmup=0,
            schedule="constant",
        )
        out = tmp_path / f"adapter-{steps}"
        out.mkdir()
        logged = []
        train_lora(dataset, base, cfg, out, f"s{steps}", lambda e: logged.append(e["loss"]))
        return out, logged

    saved = {k: run(k)[0] for k in (1, 2)}
    _, logged = run(3)
    for step in (2, 3):
        tokenizer, model = load_base(base)
        adapted = PeftModel.from_pretrained(model, saved[step - 1]).eval()
        expected = metrics_of(reference_scores(adapted, tokenizer, rows))["eval_loss"]
        assert logged[step - 1] == pytest.approx(expected, rel=1e-3), f"step {step}"
    assert logged[2] < logged[1] < logged[0], "the loss falls on data it trains on"


def test_the_adapter_has_the_configured_rank_and_target_modules(session_ws, tmp_path):
    dataset, rows = make_dataset(tmp_path / "ds", n=4)
    base = resolve_base_model("tiny", session_ws)
    cfg = TrainConfig(
        base_model="tiny",
        steps=1,
        batch_size=4,
        max_length=MAX_LENGTH,
        learning_rate=1e-3,
        lora_r=4,
        lora_alpha=8,
        lora_dropout=0.0,
        target_modules=["q_proj", "down_proj"],
    )
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    train_lora(dataset, base, cfg, adapter, "calc")

    tensors = lora_tensors(adapter)
    pattern = re.compile(r"\.(layers\.\d+\.\w+\.(\w+))\.lora_([AB])\.weight$")
    found = {}
    for key, t in tensors.items():
        m = pattern.search(key)
        assert m, f"unexpected tensor in the adapter: {key}"
        found[(m[1], m[3])] = t
    shapes = base_weight_shapes(base)
    layers = sorted({k.split(".")[2] for k in shapes if k.startswith("model.layers.")})
    assert len(layers) == 2
    expected_modules = {f"layers.{i}.self_attn.q_proj" for i in layers} | {f"layers.{i}.mlp.down_proj" for i in layers}
    assert {module for module, _ in found} == expected_modules, "LoRA on exactly the configured modules"
    assert len(found) == 2 * len(expected_modules), "an A and a B matrix for each"
    for module in expected_modules:
        out_features, in_features = shapes[f"model.{module}.weight"]
        assert tuple(found[(module, "A")].shape) == (4, in_features), module
        assert tuple(found[(module, "B")].shape) == (out_features, 4), module
        assert found[(module, "B")].abs().sum() > 0, f"{module}: B moved off zero, so the step trained LoRA"
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert config["r"] == 4 and config["lora_alpha"] == 8
    assert sorted(config["target_modules"]) == ["down_proj", "q_proj"]


def test_lora_training_lowers_the_loss_and_evaluation_reports_true_numbers(session_ws, tmp_path):
    dataset, rows = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    cfg = TrainConfig(
        base_model="tiny", steps=25, batch_size=4, max_length=MAX_LENGTH, learning_rate=5e-3, lora_dropout=0.0
    )
    steps = []
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    manifest = train_lora(dataset, base, cfg, adapter, "calc", lambda e: steps.append((e["step"], e["loss"])))
    assert [s for s, _ in steps] == list(range(1, 26))
    log = [json.loads(line) for line in (adapter / "train_log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in log] == list(range(1, 26))
    assert [e["loss"] for e in log] == [round(loss, 4) for _, loss in steps], "the log holds what on_step was told"
    assert (adapter / "adapter_config.json").is_file() and (adapter / "adapter_model.safetensors").is_file()
    meta = read_adapter_meta(adapter)
    assert meta["name"] == "calc" and meta["template"]["name"] == "chatml" and meta["base_model"] == "tiny"
    assert meta["train_records"] == 12 and meta["max_length"] == MAX_LENGTH
    dataset_id = read_manifest(dataset)["id"]
    assert manifest["parents"] == [dataset_id] and manifest["config"]["resolved"]["steps"] == 25

    out = tmp_path / "eval"
    out.mkdir()
    results = evaluate_adapter(dataset, adapter, base, out, split="train")
    assert json.loads((out / "results.json").read_text()) == results
    assert results["eval_records"] == 12 and results["split"] == "train" and results["adapter"] == "calc"
    assert set(results["models"]) == {"base", "calc"}
    assert set(results["models"]["base"]) == {"eval_loss", "token_accuracy"}

    # the same numbers, computed here: the base with plain transformers, the adapter with peft's own loader
    from peft import PeftModel

    tokenizer, model = load_base(base)
    tasks = sorted({r["task"] for r in rows})
    base_scores = {t: reference_scores(model, tokenizer, [r for r in rows if r["task"] == t]) for t in tasks}
    adapted = PeftModel.from_pretrained(model, adapter).eval()
    calc_scores = {t: reference_scores(adapted, tokenizer, [r for r in rows if r["task"] == t]) for t in tasks}

    def overall(per_task: dict) -> dict:
        return metrics_of({k: sum(s[k] for s in per_task.values()) for k in ("total", "right", "count")})

    expected = {"base": overall(base_scores), "calc": overall(calc_scores)}
    for name in ("base", "calc"):
        for metric, value in expected[name].items():
            assert results["models"][name][metric] == pytest.approx(value, abs=1e-3), (name, metric, results)

    assert results["by_task"].keys() == set(tasks)
    for t in tasks:
        by_task = results["by_task"][t]
        assert by_task["records"] == sum(r["task"] == t for r in rows)
        for name, scores in (("base", base_scores), ("calc", calc_scores)):
            for metric, value in metrics_of(scores[t]).items():
                assert by_task["models"][name][metric] == pytest.approx(value, abs=1e-3), (t, name, metric)

    # trained on these very records: clearly better than the base, not just by a hair
    # (in 25 steps the loss falls from ~8.3 to ~2.7 and greedy accuracy climbs from ~0 to ~0.6)
    base_m, calc_m = results["models"]["base"], results["models"]["calc"]
    assert calc_m["eval_loss"] < 0.5 * base_m["eval_loss"], results
    assert calc_m["token_accuracy"] > base_m["token_accuracy"] + 0.3, results

    html = (out / "report.html").read_text()
    assert "eval_loss" in html and "calc" in html and 'id="by-task"' in html
    assert all(f"<td>{t}</td>" in html for t in tasks)
    eval_manifest = read_manifest(out)
    assert eval_manifest["parents"] == [dataset_id, manifest["id"]]
