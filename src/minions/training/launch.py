"""`minions train --nproc N`: the same training job in N processes, launched through accelerate.

The command prepares the job (settings printed, output folder made) and writes its spec to
`<out>/launch.json`; `accelerate launch` starts N copies of `minions.training.launch` that each
prepare the same job (deterministic), train their share of every batch with DDP (gloo on CPU, NCCL
on GPUs, or FSDP / DeepSpeed from an accelerate config file), and the first writes the adapter.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from minions.config import TrainConfig
from minions.errors import UserError

SPEC = "launch.json"
CONFIGS = Path(__file__).with_name("accelerate")  # shipped accelerate configs for GPUs (FSDP, DeepSpeed)


def accelerate_config_path(value: str) -> Path:
    """A shipped config by name (fsdp, deepspeed-zero2) or a path to an accelerate config file."""
    shipped = CONFIGS / f"{value}.yaml"
    if shipped.is_file():
        return shipped
    path = Path(value)
    if not path.is_file():
        names = ", ".join(sorted(f.stem for f in CONFIGS.glob("*.yaml")))
        raise UserError(f"--accelerate-config {value}: no such file; name a shipped config ({names}) or a YAML file")
    return path


def check_sharded(cfg: TrainConfig, resume: bool) -> TrainConfig:
    """An accelerate config (FSDP, DeepSpeed) shards weights and optimizer state across GPUs: refuse
    what minions' own checkpoints cannot do there, and turn checkpoints off."""
    import torch

    if not torch.cuda.is_available():
        raise UserError("--accelerate-config is for GPUs and this machine has none; use --nproc alone (DDP on CPU)")
    if resume:
        raise UserError("--resume is not supported with --accelerate-config (sharded state); train again")
    if cfg.early_stopping:
        raise UserError("train.early_stopping is not supported with --accelerate-config (sharded weights); set it to 0")
    return cfg.model_copy(update={"checkpoint_every": 10**9})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(
    *,
    dataset: Path,
    base_folder: Path,
    base_hash: str,
    cfg: TrainConfig,
    out: Path,
    name: str,
    version: int | None,
    resume: bool,
    processes: int,
    accelerate_config: Path | None = None,
) -> None:
    """Run the job in `processes` processes; returns when they all finished, raises when one failed."""
    spec = {
        "dataset": str(dataset.resolve()),
        "base_folder": str(base_folder),
        "base_hash": base_hash,
        "train": json.loads(cfg.model_dump_json()),
        "name": name,
        "version": version,
        "resume": resume,
        "processes": processes,
    }
    (out / SPEC).write_text(json.dumps(spec, indent=2))
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_machines", "1"]
    if accelerate_config:
        cmd += ["--config_file", str(accelerate_config)]
    else:
        cmd += ["--multi_gpu", "--mixed_precision", "no", "--dynamo_backend", "no"]
    cmd += ["--num_processes", str(processes), "--main_process_port", str(_free_port())]
    cmd += ["-m", "minions.training.launch", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": str(cfg.threads), "ACCELERATE_LOG_LEVEL": "error"}
    # the launcher dies with this process (a killed `minions train` leaves no workers behind: they
    # get its SIGTERM), and is killed itself if it outlives the command
    code = subprocess.run(cmd, env=env, stdout=sys.stderr, preexec_fn=_term_with_parent).returncode
    (out / SPEC).unlink(missing_ok=True)
    if code:
        raise UserError(f"training in {processes} processes failed (exit {code}); see the messages above")


def _term_with_parent() -> None:
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _worker(out: Path) -> None:
    from minions.training.train import prepare_job, run_job

    spec = json.loads((out / SPEC).read_text())
    cfg = TrainConfig.model_validate(spec["train"])
    job = prepare_job(Path(spec["dataset"]), Path(spec["base_folder"]), cfg, spec["base_hash"], spec["processes"])
    total = job.settings.steps
    every = max(1, total // 10)

    def report(entry: dict) -> None:
        if entry["step"] % every == 0 or entry["step"] == total:
            print(f"training {entry['step']}/{total} loss {entry['loss']:.3f}", file=sys.stderr, flush=True)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    run_job(job, out, spec["name"], spec["version"], spec["resume"], report, log)


if __name__ == "__main__":
    try:
        _worker(Path(sys.argv[1]))
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
