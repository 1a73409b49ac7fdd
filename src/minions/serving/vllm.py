"""`--engine vllm`: the `vllm serve` command line for a base model and its LoRA adapters, and the wait
until it answers. Only on a CUDA GPU with vLLM installed; the command line is built (and tested) anywhere.

What vLLM takes (vllm/config/lora.py, vllm/entrypoints/openai/cli_args.py and docs/features/lora.md):
- `--max-lora-rank` accepts only 1, 8, 16, 32, 64, 128, 256, 320 or 512 (`MaxLoRARanks`); an adapter of a
  higher rank than the flag is refused when it loads, so the flag is the largest rank rounded up.
- `--lora-modules` takes several values after one flag (given twice, the second replaces the first);
  each value is `name=path` (the old form: it breaks on a path holding `=` or `,`) or JSON
  `{"name": ..., "path": ..., "base_model_name": ...}`, which also names the base model as the adapter's
  parent in `/v1/models`. The JSON form is used.
- `--max-loras` is how many adapters one batch may mix (at least 1).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from minions.errors import UserError

LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)  # vLLM's MaxLoRARanks
PEFT_CONFIG = "adapter_config.json"
NEEDS = "--engine vllm needs a GPU and pip install vllm; use --engine transformers here"
TAIL_LINES = 5
TAIL_BYTES = 64 * 1024


def adapter_rank(folder: Path) -> int:
    """The largest LoRA rank in a peft adapter folder: `r`, or a larger one in `rank_pattern`."""
    path = folder / PEFT_CONFIG
    try:
        config = json.loads(path.read_text())
    except OSError as e:
        raise UserError(f"cannot read {path}: {e.strerror}; pass a peft adapter folder") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UserError(f"{path} is not valid JSON; save the adapter again with peft") from e
    ranks = [config.get("r") if isinstance(config, dict) else None]
    ranks += list((config.get("rank_pattern") or {}).values()) if isinstance(config, dict) else []
    if not all(isinstance(r, int) and not isinstance(r, bool) and r >= 1 for r in ranks):
        raise UserError(f"{path} has no whole-number LoRA rank `r` (or a bad rank_pattern); save it again with peft")
    return max(ranks)


def vllm_rank(rank: int) -> int:
    """The smallest `--max-lora-rank` vLLM accepts that is at least `rank`."""
    for allowed in LORA_RANKS:
        if allowed >= rank:
            return allowed
    raise UserError(
        f"LoRA rank {rank} is above the largest vLLM serves ({LORA_RANKS[-1]}); "
        f"retrain with r <= {LORA_RANKS[-1]} or use --engine transformers"
    )


def vllm_command(
    base_folder: Path,
    adapters: dict[str, Path],
    host: str,
    port: int,
    *,
    served_name: str,
    max_loras: int,
    extra: Sequence[str] = (),
) -> list[str]:
    """`vllm serve` for the base model folder, each adapter served under its name; no adapters, no
    LoRA flags. `extra` is appended as given (more vLLM flags)."""
    command = ["vllm", "serve", str(base_folder), "--served-model-name", served_name]
    command += ["--host", host, "--port", str(port)]
    if adapters:
        if max_loras < 1:
            raise UserError(f"max_loras is {max_loras}; vLLM needs at least 1 adapter per batch")
        if served_name in adapters:
            raise UserError(f"adapter name {served_name!r} is also the base model's served name; rename one")
        rank = vllm_rank(max(adapter_rank(Path(folder)) for folder in adapters.values()))
        modules = [
            json.dumps({"name": name, "path": str(folder), "base_model_name": served_name})
            for name, folder in adapters.items()
        ]
        command += ["--enable-lora", "--lora-modules", *modules]
        command += ["--max-lora-rank", str(rank), "--max-loras", str(max_loras)]
    return command + list(extra)


def check_vllm_available() -> None:
    """Refuse `--engine vllm` where it cannot run: vLLM not installed, or no CUDA device."""
    if importlib.util.find_spec("vllm") is None:
        raise UserError(f"{NEEDS} (vllm is not installed)")
    import torch

    if not torch.cuda.is_available():
        raise UserError(f"{NEEDS} (no CUDA device)")


def wait_ready(
    url: str, timeout_s: float, process: subprocess.Popen, *, log: Path | None = None, poll_s: float = 0.5
) -> None:
    """Poll `GET {url}/health` until it answers 200. A UserError when `process` (vllm serve) exits
    first, with its last stderr lines (from `log`, the file its stderr goes to, else its stderr pipe),
    or when `timeout_s` passes; the caller stops the process. Give stderr as a file: a pipe that nobody
    reads blocks vLLM once it fills."""
    import httpx

    health = url.rstrip("/") + "/health"
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=max(0.1, min(5.0, timeout_s))) as client:
        while True:
            if process.poll() is not None:
                raise UserError(
                    f"vllm serve exited with code {process.returncode} before {health} answered; "
                    f"its last lines: {_last_lines(process, log)}"
                )
            try:
                if client.get(health).status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            if time.monotonic() >= deadline:
                raise UserError(
                    f"vllm serve did not answer 200 on {health} within {timeout_s:g} s; "
                    "raise the timeout (a large model loads for minutes) or read its log"
                )
            time.sleep(poll_s)


def _last_lines(process: subprocess.Popen, log: Path | None) -> str:
    """The last few non-empty stderr lines of an exited process, joined on one line."""
    text = ""
    if log is not None and log.is_file():
        with log.open("rb") as f:  # only the end: a long run's log can be large
            f.seek(max(0, log.stat().st_size - TAIL_BYTES))
            text = f.read().decode(errors="replace")
    elif process.stderr is not None:
        data = process.stderr.read()
        text = data.decode(errors="replace") if isinstance(data, bytes) else data
    lines = [line.strip()[:300] for line in text.splitlines() if line.strip()][-TAIL_LINES:]
    return " | ".join(lines) or "(none)"
