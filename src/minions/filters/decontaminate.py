"""Decontamination: drop training records that would leak held-out answers into training.

After the split, a training record is dropped when its output is a near copy of a held-out
record's output (Jaccard similarity of token 5-grams), or when its input contains most of a
held-out output (containment), as when a test's prompt quotes a held-out method. Exact
duplicates are gone before the split; this catches renamed and reformatted copies.
"""

from __future__ import annotations

import re
from collections import defaultdict

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
