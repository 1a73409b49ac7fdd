"""Near-deduplication: MinHash LSH over code-aware shingles, every candidate pair checked exactly.

Texts become code tokens (`code_tokens`: identifiers, literals, operators; comments, whitespace and
Markdown code fences gone), tokens become 64-bit hashes, and each window of `ngram` consecutive
tokens one shingle hash. Texts with the same token sequence are exact duplicates, found first by
hashing. The rest get a 128-slot MinHash signature from rensa's compiled R-MinHash (`rensa`, Rust;
chosen over datasketch, whose signatures took 4.6 to 6.7 s against rensa's 0.14 to 0.19 s for 5,000
generated code documents of 11 MB on 2 cores, at the same recall), and LSH over those signatures
proposes candidate pairs, whose EXACT Jaccard over their shingle-hash sets decides: nothing is
removed on an estimate.

LSH shape: for a threshold t, the most rows per band r (with b = 128 // r bands) whose recall at t
itself, 1 - (1 - t^r)^b, is at least 0.95: at the default 0.8 that is 18 bands x 7 rows, recall 0.986
at J = 0.8 (1.0 from 0.85 up), 0.79 at 0.7 and 0.13 at 0.5 (fewer candidates: each is an exact
check). datatrove's 14 x 8 gives only 0.92 at 0.8, and 16 x 8 0.947. More rows would make fewer
candidates below the threshold but miss pairs at it; fewer rows (21 x 6: 0.998) double the candidates
at J = 0.5 for little gain. rensa's slots collide at the rate J, as classic MinHash does (measured on
random sets with J = 0.5 to 0.9), so the formula holds for it.

With `also` (the corpus filter passes each record's input beside its output), a pair must be
alike in both texts; LSH runs on the first, since a pair alike in both is alike there.

Keep policy (deterministic): texts are visited in keep order (the lowest `prefer` rank first, ties
by input order); a text is removed when its Jaccard with an already kept text reaches `threshold`,
and names the kept text with the highest Jaccard (ties: the earliest in keep order). So every
removed text names a kept one at least `threshold` alike; chains (A~B, B~C, A!~C) never remove C
through B. Shingle hashes are 64-bit (blake2b per token), so "exact" Jaccard means over those
hashes; a collision needs billions of distinct shingles to become likely.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import partial

import numpy as np
import rensa

from minions.executor import LocalExecutor, chunked, cores

NUM_PERM = 128
RECALL_AT_THRESHOLD = 0.95
SEED = 20260901  # fixed: signatures (and so candidates) are the same on every run and machine

# Comments and whitespace match outside the group (findall yields "" for them, dropped); strings come
# as whole tokens, so a `//` inside a string literal (a URL) never starts a comment: the regex engine
# takes whichever construct starts first, as a lexer would.
_TOKEN = re.compile(
    r"""
    (?:\s+
      |`{3,}[\w+\#.-]*                # a Markdown code fence and its language (not a template string)
      |//[^\n]*
      |/\*[\s\S]*?\*/              # closed: an unclosed /* (a glob, build/*) is two operators
      |<!--[\s\S]*?(?:-->|\Z)
      |(?<!\S)\#[^\n]*              # Python, shell, YAML: a # that starts a word (not a.#priv, x#y)
      |(?<!\S)--(?=\s|\Z)[^\n]*     # SQL, Lua, Haskell: -- then a space (not i--, --i)
    )
    |(
       \"\"\"[\s\S]*?(?:\"\"\"|\Z)
      |'''[\s\S]*?(?:'''|\Z)
      |"(?:[^"\\\n]|\\[\s\S])*"
      |'(?:[^'\\\n]|\\[\s\S])*'
      |`(?:[^`\\]|\\[\s\S])*`
      |[^\W\d][\w$]*|\$[\w$]*
      |\d[\w.]*|\.\d[\w.]*
      |>>>=|<<=|>>=|>>>|\.\.\.|===|!==|\*\*=|\?\?=
      |->|=>|==|!=|<=|>=|//|&&|\|\||\+\+|--|\+=|-=|\*=|/=|%=|&=|\|=|\^=|<<|>>|::|\?\?|\?\.|\*\*
      |\S
    )
    """,
    re.VERBOSE,
)

# Spread over 2**64 (splitmix64's finaliser) and odd per-position multipliers for the n-gram hash.
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_POS = np.array([(0x9E3779B97F4A7C15 + 2 * k * 0x632BE59BD9B4E019 | 1) % 2**64 for k in range(64)], dtype=np.uint64)
_PARALLEL_CHARS = 4_000_000  # below this a process pool costs more than it saves


# Languages where `//` is an operator (Python's floor division) and `/*` no comment: their own comments only
_NO_SLASH_COMMENTS = frozenset(
    {"python", "ruby", "shell", "bash", "yaml", "toml", "sql", "r", "perl", "markdown", "properties", "xml", "json"}
)
_TOKEN_NO_SLASH = re.compile(
    re.sub(r"\n\s*\|/\\?[/*][^\n]*", "", _TOKEN.pattern, count=2),  # the `//` and `/* */` comment lines dropped
    re.VERBOSE,
)


def code_tokens(text: str, lang: str | None = None) -> list[str]:
    """Identifiers, literals (a string is one token) and operators of `text`; comments and whitespace
    dropped. `lang` (a record's language): in Python, SQL, shell and the like `//` and `/*` are not comments."""
    pattern = _TOKEN_NO_SLASH if (lang or "").lower() in _NO_SLASH_COMMENTS else _TOKEN
    return [t for t in pattern.findall(text) if t]


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


class _TokenHashes(dict):
    """token -> its 64-bit hash (blake2b, the same in every process), computed once per distinct token."""

    def __missing__(self, token: str) -> int:
        h = self[token] = int.from_bytes(
            hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
        )
        return h


def _shingles(texts: Sequence[tuple[str, str | None]], ngram: int) -> tuple[list[np.ndarray], list[bytes]]:
    """Each text's shingle hashes (one per token window, repeats kept; a text shorter than `ngram`
    tokens is one shingle) and the digest of its token sequence (equal digests: exact duplicates)."""
    cache = _TokenHashes()
    shingles, keys = [], []
    pos = _POS[:ngram]
    for text, lang in texts:
        tokens = code_tokens(text, lang)
        arr = np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
        keys.append(hashlib.blake2b(arr.tobytes(), digest_size=16).digest())
        n = min(ngram, len(arr))
        if n == 0:
            shingles.append(np.zeros(1, dtype=np.uint64))
            continue
        windows = len(arr) - n + 1
        acc = np.full(windows, n, dtype=np.uint64)  # the window length, so a short text never equals a window
        for k in range(n):
            acc = acc + arr[k : k + windows] * pos[k]
        shingles.append(_mix(acc))
    return shingles, keys


def _shingles_parallel(texts: Sequence[tuple[str, str | None]], ngram: int) -> tuple[list[np.ndarray], list[bytes]]:
    """`_shingles` over the CPUs in contiguous chunks (same result, input order kept) when the input is big."""
    executor = LocalExecutor(min(cores(), 8))
    if executor.width() < 2 or sum(len(t) for t, _ in texts) < _PARALLEL_CHARS:
        return _shingles(texts, ngram)
    shingles, keys = [], []
    for s, k in executor.map(partial(_shingles, ngram=ngram), chunked(texts, executor.width() * 4)):
        shingles += s
        keys += k
    return shingles, keys


def _signatures(shingles: list[np.ndarray]) -> np.ndarray:
    """The (texts x NUM_PERM) R-MinHash signature matrix, computed in one call to rensa."""
    flat = np.concatenate(shingles)
    offsets = np.zeros(len(shingles) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in shingles], out=offsets[1:])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, NUM_PERM, SEED)
    return np.array(matrix.to_rows(), dtype=np.uint32).reshape(len(shingles), NUM_PERM)


def lsh_shape(threshold: float) -> tuple[int, int]:
    """(bands, rows): the most rows per band whose LSH recall at `threshold` is still RECALL_AT_THRESHOLD."""
    rows = max((r for r in range(1, 17) if 1 - (1 - threshold**r) ** (NUM_PERM // r) >= RECALL_AT_THRESHOLD), default=1)
    return NUM_PERM // rows, rows


def _band_buckets(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(texts x bands) bucket numbers: two texts share a bucket in band b when their rows there are equal."""
    buckets = np.empty((len(signatures), bands), dtype=np.int64)
    for b in range(bands):
        band = np.ascontiguousarray(signatures[:, b * rows : (b + 1) * rows]).view(np.dtype((np.void, 4 * rows)))
        buckets[:, b] = np.unique(band.ravel(), return_inverse=True)[1].ravel()
    return buckets


def _jaccard(a: np.ndarray, b: np.ndarray, threshold: float) -> float:
    """Jaccard of two sorted unique hash arrays; 0.0 when their sizes alone rule out `threshold`."""
    if min(len(a), len(b)) < threshold * max(len(a), len(b)):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def near_duplicates(
    texts: Sequence[str],
    threshold: float = 0.8,
    ngram: int = 5,
    prefer: Sequence[int] | None = None,
    *,
    also: Sequence[str] | None = None,
    langs: Sequence[str | None] | None = None,
) -> list[tuple[int, float] | None]:
    """For each text, None when it is kept, else (index of the kept text it duplicates, their Jaccard).

    Jaccard is over the sets of `ngram`-token shingles of `code_tokens`; `prefer` ranks texts for
    keeping (lower first; default input order), ties by input order. `also` gives each text a second
    text that must be alike too (a record's input beside its output): a pair is a duplicate when both
    Jaccards reach the threshold, and the smaller is reported. `langs`: each text's language, so that
    comments are read as that language writes them (`code_tokens`).
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    if ngram < 1:
        raise ValueError(f"ngram must be at least 1, not {ngram}")
    n = len(texts)
    for name, given in (("prefer", prefer), ("also", also), ("langs", langs)):
        if given is not None and len(given) != n:
            raise ValueError(f"{name} has {len(given)} items for {n} texts")
    result: list[tuple[int, float] | None] = [None] * n
    if n == 0:
        return result
    order = sorted(range(n), key=lambda i: (prefer[i], i)) if prefer is not None else list(range(n))
    lang_of = list(langs) if langs is not None else [None] * n
    shingles, keys = _shingles_parallel(list(zip(texts, lang_of, strict=True)), ngram)
    parts = [shingles]
    if also is not None:
        more, more_keys = _shingles_parallel(list(zip(also, lang_of, strict=True)), ngram)
        parts.append(more)
        keys = [k + m for k, m in zip(keys, more_keys, strict=True)]

    # exact duplicates: the first in keep order stands for its copies
    first: dict[bytes, int] = {}
    copies: list[tuple[int, int]] = []
    reps: list[int] = []
    for i in order:
        owner = first.setdefault(keys[i], i)
        if owner == i:
            reps.append(i)
        else:
            copies.append((i, owner))

    # LSH on the first texts: a pair alike in both is alike in those
    buckets = _band_buckets(_signatures([shingles[i] for i in reps]), *lsh_shape(threshold))
    crowded = np.zeros_like(buckets, dtype=bool)  # buckets[r, b] is shared with another text
    for b in range(buckets.shape[1]):
        crowded[:, b] = np.bincount(buckets[:, b])[buckets[:, b]] > 1
    sets: dict[tuple[int, int], np.ndarray] = {}

    def shingle_set(part: int, i: int) -> np.ndarray:
        if (part, i) not in sets:
            sets[part, i] = np.unique(parts[part][i])
        return sets[part, i]

    kept_in: dict[tuple[int, int], list[int]] = {}  # (band, bucket) -> kept reps (positions in reps)
    for r, i in enumerate(reps):
        bands = np.flatnonzero(crowded[r])
        if not len(bands):
            continue
        candidates = sorted({c for b in bands for c in kept_in.get((int(b), int(buckets[r, b])), ())})
        best: tuple[float, int] | None = None
        for c in candidates:
            jac = 1.0
            for part in range(len(parts)):
                jac = min(jac, _jaccard(shingle_set(part, i), shingle_set(part, reps[c]), threshold))
                if jac < threshold:
                    break
            if jac >= threshold and (best is None or jac > best[0]):
                best = (jac, c)
        if best is not None:
            result[i] = (reps[best[1]], best[0])
            continue
        for b in bands:
            kept_in.setdefault((int(b), int(buckets[r, b])), []).append(r)

    for i, owner in copies:
        result[i] = result[owner] or (owner, 1.0)
    return result
