"""Fill-in-the-middle special tokens of the common code-model families, found in a tokenizer.

The code-completion task renders its records with them and the server renders `/v1/completions`
requests that carry a `suffix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FimTokens:
    """A tokenizer's fill-in-the-middle special tokens."""

    prefix: str
    suffix: str
    middle: str


# prefix, suffix, middle: StarCoder/SmolLM, Qwen2.5-Coder, SantaCoder, DeepSeek-Coder
KNOWN_FIM = [
    FimTokens("<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    FimTokens("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"),
    FimTokens("<fim-prefix>", "<fim-suffix>", "<fim-middle>"),
    FimTokens("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"),
]


def fim_tokens(tokenizer: Any) -> FimTokens | None:
    """The FIM tokens a Hugging Face tokenizer (transformers or `tokenizers`) defines, found in its
    vocabulary and added/special tokens; None when it defines none of the known sets."""
    known: set[str] = set(tokenizer.get_vocab())
    known |= set(getattr(tokenizer, "added_tokens_encoder", None) or {})
    known |= set(getattr(tokenizer, "all_special_tokens", None) or [])
    for t in KNOWN_FIM:
        if {t.prefix, t.suffix, t.middle} <= known:
            return t
    return None


def fim_prompt(prefix: str, suffix: str, tokens: FimTokens) -> str:
    """A prompt in prefix-suffix-middle order: the model writes the middle after it."""
    return f"{tokens.prefix}{prefix}{tokens.suffix}{suffix}{tokens.middle}"
