"""The training loop's promises on `tiny`: resume reaches the same weights, several processes the same
loss, LoRA variants, validation and early stopping, resolved settings saved."""

import json
import os
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from minions.config import TrainConfig
from minions.errors import UserError
from minions.models.base import resolve_base_model
from minions.training.train import CHECKPOINT, prepare_job, train_lora
from minions.workspace import write_jsonl, write_manifest


def make_dataset(folder, n=40):
    rows = [
        {
            "id": f"r{i}",
            "task": "implement-method",
            "instruction": f"Implement twice{i}",
            "input": f"class C{i} {{ int twice{i}(int a); }}",
            "output": f"int twice{i}(int a) {{\n    return a * {i % 7 + 2};\n}}" + "\n// done" * (i % 5),
        }
        for i in range(n)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "train.jsonl", rows)
    write_jsonl(folder / "eval.jsonl", rows[:4])
    write_manifest(folder, "dataset", {}, {})
    return folder


def cfg(**over) -> TrainConfig:
    base = {"base_model": "tiny", "steps": 12, "batch_size": 4, "max_length": 128, "learning_rate": 5e-3}
    return TrainConfig(**{**base, **over})


def weights(folder) -> dict:
    return load_file(str(folder / "adapter_model.safetensors"))


def train(ds, base, tmp_path, name, c, **kw):
    out = tmp_path / name
    out.mkdir(exist_ok=True)
    return out, train_lora(ds, base, c, out, name, **kw)


class Crash(Exception):
    pass


def crash_at(step: int):
    """An on_step callback that kills the run (in-process) after `step` steps."""

    def on_step(entry):
        if entry["step"] == step:
            raise Crash

    return on_step


def test_resume_reaches_the_weights_of_an_uninterrupted_run(session_ws, tmp_path):
    ds = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    c = cfg(steps=14, checkpoint_every=5, val_share=0.1, val_every=3)  # dropout on: the RNG must be restored too
    whole, manifest = train(ds, base, tmp_path, "whole", c)

    out = tmp_path / "resumed"
    out.mkdir()
    with pytest.raises(Crash):
        train_lora(ds, base, c, out, "resumed", on_step=crash_at(7))  # two steps after the checkpoint at 5: redone
    assert json.loads((out / CHECKPOINT / "progress.json").read_text())["step"] == 5
    steps = []
    resumed = train_lora(ds, base, c, out, "resumed", on_step=lambda e: steps.append(e["step"]), resume=True)
    assert steps == list(range(6, 15)), "continued after the checkpoint"
    a, b = weights(whole), weights(out)
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    assert resumed["final_loss"] == manifest["final_loss"]
    log_whole = (whole / "train_log.jsonl").read_text()
    assert [json.loads(x)["loss"] for x in (out / "train_log.jsonl").read_text().splitlines()] == [
        json.loads(x)["loss"] for x in log_whole.splitlines()
    ]
    assert not (out / CHECKPOINT).exists(), "checkpoints go once the adapter is written"


def killed_after_a_checkpoint(session_ws, tmp_path):
    """(dataset, base, adapter folder) of a run killed one step after its checkpoint at step 10."""
    ds = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    out = tmp_path / "a"
    out.mkdir()
    with pytest.raises(Crash):
        train_lora(ds, base, cfg(checkpoint_every=10), out, "a", on_step=crash_at(11))
    return ds, base, out


def test_resume_refuses_a_checkpoint_made_with_other_settings(session_ws, tmp_path):
    ds, base, out = killed_after_a_checkpoint(session_ws, tmp_path)
    with pytest.raises(UserError, match="other settings"):
        train_lora(ds, base, cfg(checkpoint_every=10, learning_rate=1e-3), out, "a", resume=True)


@pytest.mark.parametrize("variant", ["rslora", "dora"])
def test_lora_variants_train_and_are_recorded(session_ws, tmp_path, variant):
    ds = make_dataset(tmp_path / "ds", n=12)
    base = resolve_base_model("tiny", session_ws)
    out, _ = train(ds, base, tmp_path, variant, cfg(steps=3, lora_variant=variant, target_modules="all-linear"))
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["use_rslora"] is (variant == "rslora") and config["use_dora"] is (variant == "dora")
    adapted = {m.rsplit(".", 1)[-1] for m in config["target_modules"]}
    assert {"q_proj", "down_proj", "gate_proj"} <= adapted, "all-linear reached the MLP"
    meta = json.loads((out / "minions-adapter.json").read_text())
    assert meta["lora"]["variant"] == variant
    if variant == "dora":
        assert any("lora_magnitude_vector" in k for k in weights(out))


def test_validation_loss_is_logged_and_early_stopping_keeps_the_best_weights(session_ws, tmp_path):
    ds = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    # a learning rate this high makes the validation loss climb after a few steps
    c = cfg(steps=60, val_share=0.2, val_every=2, early_stopping=2, learning_rate=0.3, warmup=0)
    out, manifest = train(ds, base, tmp_path, "es", c)
    log = [json.loads(x) for x in (out / "train_log.jsonl").read_text().splitlines()]
    vals = [e["val_loss"] for e in log if "val_loss" in e]
    assert manifest["stopped_early"] and len(log) < 60
    assert vals[-1] > min(vals) and vals[-2] > min(vals), "stopped after two validations without improvement"
    assert manifest["best_val_loss"] == min(vals)
    job = prepare_job(ds, base, c)
    assert len(job.val) == 8 and len(job.train) == 32, "a fifth held back from training"


def test_settings_are_sized_printed_and_saved(session_ws, tmp_path):
    ds = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    job = prepare_job(ds, base, TrainConfig(base_model="tiny", batch_size=4, max_length=64))
    s = job.settings
    per_epoch = len(job.batches(0))
    assert s.epochs == pytest.approx(3.0, abs=0.2) and s.steps == 3 * per_epoch, "3 epochs under 1,000 records"
    assert s.learning_rate == 5e-4 and s.lora_alpha == 32 and s.checkpoint_every >= 10
    assert "lr 0.0005" in s.describe() and "packed rows" in s.describe()
    capped = prepare_job(ds, base, TrainConfig(base_model="tiny", steps=1, max_length=100_000))
    assert capped.settings.max_length == 2048, "capped at the model's context"
    out, _ = train(ds, base, tmp_path, "saved", cfg(steps=2))
    assert json.loads((out / "settings.json").read_text())["steps"] == 2


@pytest.mark.slow
def test_two_processes_reach_the_single_process_loss(session_ws, tmp_path):
    """`minions train --nproc 2` (DDP on CPU with gloo, through accelerate): the final training loss is
    within 2% of the single-process run's. Rows of 160 tokens make 3 packed rows a step for both, so
    they train on the same batches (at the default length, one row a step, raised to one per process)."""
    ds = make_dataset(tmp_path / "ds", n=64)
    env = {**os.environ, "MINIONS_WORKSPACE": str(session_ws.root), "HF_HUB_OFFLINE": "1"}
    losses = {}
    for n in (1, 2):
        out = tmp_path / f"p{n}"
        cmd = [sys.executable, "-m", "minions", "train", str(ds), "--name", f"p{n}", "--base-model", "tiny"]
        cmd += ["--steps", "40", "--batch-size", "4", "--learning-rate", "0.005", "--max-length", "160"]
        cmd += ["--nproc", str(n), "--out", str(out)]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=240)
        assert p.returncode == 0, p.stderr[-3000:]
        losses[n] = json.loads((out / "manifest.json").read_text())["final_loss"]
        if n == 2:
            assert "2 process(es)" in p.stderr
    assert losses[2] == pytest.approx(losses[1], rel=0.02), losses


@pytest.mark.parametrize("name", ["fsdp", "deepspeed-zero2"])
def test_shipped_accelerate_configs_load(name):
    from accelerate.commands.config.config_args import load_config_from_file

    from minions.training.launch import accelerate_config_path

    config = load_config_from_file(str(accelerate_config_path(name)))
    assert str(config.distributed_type).endswith({"fsdp": "FSDP", "deepspeed-zero2": "DEEPSPEED"}[name])
    with pytest.raises(UserError, match="deepspeed-zero2, fsdp"):
        accelerate_config_path("zero9")


def test_tensorboard_gets_the_training_curves(session_ws, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ds = make_dataset(tmp_path / "ds", n=24)
    base = resolve_base_model("tiny", session_ws)
    out, _ = train(ds, base, tmp_path, "tb", cfg(steps=4, tensorboard=True, val_every=2))
    events = EventAccumulator(str(out / "tensorboard"))
    events.Reload()
    assert [e.step for e in events.Scalars("train/loss")] == [1, 2, 3, 4]
    assert [e.step for e in events.Scalars("train/val_loss")] == [2, 4]
    logged = [json.loads(x)["loss"] for x in (out / "train_log.jsonl").read_text().splitlines()]
    assert [round(e.value, 4) for e in events.Scalars("train/loss")] == pytest.approx(logged, abs=1e-4)


@pytest.mark.gpu
def test_qlora_trains_on_a_4bit_base(session_ws, tmp_path):
    """QLoRA: the base loaded in 4 bits (bitsandbytes NF4) on a CUDA GPU, LoRA trained over it."""
    ds = make_dataset(tmp_path / "ds", n=24)
    base = resolve_base_model("tiny", session_ws)
    out, manifest = train(ds, base, tmp_path, "q", cfg(steps=20, quantize="4bit"))
    log = [json.loads(x)["loss"] for x in (out / "train_log.jsonl").read_text().splitlines()]
    assert log[-1] < log[0] and (out / "adapter_model.safetensors").is_file()
    assert json.loads((out / "settings.json").read_text())["quantize"] == "4bit"


class Shares:
    """What `_step_loss` asks of accelerate, for process `rank` of `world` (the all-reduce of the
    step's answer tokens is given: the test computes it from every process's rows)."""

    device = "cpu"

    def __init__(self, rank, world, total):
        self.process_index, self.num_processes, self.total = rank, world, total

    def reduce(self, tensor, op):
        assert op == "sum"
        return torch.tensor(self.total)

    def unwrap_model(self, model):
        return model


@pytest.mark.parametrize("n_rows", [3, 1])
def test_processes_shares_of_a_step_add_up_to_the_single_process_loss(session_ws, tmp_path, n_rows):
    """Review finding: with uneven rows (3 over 2 processes) a row got half the weight instead of a
    third, and with a one-row last batch both processes trained the same row."""
    from minions.models.base import load_model
    from minions.models.examples import IGNORE
    from minions.training.data import collate_rows
    from minions.training.train import _step_loss

    ds = make_dataset(tmp_path / "ds", n=12)
    base = resolve_base_model("tiny", session_ws)
    job = prepare_job(ds, base, cfg(packing=False))
    _, model = load_model(base)
    rows = [[i] for i in range(n_rows)]
    total = float(sum(int((collate_rows([r], job.train, 0)["labels"][:, 1:] != IGNORE).sum()) for r in rows))
    with torch.no_grad():
        whole = _step_loss(model, rows, job, Shares(0, 1, total), 0)
        parts = [_step_loss(model, rows, job, Shares(r, 2, total), 0) for r in (0, 1)]
    assert float(sum(parts)) == pytest.approx(float(whole), rel=1e-5)
    if n_rows == 1:
        assert float(parts[1]) == 0.0, "the process without a row adds nothing"


def test_a_kill_while_a_checkpoint_is_replaced_still_resumes(session_ws, tmp_path):
    """Review finding: the old checkpoint was deleted before the new one took its place; a kill in
    between made --resume start over from step 1."""
    ds = make_dataset(tmp_path / "ds")
    base = resolve_base_model("tiny", session_ws)
    c = cfg(steps=14, checkpoint_every=5)
    whole, _ = train(ds, base, tmp_path, "whole", c)
    out = tmp_path / "r"
    out.mkdir()

    with pytest.raises(Crash):
        train_lora(ds, base, c, out, "r", on_step=crash_at(7))
    (out / CHECKPOINT).rename(out / (CHECKPOINT + ".old"))  # the moment between the two renames
    steps = []
    train_lora(ds, base, c, out, "r", on_step=lambda e: steps.append(e["step"]), resume=True)
    assert steps[0] == 6
    a, b = weights(whole), weights(out)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not (out / (CHECKPOINT + ".old")).exists()


def test_resume_refuses_a_checkpoint_of_other_data(session_ws, tmp_path):
    ds, base, out = killed_after_a_checkpoint(session_ws, tmp_path)
    train_file = ds / "train.jsonl"  # a hand-made dataset edited in place: same manifest and sizes
    train_file.write_text(train_file.read_text().replace("return a *", "return a /"))
    with pytest.raises(UserError, match="other settings, data"):
        train_lora(ds, base, cfg(checkpoint_every=10), out, "a", resume=True)


def test_the_answer_only_output_layer_gives_the_models_own_loss(session_ws, tmp_path, monkeypatch):
    """Logits are computed only where an answer token is predicted; the loss must equal the one the
    model computes over every position (the path taken for soft-capped or scaled logits)."""
    import minions.training.train as train_module
    from minions.models.base import load_model
    from minions.models.examples import IGNORE
    from minions.training.data import collate_rows

    ds = make_dataset(tmp_path / "ds", n=12)
    base = resolve_base_model("tiny", session_ws)
    job = prepare_job(ds, base, cfg())
    _, model = load_model(base)
    rows = job.batches(0)[0]
    total = float((collate_rows(rows, job.train, 0)["labels"][:, 1:] != IGNORE).sum())
    with torch.no_grad():
        fast = train_module._step_loss(model, rows, job, Shares(0, 1, total), 0)
        monkeypatch.setattr(train_module, "_SCALED_LOGITS", ("vocab_size",))
        full = train_module._step_loss(model, rows, job, Shares(0, 1, total), 0)
    assert float(fast) == pytest.approx(float(full), rel=1e-5)
