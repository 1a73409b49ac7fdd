"""Scores of one generated text against its reference, and the statistics that compare two models.

Pure Python (no torch): exact match, edit similarity, BLEU (sacrebleu), pass@k and a paired
bootstrap interval. Every score is in 0..1.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence

from minions.errors import UserError

_LINE_END = re.compile(r"\r\n?")


def _normalise(text: str) -> str:
    """Line endings as \\n, no trailing whitespace on any line, no trailing empty lines."""
    return "\n".join(line.rstrip() for line in _LINE_END.sub("\n", text).split("\n")).rstrip("\n")


def exact_match(pred: str, ref: str) -> float:
    """1.0 when the texts are equal after normalising line endings (CRLF, CR -> LF) and trailing
    whitespace (at the end of each line, and empty lines at the end); indentation still counts."""
    return 1.0 if _normalise(pred) == _normalise(ref) else 0.0


def edit_similarity(pred: str, ref: str) -> float:
    """1 - Levenshtein distance / the longer length, in characters (1.0 for two empty strings)."""
    from rapidfuzz.distance import Levenshtein

    longest = max(len(pred), len(ref))
    if longest == 0:
        return 1.0
    return 1.0 - Levenshtein.distance(pred, ref) / longest


def bleu_tokenizer(instruction_lang: str = "en") -> str:
    """sacrebleu's tokenizer for a record: 'zh' for Chinese text (each CJK character a token),
    '13a' otherwise. 13a splits punctuation from words (`foo(a+b);` -> `foo ( a + b ) ;`), which suits
    code and English prose alike."""
    return "zh" if instruction_lang == "zh" else "13a"


def bleu(preds: Sequence[str], refs: Sequence[str], instruction_lang: str = "en") -> float:
    """Corpus BLEU-4 (sacrebleu, one reference per prediction) scaled to 0..1."""
    from sacrebleu.metrics import BLEU

    _same_length(preds, refs)
    if not preds:
        raise UserError("BLEU needs at least one prediction: evaluate on a non-empty set of records")
    score = BLEU(tokenize=bleu_tokenizer(instruction_lang)).corpus_score(list(preds), [list(refs)]).score
    return min(1.0, score / 100.0)


def sentence_bleu(pred: str, ref: str, instruction_lang: str = "en") -> float:
    """BLEU-4 of one prediction (sacrebleu's sentence BLEU: exp smoothing, effective order), 0..1."""
    from sacrebleu.metrics import BLEU

    metric = BLEU(tokenize=bleu_tokenizer(instruction_lang), effective_order=True)
    return min(1.0, metric.sentence_score(pred, [ref]).score / 100.0)


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased pass@k of Chen et al. 2021 for n samples of which c pass: 1 - C(n-c, k) / C(n, k),
    computed as 1 - prod_{i=n-c+1..n} (1 - k/i). One greedy sample (n=1) gives c."""
    if not (0 <= c <= n and 1 <= k <= n):
        raise UserError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (got n={n}, c={c}, k={k}): sample at least k times")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def bootstrap_ci(
    deltas: Sequence[float], seed: int = 0, resamples: int = 1000, level: float = 0.95
) -> tuple[float, float, float]:
    """(mean, low, high) of paired per-record differences: the percentile bootstrap interval at
    `level`, resampling records with replacement `resamples` times (random.Random(seed): the same
    inputs give the same interval). Percentiles interpolate linearly between ranks."""
    if not deltas:
        raise UserError("a bootstrap interval needs at least one paired record: evaluate on more records")
    if not 0 < level < 1 or resamples < 1:
        raise UserError(f"bootstrap needs 0 < level < 1 and resamples >= 1 (got {level}, {resamples})")
    rng = random.Random(seed)
    values, n = list(deltas), len(deltas)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    tail = (1.0 - level) / 2
    return sum(values) / n, _percentile(means, tail), _percentile(means, 1.0 - tail)


def _percentile(ordered: list[float], q: float) -> float:
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _same_length(preds: Sequence[str], refs: Sequence[str]) -> None:
    if len(preds) != len(refs):
        raise UserError(f"{len(preds)} predictions for {len(refs)} references: pass one prediction per reference")
