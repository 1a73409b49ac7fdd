"""Memorisation: verbatim reproduction of training outputs, and canary exposure.

Verbatim reproduction: a `TrainingIndex` holds a 64-bit hash of every window of `n` (50) consecutive
tokens of each training output (base model's tokenizer, no special tokens). A generated text
reproduces the training set when any of its `n`-token windows is in the index. Windows never span
two training outputs. The hash is a polynomial over splitmix64-mixed token ids, modulo 2^64, computed
with numpy over whole batches: the same on every run and machine. A query window hits a wrong entry
with probability about (windows indexed) / 2^64: 1e-12 for 15 million windows. Measured on 2 shared
cores: 100,000 synthetic code outputs (59 M characters) index in about 40 s, tokenizing most of it,
into 15 M windows (117 MiB) with the tiny tokenizer, 12 M (94 MiB) with SmolLM2's; peak memory about
400 MiB above the texts themselves.

Canary exposure ("The Secret Sharer", Carlini et al. 2019): with R the secret plus candidates of the
same format, exposure = log2|R| - log2(rank of the secret in R by model log-likelihood), rank 1 the
most likely, so a secret the model ranks first among 64 has exposure 6 and one it ranks last 0.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from minions.errors import UserError
from minions.evaluation.outputs import reference

WINDOW = 50
BATCH = 1024  # texts tokenized and hashed together
_MULTIPLIER = 0x9E3779B97F4A7C15  # odd, so the polynomial loses no bits modulo 2^64
_M = np.uint64(_MULTIPLIER)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 values (wrapping arithmetic): spreads small token ids."""
    with np.errstate(over="ignore"):
        x = x + _M
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _hashes_of(ids: np.ndarray, doc: np.ndarray, n: int) -> np.ndarray:
    """Hash of every n-token window of a concatenation of texts whose tokens are `ids`, the text of
    each token in `doc`; windows that cross from one text into the next are dropped."""
    count = len(ids) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    mixed = _mix(ids.astype(np.uint64))
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):  # Horner: h = sum_j mixed[i+j] * M^(n-1-j)
            h = h * _M + mixed[j : j + count]
    return h[doc[:count] == doc[n - 1 :]]


def window_hashes(token_ids: Sequence[int], n: int = WINDOW) -> np.ndarray:
    """The hash of each window of `n` consecutive tokens of one text, in order (empty when shorter)."""
    ids = np.asarray(token_ids, dtype=np.int64)
    return _hashes_of(ids, np.zeros(len(ids), dtype=np.int64), n)


def _batch_hashes(token_lists: list[list[int]], n: int) -> np.ndarray:
    lengths = [len(t) for t in token_lists]
    ids = np.fromiter(chain.from_iterable(token_lists), dtype=np.int64, count=sum(lengths))
    doc = np.repeat(np.arange(len(token_lists)), lengths)
    return _hashes_of(ids, doc, n)


def _distinct(hashes: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hash path is several times slower on uint64)."""
    if not len(hashes):
        return hashes
    hashes = np.sort(hashes)
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]


def _tokenize(tokenizer, texts: list[str]) -> list[list[int]]:
    if not texts:
        return []
    return tokenizer(texts, add_special_tokens=False, return_attention_mask=False)["input_ids"]


@dataclass(frozen=True)
class TrainingIndex:
    """The set of n-token window hashes of a training set's outputs (sorted, distinct)."""

    hashes: np.ndarray
    tokenizer: Any = field(repr=False, compare=False)
    n: int = WINDOW
    texts: int = 0  # training outputs indexed

    @classmethod
    def build(cls, texts: Iterable[str], tokenizer, n: int = WINDOW) -> TrainingIndex:
        """Index every n-token window of each text (outputs shorter than n add nothing)."""
        if n < 1:
            raise UserError(f"the reproduction window must be at least 1 token, not {n}")
        parts, batch, count = [], [], 0
        for text in texts:
            batch.append(text)
            count += 1
            if len(batch) == BATCH:
                parts.append(_distinct(_batch_hashes(_tokenize(tokenizer, batch), n)))
                batch = []
        if batch:
            parts.append(_distinct(_batch_hashes(_tokenize(tokenizer, batch), n)))
        hashes = _distinct(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)
        return cls(hashes, tokenizer, n, count)

    @classmethod
    def from_records(cls, records: Iterable[dict], tokenizer, n: int = WINDOW) -> TrainingIndex:
        """Index the reference outputs of instruction records (a chat record's assistant turn)."""
        return cls.build((reference(r) for r in records), tokenizer, n)

    def __len__(self) -> int:
        return len(self.hashes)

    def _hits(self, hashes: np.ndarray) -> np.ndarray:
        if not len(self.hashes) or not len(hashes):
            return np.zeros(len(hashes), dtype=bool)
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return self.hashes[at] == hashes

    def reproduces(self, text: str) -> bool:
        """Whether some n consecutive tokens of `text` are n consecutive tokens of one training output."""
        return bool(self._hits(window_hashes(_tokenize(self.tokenizer, [text])[0], self.n)).any())

    def reproduction_share(self, outputs: Sequence[str]) -> float:
        """The share of `outputs` that reproduce a training output (0.0 for no outputs)."""
        if not outputs:
            return 0.0
        found = 0
        for i in range(0, len(outputs), BATCH):
            for ids in _tokenize(self.tokenizer, list(outputs[i : i + BATCH])):
                found += bool(self._hits(window_hashes(ids, self.n)).any())
        return found / len(outputs)


# --- canary exposure ---


def _digits(rng: random.Random, digits: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(digits))


def make_canary(rng: random.Random, fmt: str = "the secret code is {digits}", digits: int = 6) -> str:
    """A canary: `fmt` with `{digits}` replaced by `digits` random decimal digits."""
    if "{digits}" not in fmt:
        raise UserError(f"the canary format {fmt!r} has no {{digits}} placeholder; add one")
    return fmt.format(digits=_digits(rng, digits))


def random_candidates(rng: random.Random, fmt: str, digits: int, k: int, exclude: Collection[str] = ()) -> list[str]:
    """`k` distinct random strings of the canary format, none of them in `exclude` (the secret)."""
    space = 10**digits
    taken = set(exclude)
    if k > space - len(taken):
        raise UserError(
            f"{k} candidates do not fit {digits} digits ({space} values); use more digits or fewer candidates"
        )
    out: list[str] = []
    seen = set(taken)
    while len(out) < k:
        c = make_canary(rng, fmt, digits)
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def completion_log_likelihoods(
    model, tokenizer, prompt: str, completions: Sequence[str], batch_size: int = 16
) -> list[float]:
    """Sum of the log-probabilities of each completion's tokens after `prompt` (teacher-forced,
    batched, natural log). Prompt and completion are tokenized apart, without special tokens, as
    training encodes them."""
    import torch

    p = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    if not p:
        raise UserError("the canary prompt is empty; give the text the secret follows")
    cs = [tokenizer(c, add_special_tokens=False)["input_ids"] for c in completions]
    if any(not c for c in cs):
        raise UserError("a canary completion is empty; every candidate needs some text")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    device = next(model.parameters()).device
    scores: list[float] = []
    model.eval()
    with torch.no_grad():
        for i in range(0, len(cs), batch_size):
            chunk = cs[i : i + batch_size]
            width = len(p) + max(len(c) for c in chunk)
            ids = torch.full((len(chunk), width), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for row, c in enumerate(chunk):
                ids[row, : len(p) + len(c)] = torch.tensor(p + c)
                mask[row, : len(p) + len(c)] = 1
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float()
            logp = torch.log_softmax(logits, dim=-1).cpu()
            for row, c in enumerate(chunk):
                # token t of the completion sits at len(p) + t and is predicted at the position before
                at = torch.arange(len(p) - 1, len(p) - 1 + len(c))
                scores.append(float(logp[row, at, torch.tensor(c)].sum()))
    return scores


def exposure_from_scores(secret_score: float, other_scores: Sequence[float]) -> float:
    """log2|R| - log2(rank of the secret), R the secret and the others, rank 1 the highest score.
    Ties count against the secret (rank 1 + the others scoring at least as high), so a model that
    cannot tell candidates apart shows no exposure."""
    rank = 1 + sum(s >= secret_score for s in other_scores)
    return math.log2(len(other_scores) + 1) - math.log2(rank)


def canary_exposure(
    model, tokenizer, prompt: str, secret: str, candidates: Sequence[str], batch_size: int = 16
) -> float:
    """The secret's exposure among `candidates` (same format, distinct from it) by the model's
    likelihood of each as the completion of `prompt`."""
    if secret in candidates:
        raise UserError("the canary secret is among its candidates; draw them with random_candidates(exclude=[secret])")
    if len(set(candidates)) != len(candidates):
        raise UserError("canary candidates repeat; draw distinct ones with random_candidates")
    scores = completion_log_likelihoods(model, tokenizer, prompt, [secret, *candidates], batch_size)
    return exposure_from_scores(scores[0], scores[1:])
