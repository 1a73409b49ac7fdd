import json

from minions.config import TrainConfig
from minions.evaluation.evaluate import adapter_improved, evaluate_adapter
from minions.training.models import resolve_base_model
from minions.training.train import read_adapter_meta, train_lora
from minions.workspace import write_jsonl, write_manifest


def make_dataset(folder, n=12):
    rows = [
        {
            "id": f"r{i}",
            "task": "implement-method",
            "instruction": f"Implement add{i}",
            "input": f"class Calc{i} {{ ... }}",
            "output": f"int add{i}(int a) {{\n    return a + {i};\n}}",
        }
        for i in range(n)
    ]
    write_jsonl(folder / "train.jsonl", rows)
    write_jsonl(folder / "eval.jsonl", rows[:4])
    write_manifest(folder, "dataset", {}, {})
    return folder


def test_lora_training_lowers_the_loss_on_what_it_saw(session_ws, tmp_path):
    dataset = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    cfg = TrainConfig(base_model="tiny", steps=25, batch_size=4, max_length=96, learning_rate=5e-3, lora_dropout=0.0)
    steps = []
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    manifest = train_lora(dataset, base, cfg, adapter, "calc", lambda s, loss: steps.append((s, loss)))
    assert [s for s, _ in steps] == list(range(1, 26))
    assert (adapter / "adapter_config.json").is_file() and (adapter / "adapter_model.safetensors").is_file()
    assert json.loads((adapter / "adapter_config.json").read_text())["r"] == 16
    meta = read_adapter_meta(adapter)
    assert meta["name"] == "calc" and meta["template"] == "chatml" and meta["base_model"] == "tiny"
    assert manifest["parents"] and manifest["config"]["steps"] == 25

    out = tmp_path / "eval"
    out.mkdir()
    results = evaluate_adapter(dataset, adapter, base, out, split="train")
    assert results["eval_records"] == 12
    assert set(results["models"]) == {"base", "calc"}
    assert set(results["models"]["base"]) == {"eval_loss", "token_accuracy"}
    assert adapter_improved(results), results
    assert results["by_task"]["implement-method"]["records"] == 12
    assert results["by_task"]["implement-method"]["models"] == results["models"], "one task: same numbers"
    assert results["models"]["calc"]["token_accuracy"] > results["models"]["base"]["token_accuracy"]
    html = (out / "report.html").read_text()
    assert "eval_loss" in html and "calc" in html and 'id="by-task"' in html
    assert json.loads((out / "results.json").read_text()) == results
