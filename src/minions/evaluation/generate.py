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
    found = _generate(model, tokenizer, prompts, max_new_tokens, stops, batch_size, on_batch, {"do_sample": False}, 1)
    return [texts[0] for texts in found]


def sample(
    model,
    tokenizer,
    prompts: list[str],
    n: int,
    max_new_tokens: int,
    stops: list[str],
    *,
    temperature: float = 0.8,
    top_p: float = 0.95,
    seed: int = 0,
    batch_size: int = 8,
    on_batch: Callable[[int], None] | None = None,
) -> list[list[str]]:
    """`n` sampled continuations of each prompt (temperature, nucleus `top_p`), cut like `generate`'s.
    Seeded per batch, so the same seed and batch size give the same samples."""
    settings = {"do_sample": True, "temperature": temperature, "top_p": top_p}
    return _generate(model, tokenizer, prompts, max_new_tokens, stops, batch_size, on_batch, settings, n, seed)


def _generate(
    model, tokenizer, prompts, max_new_tokens, stops, batch_size, on_batch, settings: dict, n: int, seed: int = 0
) -> list[list[str]]:
    import torch

    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    device = next(model.parameters()).device
    outputs: list[list[str]] = []
    try:
        for start in range(0, len(prompts), batch_size):
            batch = prompts[start : start + batch_size]
            enc = tokenizer(batch, return_tensors="pt", padding=True).to(device)
            torch.manual_seed(seed + start)
            with torch.no_grad():
                ids = model.generate(
                    **enc,
                    **settings,
                    max_new_tokens=max_new_tokens,
                    num_beams=1,
                    num_return_sequences=n,
                    pad_token_id=tokenizer.pad_token_id,
                    stop_strings=[s for s in stops if s] or None,
                    tokenizer=tokenizer,
                )
            new = ids[:, enc["input_ids"].shape[1] :]
            texts = [cut_at_stops(t, stops) for t in tokenizer.batch_decode(new, skip_special_tokens=True)]
            outputs += [texts[i * n : (i + 1) * n] for i in range(len(batch))]
            if on_batch:
                on_batch(len(batch))
    finally:
        tokenizer.padding_side = side
    return outputs
