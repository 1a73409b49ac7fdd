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


def spans(text: str, n: int) -> set[tuple[str, ...]]:
    """Every run of n consecutive tokens in a text (none when it is shorter)."""
    toks = _TOKEN.findall(text)
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def benchmark_outputs(paths: list[Path]) -> list[tuple[str, str]]:
    """(label, text) for every string value of every line of the benchmark JSONL files; the label is
    the file's name and line number. A missing or malformed file is a UserError."""
    out = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise UserError(f"benchmark file {path.name}: cannot read it ({e}); fix filters.benchmarks") from None
        for no, line in enumerate(lines, 1):
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
    return out


def shared_spans(
    train: list[InstructionRecord], held: list[tuple[str, str]], n: int = 13, common: int = 10
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Training records kept, and a rejection for each whose output shares an n-token span with a
    held-out text (`held`: (label, text) pairs) that fewer than `common` training outputs contain."""
    owner: dict[tuple[str, ...], str] = {}
    for label, text in held:
        for s in spans(text, n):
            owner.setdefault(s, label)
    found = [spans(r.output, n) & owner.keys() for r in train]
    frequency: dict[tuple[str, ...], int] = defaultdict(int)
    for shared in found:
        for s in shared:
            frequency[s] += 1
    kept, rejected = [], []
    for r, shared in zip(train, found, strict=True):
        leaks = sorted(s for s in shared if frequency[s] < common)
        if leaks:
            reason = f"output shares a {n}-token span with {owner[leaks[0]]}"
            rejected.append(Rejection(id=r.id, task=r.task, stage="decontaminate", reason=reason))
        else:
            kept.append(r)
    return kept, rejected
