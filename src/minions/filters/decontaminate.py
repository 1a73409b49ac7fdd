"""Decontamination: drop training records that would leak held-out answers into training.

After the split, a training record is dropped when its output is a near copy of a held-out
record's output (Jaccard similarity of token 5-grams), or when its input contains most of a
held-out output (containment), as when a test's prompt quotes a held-out method. Exact
duplicates are gone before the split; this catches renamed and reformatted copies.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from minions.errors import UserError
from minions.records import InstructionRecord, Rejection

_TOKEN = re.compile(r"\w+|[^\w\s]")
N = 5


def shingles(text: str) -> set[tuple[str, ...]]:
    """Token n-grams of a text (the whole text as one shingle when it is shorter than n tokens)."""
    toks = _TOKEN.findall(text)
    if len(toks) < N:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + N]) for i in range(len(toks) - N + 1)}


def decontaminate(
    train: list[InstructionRecord], held_out: list[InstructionRecord], threshold: float
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Training records kept, and a rejection for each one too close to a held-out record."""
    held = [(r.id, shingles(r.output)) for r in held_out]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, (_, sh) in enumerate(held):
        for s in sh:
            index[s].append(i)
    kept, rejected = [], []
    for r in train:
        out_sh, in_sh = shingles(r.output), shingles(r.input)
        overlap: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # held-out index -> [with output, with input]
        for s in out_sh:
            for i in index.get(s, ()):
                overlap[i][0] += 1
        for s in in_sh:
            for i in index.get(s, ()):
                overlap[i][1] += 1
        reason = None
        for i, (with_out, with_in) in overlap.items():
            held_id, sh = held[i]
            jaccard = with_out / (len(out_sh) + len(sh) - with_out)
            containment = with_in / len(sh)
            if jaccard >= threshold:
                reason = f"output near-duplicates held-out record {held_id} (jaccard {jaccard:.2f})"
                break
            if containment >= threshold:
                reason = f"input contains held-out record {held_id}'s output ({containment:.0%})"
                break
        if reason:
            rejected.append(Rejection(id=r.id, task=r.task, stage="decontaminate", reason=reason))
        else:
            kept.append(r)
    return kept, rejected


# import and package lines are the same in every file of a project: a span through them is boilerplate,
# however often it occurs (a small dataset has fewer than `common` copies of each)
_PREAMBLE = re.compile(
    r"^[ \t]*(?:(?:import|package|using|use|require)[ \t]+(?![=(])[\w\"'{*<@.\\]"
    r"|from[ \t]+[\w.]+[ \t]+import\b|#include\b)[^\n]*$",
    re.MULTILINE,
)


def spans(text: str, n: int) -> set[int]:
    """Every run of n consecutive tokens in a text, each as a hash (none when the text is shorter);
    import and package lines left out.

    Hashes, not token tuples: a benchmark file of tens of MB would otherwise hold every span's tokens
    in memory. Python's hash of a tuple of strings, 64 bits: used within one process only, never stored.
    """
    toks = _TOKEN.findall(_PREAMBLE.sub(" ", text))
    return {hash(tuple(toks[i : i + n])) for i in range(len(toks) - n + 1)}


def benchmark_outputs(paths: list[Path]) -> list[tuple[str, str]]:
    """(label, text) for every string value of every line of the benchmark JSONL files (`.gz` ones
    too; a byte-order mark is allowed); the label is the file's name and line number. A missing or
    malformed file is a UserError."""
    out = []
    for path in paths:
        try:
            for no, line in _lines(path):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError:
                    raise UserError(
                        f"benchmark file {path.name} line {no}: not JSON; filters.benchmarks takes JSONL files"
                    ) from None
                values = row.values() if isinstance(row, dict) else [row]
                out += [(f"{path.name} line {no}", v) for v in values if isinstance(v, str)]
        except (OSError, UnicodeDecodeError, EOFError) as e:
            why = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
            raise UserError(f"benchmark file {path.name}: cannot read it ({why}); fix filters.benchmarks") from None
    return out


def _lines(path: Path):
    """(number, line) of a text file, gzip-compressed when its name ends in .gz, read as it goes."""
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig") as f:
        yield from enumerate(f, 1)


def shared_spans(
    train: list[InstructionRecord], held: list[tuple[str, str]], n: int = 13, common: int = 10
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Training records kept, and a rejection for each whose output shares an n-token span with a
    held-out text (`held`: (label, text) pairs) that fewer than `common` training outputs contain."""
    owner: dict[int, int] = {}  # span -> index of the first held-out text holding it
    for i, (_, text) in enumerate(held):
        for s in spans(text, n):
            owner.setdefault(s, i)
    found = [spans(r.output, n) & owner.keys() for r in train]
    frequency: dict[int, int] = defaultdict(int)
    for shared in found:
        for s in shared:
            frequency[s] += 1
    kept, rejected = [], []
    for r, shared in zip(train, found, strict=True):
        leaks = [owner[s] for s in shared if frequency[s] < common]
        if leaks:
            reason = f"output shares a {n}-token span with {held[min(leaks)][0]}"
            rejected.append(Rejection(id=r.id, task=r.task, stage="decontaminate", reason=reason))
        else:
            kept.append(r)
    return kept, rejected
