"""Memorisation: verbatim 50-token reproduction on hand-made texts with the tiny model's real tokenizer,
exposure arithmetic on hand-computed ranks, and canary exposure of a canary planted in a real LoRA run."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest

from minions.errors import UserError
from minions.evaluation.memorisation import (
    TrainingIndex,
    canary_exposure,
    completion_log_likelihoods,
    exposure_from_scores,
    make_canary,
    random_candidates,
    window_hashes,
)
from minions.models.base import load_model, load_tokenizer, resolve_base_model

FMT = "the secret code is {digits}"


@pytest.fixture(scope="module")
def tokenizer(session_ws):
    return load_tokenizer(resolve_base_model("tiny", session_ws))


@pytest.fixture(scope="module")
def words(tokenizer):
    """Words that are one token each (with their leading space), so a text of k such words is exactly
    k tokens and any run of them cut at word boundaries tokenizes the same inside another text."""
    found = []
    for token in sorted(tokenizer.get_vocab()):
        if re.fullmatch(r"Ġ[a-z]{3,}", token):
            word = " " + token[1:]
            if len(tokenizer(word, add_special_tokens=False)["input_ids"]) == 1:
                found.append(word)
    assert len(found) >= 60, "the tiny tokenizer has enough whole-word tokens for these texts"
    return found


def _texts(words, seed=0):
    """Two training outputs A and B of 80 one-token words, and 20 filler words in neither."""
    rng = random.Random(seed)
    picked = rng.sample(words, len(words))
    filler, pool = picked[:20], picked[20:]
    a = [rng.choice(pool) for _ in range(80)]
    b = [rng.choice(pool) for _ in range(80)]
    return a, b, filler


def _ids(tokenizer, text):
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def test_fifty_tokens_of_one_training_output_are_flagged_and_forty_nine_are_not(tokenizer, words):
    a, b, filler = _texts(words)
    index = TrainingIndex.build(["".join(a), "".join(b)], tokenizer)
    assert len(_ids(tokenizer, "".join(a))) == 80
    assert len(index) == 2 * (80 - 50 + 1), "one window per start position of each text, none across them"

    fifty = "".join(filler[:10] + a[5:55] + filler[10:])
    forty_nine = "".join(filler[:10] + a[5:54] + filler[10:])
    assert len(_ids(tokenizer, fifty)) == 70 and len(_ids(tokenizer, forty_nine)) == 69
    assert index.reproduces(fifty)
    assert not index.reproduces(forty_nine)
    assert index.reproduces("".join(b[30:80]) + " and more words after it")
    assert index.reproduces("".join(a)), "a whole training output"


def test_a_window_across_two_training_outputs_does_not_count(tokenizer, words):
    a, b, _ = _texts(words)
    index = TrainingIndex.build(["".join(a), "".join(b)], tokenizer)
    across = "".join(a[50:] + b[:30])  # 30 + 30 tokens: 60 in a row if the outputs were joined
    assert len(_ids(tokenizer, across)) == 60
    assert not index.reproduces(across)
    joined = TrainingIndex.build(["".join(a + b)], tokenizer)
    assert joined.reproduces(across), "the same span is flagged once both halves sit in one output"


def test_reproduction_share_counts_outputs_not_windows(tokenizer, words):
    a, b, filler = _texts(words)
    index = TrainingIndex.build(["".join(a), "".join(b)], tokenizer)
    outputs = [
        "".join(a),  # reproduces (31 windows)
        "".join(filler[:5] + b[10:60]),  # reproduces (1 window)
        "".join(filler[:5] + b[10:59]),  # 49 tokens: no
        "".join(a[60:] + b[:40]),  # across outputs: no
        "short",
    ]
    assert index.reproduction_share(outputs) == pytest.approx(2 / 5)
    assert index.reproduction_share([]) == 0.0
    assert [index.reproduces(o) for o in outputs] == [True, True, False, False, False]


def test_outputs_shorter_than_the_window_add_nothing_and_records_give_their_reference(tokenizer, words):
    a, b, _ = _texts(words)
    assert len(TrainingIndex.build(["".join(a[:49]), "", "".join(b)], tokenizer)) == 31
    records = [
        {"instruction": "x", "input": "", "output": "".join(a)},
        {"messages": [{"role": "user", "content": "".join(b)}, {"role": "assistant", "content": "".join(b[:60])}]},
    ]
    index = TrainingIndex.from_records(records, tokenizer)
    assert index.texts == 2 and len(index) == 31 + 11
    assert index.reproduces("".join(b[5:55])), "the chat record's assistant turn is indexed"
    assert not index.reproduces("".join(b[20:80])), "its user turn is not"


def test_a_smaller_window_is_honoured(tokenizer, words):
    a, _, filler = _texts(words)
    index = TrainingIndex.build(["".join(a)], tokenizer, n=8)
    assert index.reproduces("".join(filler[:3] + a[40:48]))
    assert not index.reproduces("".join(filler[:3] + a[40:47]))
    with pytest.raises(UserError):
        TrainingIndex.build(["x"], tokenizer, n=0)


def test_window_hashes_are_the_documented_polynomial():
    """Each window's hash, computed here one by one with Python integers: sum over the window of
    splitmix64(token) * M^(n-1-j) modulo 2^64. Batched texts give each text's own windows."""
    mask, m = (1 << 64) - 1, 0x9E3779B97F4A7C15

    def splitmix(x):
        x = (x + m) & mask
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
        return x ^ (x >> 31)

    def slow(ids, n):
        out = []
        for i in range(len(ids) - n + 1):
            h = 0
            for t in ids[i : i + n]:
                h = (h * m + splitmix(t)) & mask
            out.append(h)
        return out

    rng = random.Random(3)
    ids = [rng.randrange(50_000) for _ in range(30)]
    assert [int(h) for h in window_hashes(ids, 5)] == slow(ids, 5)
    assert [int(h) for h in window_hashes(ids, 30)] == slow(ids, 30)
    assert len(window_hashes(ids, 31)) == 0
    assert window_hashes(ids[:10], 5)[0] == window_hashes(ids[:5], 5)[0], "a window's hash is its own"
    assert len(set(window_hashes(ids, 5).tolist())) == 26, "distinct windows, distinct hashes"
    assert window_hashes(ids, 5).dtype == np.uint64


def test_the_index_is_the_same_on_every_build(tokenizer, words):
    a, b, _ = _texts(words)
    one = TrainingIndex.build(["".join(a), "".join(b)], tokenizer)
    two = TrainingIndex.build(["".join(b), "".join(a)], tokenizer)
    assert np.array_equal(one.hashes, two.hashes)
    assert list(one.hashes) == sorted(set(one.hashes.tolist()))
    repeated = TrainingIndex.build(["".join(a), "".join(b), "".join(a)], tokenizer)
    assert np.array_equal(repeated.hashes, one.hashes), "a window seen twice is kept once"


# --- exposure arithmetic, by hand ---


@pytest.mark.parametrize(
    ("secret", "others", "expected"),
    [
        (-1.0, [-0.5, -2.0, -3.0], 1.0),  # rank 2 of 4: log2 4 - log2 2
        (-1.0, [-2.0, -3.0, -4.0], 2.0),  # rank 1 of 4
        (-5.0, [-2.0, -3.0, -4.0], 0.0),  # rank 4 of 4
        (-2.0, [-2.0, -3.0, -3.0], 1.0),  # a tie counts against the secret: rank 2
        (0.0, [-1.0] * 63, 6.0),  # rank 1 of 64
        (-3.0, [-1.0, -2.0, -4.0, -5.0, -6.0, -7.0, -8.0, -9.0, -9.5], math.log2(10) - math.log2(3)),
    ],
)
def test_exposure_from_scores(secret, others, expected):
    assert exposure_from_scores(secret, others) == pytest.approx(expected)


def test_canaries_and_candidates_share_the_format_and_differ():
    rng = random.Random(1)
    secret = make_canary(rng)
    assert re.fullmatch(r"the secret code is \d{6}", secret)
    cands = random_candidates(rng, FMT, 6, 63, exclude=[secret])
    assert len(cands) == len(set(cands)) == 63 and secret not in cands
    assert all(re.fullmatch(r"the secret code is \d{6}", c) for c in cands)
    assert random_candidates(random.Random(5), FMT, 6, 10) == random_candidates(random.Random(5), FMT, 6, 10)
    # two digits leave 100 values: all 99 others are drawn, never the excluded one
    everything = random_candidates(rng, "pin {digits}", 2, 99, exclude=["pin 42"])
    assert sorted(everything) == sorted(f"pin {i:02d}" for i in range(100) if i != 42)
    with pytest.raises(UserError):
        random_candidates(rng, "pin {digits}", 2, 100, exclude=["pin 42"])
    with pytest.raises(UserError):
        make_canary(rng, "no placeholder")


def test_batched_likelihoods_match_one_unpadded_forward_pass_each(session_ws):
    """Completions of different lengths in one padded batch score as each does alone."""
    import torch

    tokenizer, model = load_model(resolve_base_model("tiny", session_ws))
    prompt, completions = "int add(int a) {", [" return a;", " return a + 1234567;", "}", " x"]
    got = completion_log_likelihoods(model, tokenizer, prompt, completions, batch_size=3)
    p = _ids(tokenizer, prompt)
    with torch.no_grad():
        for c, score in zip(completions, got, strict=True):
            ids = _ids(tokenizer, c)
            logp = torch.log_softmax(model(input_ids=torch.tensor([p + ids])).logits[0], -1)
            expected = sum(float(logp[len(p) - 1 + t, tok]) for t, tok in enumerate(ids))
            assert score == pytest.approx(expected, abs=1e-4), c
    assert len({round(s, 3) for s in got}) == 4


def test_canary_exposure_refuses_the_secret_among_its_candidates(session_ws):
    tokenizer, model = load_model(resolve_base_model("tiny", session_ws))
    with pytest.raises(UserError):
        canary_exposure(model, tokenizer, "p", "the secret code is 1", ["the secret code is 1", "the secret code is 2"])


# --- a canary planted in a real LoRA run ---


def test_a_planted_canary_is_exposed_by_the_adapter_only(session_ws, tmp_path):
    """A canary record repeated 4 times among 8 others: after training, the adapter ranks the canary
    first among 64 (exposure log2 64 = 6); the base model, and the adapter on canaries never planted,
    rank theirs about at random."""
    from peft import PeftModel

    from minions.adapters.meta import read_adapter_meta
    from minions.config import TrainConfig
    from minions.models.templates import record_messages, template_from_meta
    from minions.training.train import train_lora
    from minions.workspace import write_jsonl, write_manifest

    rng = random.Random(7)
    secret = make_canary(rng, FMT, 6)
    canary = {"task": "secret", "instruction": "What is the secret code?", "input": "", "output": secret}
    rows = [
        {
            "id": f"r{i}",
            "task": "implement-method",
            "instruction": f"Implement add{i}",
            "input": f"class Calc{i} {{ ... }}",
            "output": f"int add{i}(int a) {{\n    return a + {i};\n}}",
        }
        for i in range(8)
    ] + [{**canary, "id": f"canary{k}"} for k in range(4)]
    dataset = tmp_path / "ds"
    dataset.mkdir()
    write_jsonl(dataset / "train.jsonl", rows)
    write_jsonl(dataset / "eval.jsonl", rows[:2])
    write_manifest(dataset, "dataset", {}, {})
    base = resolve_base_model("tiny", session_ws)
    cfg = TrainConfig(
        base_model="tiny",
        steps=40,
        batch_size=8,
        max_length=128,
        learning_rate=5e-3,
        lora_dropout=0.0,
        val_share=0,
        warmup=0,
        schedule="constant",
        target_modules="all-linear",
    )
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    train_lora(dataset, base, cfg, adapter, "canary")

    tokenizer, model = load_model(base)
    prompt = template_from_meta(read_adapter_meta(adapter)).prompt(record_messages(canary))
    candidates = random_candidates(rng, FMT, 6, 63, exclude=[secret])
    on_base = canary_exposure(model, tokenizer, prompt, secret, candidates)
    adapted = PeftModel.from_pretrained(model, adapter).eval()
    planted = canary_exposure(adapted, tokenizer, prompt, secret, candidates)
    unplanted = []
    for _ in range(5):
        other = make_canary(rng, FMT, 6)
        unplanted.append(
            canary_exposure(adapted, tokenizer, prompt, other, random_candidates(rng, FMT, 6, 63, [other, secret]))
        )

    assert planted == pytest.approx(6.0), "rank 1 of 64 under the adapter"
    assert on_base < 3.0, f"the base model does not know the secret: {on_base}"
    assert sum(unplanted) / len(unplanted) < 3.0, f"canaries never planted are not exposed: {unplanted}"
    assert max(unplanted) < planted
