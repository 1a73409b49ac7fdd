"""Greedy, batched text generation for evaluation: continuations cut at the first stop string."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def load_generator(base_folder: Path, adapter_folder: Path | None = None, threads: int = 1):
    """(model, tokenizer) ready to generate: the base, with the adapter applied when one is given;
    on a CUDA GPU when there is one."""
    import torch

    from minions.models.base import load_model

    tokenizer, model = load_model(base_folder, threads)
    if adapter_folder is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter_folder)
    if torch.cuda.is_available():
        model = model.to("cuda")
    model.eval()
    return model, tokenizer


def cut_at_stops(text: str, stops: list[str]) -> str:
    """`text` up to (not including) the earliest stop string in it."""
    positions = [p for p in (text.find(s) for s in stops if s) if p != -1]
    return text[: min(positions)] if positions else text


def generate(
    model,
    tokenizer,
    prompts: list[str],
    max_new_tokens: int,
    stops: list[str],
    batch_size: int = 8,
    on_batch: Callable[[int], None] | None = None,
) -> list[str]:
    """The greedy continuation of each prompt (up to max_new_tokens new tokens), cut before the first
    stop string. Prompts are batched, left-padded; a batch ends when every row has hit a stop string or
    the end-of-sequence token. `on_batch(n)` is called after each batch with its size."""
    import torch

    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    device = next(model.parameters()).device
    outputs: list[str] = []
    try:
        for start in range(0, len(prompts), batch_size):
            batch = prompts[start : start + batch_size]
            enc = tokenizer(batch, return_tensors="pt", padding=True).to(device)
            with torch.no_grad():
                ids = model.generate(
                    **enc,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    num_beams=1,
                    pad_token_id=tokenizer.pad_token_id,
                    stop_strings=[s for s in stops if s] or None,
                    tokenizer=tokenizer,
                )
            new = ids[:, enc["input_ids"].shape[1] :]
            outputs += [cut_at_stops(t, stops) for t in tokenizer.batch_decode(new, skip_special_tokens=True)]
            if on_batch:
                on_batch(len(batch))
    finally:
        tokenizer.padding_side = side
    return outputs
