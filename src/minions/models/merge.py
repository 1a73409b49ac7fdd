"""Fold an adapter into its base: a full model folder any transformers (or vLLM) user loads alone."""

from __future__ import annotations

import json
from pathlib import Path

from minions.models.base import quiet_transformers

_DTYPES = ("float16", "bfloat16", "float32")


def merge_adapter(base_folder: Path, adapter_folder: Path, out: Path) -> dict:
    """Write base + adapter merged (peft's merge_and_unload) into `out`, with the tokenizer (the
    adapter's own when it ships one, else the base's). Returns facts for the manifest."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    quiet_transformers()
    has_tokenizer = (adapter_folder / "tokenizer_config.json").is_file()
    tokenizer = AutoTokenizer.from_pretrained(adapter_folder if has_tokenizer else base_folder)
    # merged in fp32 whatever the base's dtype (a low-precision add loses the adapter's small
    # updates), then saved in the base's own dtype
    model = AutoModelForCausalLM.from_pretrained(base_folder, dtype=torch.float32)
    if len(tokenizer) > model.get_input_embeddings().num_embeddings:
        model.resize_token_embeddings(len(tokenizer))
    merged = PeftModel.from_pretrained(model, adapter_folder).merge_and_unload()
    dtype = _saved_dtype(base_folder)
    merged = merged.to(getattr(torch, dtype))
    merged.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return {"dtype": dtype, "parameters": sum(p.numel() for p in merged.parameters())}


def _saved_dtype(folder: Path) -> str:
    """The dtype a model folder's config records (float32 when it names none we write)."""
    config = json.loads((folder / "config.json").read_text())
    dtype = config.get("dtype") or config.get("torch_dtype")
    return dtype if dtype in _DTYPES else "float32"
