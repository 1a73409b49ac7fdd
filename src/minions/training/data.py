"""Training examples into batches: the validation slice, packing, length grouping and collation.

An epoch's plan is a pure function of (seed, epoch), so a resumed run, or one process of several,
recomputes exactly the batches an uninterrupted single run would see.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence

from minions.models.examples import IGNORE

Example = tuple[list[int], list[int]]  # input ids, labels (IGNORE on the prompt)
Row = list[int]  # indices of the examples in one row of a batch (several when packed)

PACK_CHUNK = 2048  # records packed together: larger fills rows better, smaller keeps epochs more random
GROUP_CHUNK_BATCHES = 50  # batches' worth of records sorted by length together when grouping


def hold_out(n: int, share: float, cap: int, seed: int) -> tuple[list[int], list[int]]:
    """(train, validation) indices: a seeded slice of `share` of n (at most `cap`), none under 20 records."""
    want = min(cap, round(n * share)) if n >= 20 else 0
    order = list(range(n))
    random.Random(f"val-{seed}").shuffle(order)
    return sorted(order[want:]), sorted(order[:want])


def pack(lengths: Sequence[int], capacity: int, rng: random.Random) -> list[Row]:
    """Rows of at most `capacity` tokens: records in a seeded order, then best fit (longest first)
    within chunks of PACK_CHUNK records, so rows are nearly full and still vary between epochs."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    rows: list[Row] = []
    for start in range(0, len(order), PACK_CHUNK):
        chunk = sorted(order[start : start + PACK_CHUNK], key=lambda i: -lengths[i])
        free: list[tuple[int, int]] = []  # (room left, row index), sorted
        chunk_rows: list[Row] = []
        for i in chunk:
            at = bisect.bisect_left(free, (lengths[i], -1))
            if at < len(free):
                room, r = free.pop(at)
            else:
                room, r = capacity, len(chunk_rows)
                chunk_rows.append([])
            chunk_rows[r].append(i)
            if room - lengths[i] > 0:
                bisect.insort(free, (room - lengths[i], r))
        rng.shuffle(chunk_rows)
        rows += chunk_rows
    return rows


def group_by_length(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[Row]:
    """One record per row, ordered so that each batch holds records of similar length (less padding):
    shuffled, sorted within chunks of GROUP_CHUNK_BATCHES batches, then the batches shuffled."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    span = batch_size * GROUP_CHUNK_BATCHES
    batches = []
    for start in range(0, len(order), span):
        chunk = sorted(order[start : start + span], key=lambda i: lengths[i])
        batches += [chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return [[i] for batch in batches for i in batch]


def row_capacity(lengths: Sequence[int], batch_size: int, max_length: int, processes: int = 1) -> int:
    """Tokens in one packed row: `max_length`, or less where a process's share of `batch_size`
    records is shorter (but never less than the longest record), so that a row never holds much
    more than one step's records."""
    if not lengths:
        return max_length
    share = math.ceil(batch_size * sum(lengths) / len(lengths) / processes)
    return min(max_length, max(max(lengths), share))


def group_rows(rows: Sequence[Row], batch_size: int, processes: int = 1) -> list[list[Row]]:
    """Consecutive packed rows into batches of about `batch_size` records (the count nearest to it)
    and at least `processes` rows (the last batch may be short)."""
    batches: list[list[Row]] = [[]]
    for row in rows:
        held = sum(len(r) for r in batches[-1])
        if len(batches[-1]) >= processes and abs(held + len(row) - batch_size) >= abs(held - batch_size):
            batches.append([])
        batches[-1].append(row)
    return [b for b in batches if b]


def epoch_plan(
    lengths: Sequence[int],
    batch_size: int,
    max_length: int,
    packing: bool,
    grouped: bool,
    seed: int,
    epoch: int,
    processes: int = 1,
) -> list[list[Row]]:
    """The batches (optimizer steps) of one epoch, each about `batch_size` records.

    Unpacked, a batch is `batch_size` rows of one record (the last may be short). Packed, it is
    packed rows (see row_capacity and group_rows), so that an epoch makes about as many optimizer
    steps as unpacked training, whatever `max_length` (batches of `batch_size` full rows of 1,024
    tokens made 8 steps where unpacked training made 20, and a worse eval loss).
    """
    rng = random.Random(f"{seed}-{epoch}")
    if packing:
        capacity = row_capacity(lengths, batch_size, max_length, processes)
        return group_rows(pack(lengths, capacity, rng), batch_size, processes)
    if grouped:
        rows = group_by_length(lengths, batch_size, rng)
    else:
        order = list(range(len(lengths)))
        rng.shuffle(order)
        rows = [[i] for i in order]
    return [rows[b : b + batch_size] for b in range(0, len(rows), batch_size)]


def collate_rows(rows: Sequence[Row], examples: Sequence[Example], pad_id: int) -> dict:
    """Tensors for a batch of rows, right-padded to the longest row.

    A packed row (several records) gets position ids that restart at 0 for each record and no
    attention mask: transformers then keeps attention within each record (a block-diagonal causal
    mask). The first label of every record is ignored, so no record learns from the one before it.
    Rows of one record each get the usual attention mask instead.
    """
    import torch

    packed = any(len(r) > 1 for r in rows)
    width = max(sum(len(examples[i][0]) for i in r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    positions = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for b, row in enumerate(rows):
        at = 0
        for i in row:
            x, y = examples[i]
            ids[b, at : at + len(x)] = torch.tensor(x)
            labels[b, at : at + len(y)] = torch.tensor(y)
            labels[b, at] = IGNORE
            positions[b, at : at + len(x)] = torch.arange(len(x))
            at += len(x)
        mask[b, :at] = 1
        positions[b, at:] = torch.arange(width - at)  # the padding is a record of its own
    if packed:
        return {"input_ids": ids, "labels": labels, "position_ids": positions}
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def useful_tokens(rows: Sequence[Row], examples: Sequence[Example]) -> int:
    """Tokens of the records in these rows (padding not counted)."""
    return sum(len(examples[i][0]) for r in rows for i in r)
