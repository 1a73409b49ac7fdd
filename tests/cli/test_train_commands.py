"""`minions train` and `minions eval` on the tiny model: contracts and bad input."""

import json

import pytest
import torch

from helpers import run_cli
from minions.workspace import write_jsonl, write_manifest


@pytest.fixture
def dataset(tmp_path):
    ds = tmp_path / "ds"
    rows = [{"task": "implement-method", "instruction": f"Implement f{i}", "input": "", "output": f"int f{i}() {{}}"}
            for i in range(6)]  # fmt: skip
    write_jsonl(ds / "train.jsonl", rows)
    write_jsonl(ds / "eval.jsonl", rows[:2])
    write_manifest(ds, "dataset", {}, {})
    return ds


def test_relative_base_model_is_recorded_absolute_and_eval_json_is_json(tmp_path, dataset):
    ws = tmp_path / "ws"
    prepared = run_cli("model", "prepare", "tiny", "--workspace", str(ws))
    assert prepared.returncode == 0, prepared.stderr
    assert prepared.stdout == str(ws / "models" / "tiny") + "\n", "model prepare prints only the folder"
    p = run_cli("train", "ds", "--name", "rel", "--base-model", "ws/models/tiny", "--steps", "1",
                "--workspace", "ws", cwd=tmp_path)  # fmt: skip
    assert p.returncode == 0, p.stderr
    meta = json.loads((ws / "adapters" / "rel" / "1" / "minions-adapter.json").read_text())
    assert meta["base_model"] == str(ws / "models" / "tiny")
    e = run_cli("eval", str(dataset), "--adapter", "rel", "--json", "--workspace", str(ws))
    assert e.returncode == 0, e.stderr
    res = json.loads(e.stdout)
    assert res["eval_records"] == 2 and res["report"].endswith("report.html")


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--steps", "0"], "train.steps: Input should be greater than or equal to 1"),
        ([], "line 2 is not an instruction"),
        (["--steps", "2", "--epochs", "1"], "give --steps or --epochs, not both"),
        (["--accelerate-config", "fsdp"], "--accelerate-config needs --nproc 2 or more"),
        (["--nproc", "2", "--accelerate-config", "zero9"], "no such file; name a shipped config"),
        # review finding: an empty team was refused only after training, leaving an unregistered folder
        (["--team", "  "], "train.team: Value error, is empty"),
    ],
)
def test_train_bad_input_is_exit_2_and_leaves_nothing(tmp_path, dataset, extra, message):
    if not extra:
        (dataset / "train.jsonl").write_text('{"instruction": "x", "output": "y"}\n{"a": 1}\n')
    p = run_cli(
        "train", str(dataset), "--name", "x", "--base-model", "tiny", *extra, "--workspace", str(tmp_path / "w")
    )
    assert p.returncode == 2 and message in p.stderr, p.stderr
    adapters = tmp_path / "w" / "adapters"
    assert not adapters.exists() or not list(adapters.iterdir())


@pytest.mark.slow
def test_two_trainings_under_one_name_at_once_become_two_versions(tmp_path, dataset):
    """Review finding: both printed `registered conc@1`; one run's folder was lost."""
    import subprocess
    import sys

    ws = tmp_path / "w"
    cmd = [sys.executable, "-m", "minions", "train", str(dataset), "--name", "conc", "--base-model", "tiny"]
    procs = [
        subprocess.Popen(
            [*cmd, "--steps", "3", "--learning-rate", lr, "--workspace", str(ws)], stderr=subprocess.PIPE, text=True
        )
        for lr in ("0.001", "0.002")
    ]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert sorted(e.split("registered ")[1].split()[0] for e in errs) == ["conc@1", "conc@2"]
    rates = {json.loads((ws / "adapters" / "conc" / v / "settings.json").read_text())["learning_rate"] for v in "12"}
    assert rates == {0.001, 0.002}


def test_eval_refuses_a_bad_max_records(tmp_path, dataset):
    p = run_cli("eval", str(dataset), "--adapter", "x", "--max-records", "-1", "--workspace", str(tmp_path / "w"))
    assert p.returncode == 2 and "--max-records must be at least 1" in p.stderr


@pytest.mark.slow
def test_train_resume_after_a_kill_ends_with_the_uninterrupted_weights(tmp_path):
    """`minions train` killed (SIGKILL) after a checkpoint, then `--resume`: the same adapter weights,
    bit for bit, as a run that was never interrupted, registered once as version 1."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from safetensors.torch import load_file

    ds = tmp_path / "ds"
    rows = [{"task": "implement-method", "instruction": f"Implement g{i}", "input": "class G {}",
             "output": f"int g{i}(int a) {{\n    return a * {i};\n}}"} for i in range(48)]  # fmt: skip
    write_jsonl(ds / "train.jsonl", rows)
    write_manifest(ds, "dataset", {}, {})
    config = tmp_path / "train.yaml"
    config.write_text("train:\n  base_model: tiny\n  steps: 150\n  checkpoint_every: 10\n  learning_rate: 0.002\n")
    ws = tmp_path / "ws"
    base = [sys.executable, "-m", "minions", "train", str(ds), "--config", str(config), "--workspace", str(ws)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    whole = subprocess.run([*base, "--name", "whole"], capture_output=True, text=True, env=env, timeout=300)
    assert whole.returncode == 0, whole.stderr[-2000:]

    proc = subprocess.Popen([*base, "--name", "r"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    progress = ws / "adapters" / "r" / "1.partial" / "checkpoint" / "progress.json"
    deadline = time.time() + 240
    while not progress.is_file() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert progress.is_file(), "killed after its first checkpoint"
    assert not (ws / "adapters" / "r" / "1").exists(), "killed before the end"
    resumed = subprocess.run([*base, "--name", "r", "--resume"], capture_output=True, text=True, env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resuming from the checkpoint at step" in resumed.stderr
    a = load_file(str(ws / "adapters" / "whole" / "1" / "adapter_model.safetensors"))
    b = load_file(str(ws / "adapters" / "r" / "1" / "adapter_model.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    listed = run_cli("adapters", "list", "--json", "--workspace", str(ws))
    assert sorted((r["name"], r["version"]) for r in json.loads(listed.stdout)) == [("r", 1), ("whole", 1)]
