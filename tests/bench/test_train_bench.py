"""The training benchmark (bench/train_bench.py) end to end at toy size on the `tiny` model.

Checks the report's keys and that its numbers are positive and agree with each other, not the speed
goal: the benchmark's numbers come from `make bench`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import train_bench  # noqa: E402

CODE = "def {name}(x):\n    total = 0\n    for i in range(x):\n        total += i * {k}\n    return total\n"


def record(i: int) -> dict:
    name = f"scaled_sum_{i}"
    return {
        "schema_version": 1,
        "id": f"r{i:04d}",
        "task": "implement-method",
        "instruction": f"Implement the Python function `{name}`.",
        "input": f"def {name}(x):\n    ...",
        "output": CODE.format(name=name, k=i % 7 + 1) if i % 3 else f"    return x * {i}\n",
        "lang": "python",
        "instruction_lang": "en",
        "source": {"repo": "toy", "commit": "c0", "path": f"m{i}.py"},
        "unit_ids": [f"u{i}"],
        "pairing_rule": None,
        "template_id": "implement-method/en/0",
        "module": "toy",
        "focal_class": f"m{i}",
    }


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "dataset"
    folder.mkdir()
    train_bench.write_jsonl(folder / "train.jsonl", [record(i) for i in range(40)])
    train_bench.write_jsonl(folder / "eval.jsonl", [record(100 + i) for i in range(6)])
    return folder


def test_sample_is_seeded_and_written_for_both_trainers(dataset: Path, tmp_path: Path):
    train, evals = train_bench.sample_records(dataset, tmp_path / "a", 10, 100, seed=3)
    again, _ = train_bench.sample_records(dataset, tmp_path / "b", 10, 100, seed=3)
    assert [r["id"] for r in train] == [r["id"] for r in again]
    assert len(evals) == 6  # up to --eval-records: all there are
    assert train_bench.read_jsonl(tmp_path / "a" / "train.jsonl") == train
    with pytest.raises(SystemExit, match="fewer than --records 41"):
        train_bench.sample_records(dataset, tmp_path / "c", 41, 4, seed=3)


def test_toy_run_reports_consistent_numbers(dataset: Path, tmp_path: Path, capsys):
    out = tmp_path / "out.json"
    argv = ["--dataset", str(dataset), "--records", "32", "--eval-records", "4", "--epochs", "2"]
    argv += ["--base-model", "tiny", "--max-length", "256", "--out", str(tmp_path / "work"), "--json", str(out)]
    res = train_bench.main(argv)
    assert json.loads(out.read_text()) == json.loads(json.dumps(res))
    assert res["records"] == 32 and res["eval_records"] == 4
    assert res["useful_tokens"] == 2 * res["useful_tokens_per_epoch"] > 0
    base, mine = res["baseline"], res["minions"]
    for run in (base, mine):
        assert run["seconds"] > 0
        assert run["useful_tokens_per_s"] == pytest.approx(res["useful_tokens"] / run["seconds"])
        assert Path(run["adapter"], "adapter_config.json").is_file()
    # both trainers saw every encoded token twice, and the baseline's batches carried padding besides
    assert base["tokens_counted"] == res["useful_tokens"] < base["padded_tokens"]
    assert mine["tokens_counted"] == res["useful_tokens"]
    assert base["steps"] == 16  # 32 records / batch 4 x 2 epochs
    # a packed step holds about batch_size records: about as many optimizer steps as the baseline
    assert 0.75 * base["steps"] <= mine["steps"] <= 1.25 * base["steps"] and mine["packing"]
    assert res["ratio"] == pytest.approx(mine["useful_tokens_per_s"] / base["useful_tokens_per_s"])
    losses = res["eval_loss"]
    assert set(losses) == {"base", "baseline", "minions"} and all(v > 0 for v in losses.values())
    assert res["eval_loss_no_worse"] == (losses["minions"] <= losses["baseline"])
    assert set(res["goal"]) == {"speed", "aim", "eval_loss"}
    printed = capsys.readouterr().out
    assert "useful tokens/s" in printed and res["command"] in printed
    assert printed.startswith("### Training benchmark")  # the Trainer's log lines go to stderr


def test_eval_loss_is_the_mean_over_completion_tokens(dataset: Path, tmp_path: Path):
    from minions.models.base import resolve_base_model
    from minions.workspace import Workspace

    folder = resolve_base_model("tiny", Workspace(tmp_path / "ws"))
    records = train_bench.read_jsonl(dataset / "eval.jsonl")[:3]
    # batching pads, and the mean is over tokens: one batch or one record at a time give the same loss
    together = train_bench.eval_loss(folder, None, records, 128, batch_size=3)
    alone = [train_bench.eval_loss(folder, None, [r], 128, batch_size=1) for r in records]
    tokenizer, _ = train_bench.load_base(folder)
    counts = [sum(y != -100 for y in labels[1:]) for _, labels in train_bench.encode(records, tokenizer, 128)]
    assert together == pytest.approx(sum(a * n for a, n in zip(alone, counts, strict=True)) / sum(counts), rel=1e-5)
