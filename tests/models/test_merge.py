"""Merging an adapter into its base: the merged model computes what base + adapter computes."""

import pytest
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

from minions.models.base import resolve_base_model
from minions.models.merge import merge_adapter


def logits(model, tokenizer, text="def add(a, b):\n    return a + b"):
    """Logits computed in float64: both sides then differ only by the merged weights' rounding to
    float32, not by float32 sums taken in another order (~1e-5 on these logits)."""
    with torch.no_grad():
        return model.to(torch.float64)(**tokenizer(text, return_tensors="pt")).logits


def base_model(folder):
    return AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()


def dora_adapter(base, out):
    """A DoRA adapter made with peft itself, its B matrices random (not the zero start) so it changes the model."""
    torch.manual_seed(0)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], use_dora=True, init_lora_weights=False)
    get_peft_model(base_model(base), config).save_pretrained(out)
    return out


@pytest.mark.parametrize("kind", ["trained lora", "dora"])
def test_merged_logits_equal_base_plus_adapter(session_ws, tiny_adapter, tmp_path, kind):
    base = resolve_base_model("tiny", session_ws)
    adapter = tiny_adapter if kind == "trained lora" else dora_adapter(base, tmp_path / "dora")
    facts = merge_adapter(base, adapter, tmp_path / "merged")
    assert facts["dtype"] == "float32"
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "merged")
    merged = base_model(tmp_path / "merged")
    assert not any("lora" in k for k in merged.state_dict()), "a plain model, no adapter layers left"
    with_adapter = PeftModel.from_pretrained(base_model(base), adapter).eval()
    expected, plain = logits(with_adapter, tokenizer), logits(base_model(base), tokenizer)
    assert not torch.allclose(expected, plain, atol=1e-4), "the adapter changes the model"
    torch.testing.assert_close(logits(merged, tokenizer), expected, atol=1e-5, rtol=0)
