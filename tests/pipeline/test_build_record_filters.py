"""The build runs the configured record filters: the token filter with its tokenizer and the training
length, and refuses an unusable tokenizer before any work."""

import json

import pytest
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from minions.config import PipelineConfig, SourceConfig
from minions.errors import UserError
from minions.pipeline.build import build_dataset


def method_class(i: int, statements: int) -> str:
    body = "\n".join(f"        total += item * {j} + {i};" for j in range(statements))
    return (
        f"package com.shop;\n\npublic class Sum{i} {{\n    public long total(long item) {{\n        long total = 0;\n"
        f"{body}\n        return total;\n    }}\n}}\n"
    )


def word_tokenizer(path):
    tok = Tokenizer(WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    tok.save(str(path))
    return path


def test_records_longer_than_the_training_length_are_rejected_with_the_tokenizer_logged(git_repo, tmp_path):
    files = {f"src/main/java/com/shop/Sum{i}.java": method_class(i, 2 if i < 3 else 60) for i in range(6)}
    repo = git_repo(files, name="sums")
    cfg = PipelineConfig(
        sources=[SourceConfig(path=repo)],
        tasks={"names": ["implement-method"]},
        filters={"tokenizer": str(word_tokenizer(tmp_path / "tokenizer.json"))},
        train={"max_length": 400},
    )
    out = tmp_path / "ds"
    out.mkdir()
    lines: list[str] = []
    build_dataset(cfg, out, lines.append)
    assert any(ln.startswith("token-size filter: tokenizer ") and "max 400 (train.max_length)" in ln for ln in lines)
    rejected = [json.loads(ln) for ln in (out / "rejected.jsonl").read_text().splitlines()]
    by_tokens = [r for r in rejected if r["stage"] == "filter:tokens"]
    assert len(by_tokens) == 3 and all("(max 400: training would cut it)" in r["reason"] for r in by_tokens)


def test_a_tokenizer_that_does_not_exist_is_refused_before_any_work(git_repo, tmp_path):
    repo = git_repo({"src/main/java/com/shop/Sum0.java": method_class(0, 2)}, name="one")
    cfg = PipelineConfig(sources=[SourceConfig(path=repo)], filters={"tokenizer": str(tmp_path / "nope.json")})
    out = tmp_path / "ds"
    out.mkdir()
    lines: list[str] = []
    with pytest.raises(UserError, match="^filters.tokenizer: .* does not exist"):
        build_dataset(cfg, out, lines.append)
    assert list(out.iterdir()) == [] and not any(ln.startswith("collected") for ln in lines)
