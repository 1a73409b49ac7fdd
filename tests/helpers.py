"""Helpers the tests import: paths, random parts, the real command line."""

from __future__ import annotations

import os
import random
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-shop"
MINIONS = [sys.executable, "-m", "minions"]


def rand(rng: random.Random, chars: str, n: int) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: int = 600):
    """Run the real `minions` command in a subprocess."""
    return subprocess.run(
        [*MINIONS, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


# the content hash of the `tiny` built-in (tests/models/test_base.py checks it)
TINY_BASE_HASH = "sha256:fa44b36ae471b37012254557ce513e9b9f61997da603b130e5fe7f52bb139f5c"


def adapter_meta(name: str, version: int, **extra) -> dict:
    """An adapter's minions-adapter.json as training writes it (the fields the registry reads)."""
    return {
        "name": name,
        "version": version,
        "base_model": "tiny",
        "base_hash": TINY_BASE_HASH,
        "template": "chatml",
        "system_prompt": "You are a coding assistant.",
        "max_length": 256,
        "lora": {"r": 8, "alpha": 16, "dropout": 0.0, "target_modules": ["q_proj", "v_proj"], "variant": "lora",
                 "modules_to_save": None},
        "dataset": {"id": "d" * 64, "name": "shop", "path": "/data/shop"},
        "train_records": 4,
        "metrics": {"final_loss": 1.25, "val_loss": 1.5, "steps": 3, "tokens": 99, "seconds": 0.5},
        **extra,
    }  # fmt: skip
