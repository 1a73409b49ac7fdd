"""Packing, length grouping, the validation slice and collation: the batches the loop trains on."""

import random

import pytest
import torch

from minions.models.examples import IGNORE
from minions.training.data import (
    collate_rows,
    epoch_plan,
    group_by_length,
    hold_out,
    pack,
    useful_tokens,
)


def test_packing_fills_rows_without_splitting_or_losing_a_record():
    rng = random.Random(1)
    lengths = [rng.randint(5, 300) for _ in range(3000)]
    rows = pack(lengths, 320, random.Random(0))
    placed = sorted(i for r in rows for i in r)
    assert placed == list(range(len(lengths))), "every record exactly once"
    assert all(sum(lengths[i] for i in r) <= 320 for r in rows)
    fill = sum(lengths) / (len(rows) * 320)
    assert fill > 0.95, f"rows are {fill:.1%} full"


def test_packing_is_seeded_and_differs_between_epochs():
    lengths = [random.Random(i).randint(5, 100) for i in range(200)]
    assert epoch_plan(lengths, 4, 256, True, True, 0, 1) == epoch_plan(lengths, 4, 256, True, True, 0, 1)
    assert epoch_plan(lengths, 4, 256, True, True, 0, 1) != epoch_plan(lengths, 4, 256, True, True, 0, 2)


@pytest.mark.parametrize("max_length", [320, 1024, 4096])
def test_a_packed_epoch_makes_about_as_many_steps_as_an_unpacked_one(max_length):
    """Batches of `batch_size` full rows made 8 steps where unpacked training made 20 (and a worse
    eval loss at the same learning rate): a packed step holds about `batch_size` records."""
    rng = random.Random(5)
    lengths = [rng.randint(100, 320) for _ in range(400)]
    packed = epoch_plan(lengths, 4, max_length, True, False, 0, 0)
    assert len(epoch_plan(lengths, 4, max_length, False, False, 0, 0)) == 100
    assert 95 <= len(packed) <= 110, len(packed)
    assert max(sum(len(r) for r in b) for b in packed) <= 8, "a row holds at most one step's tokens"
    assert sorted(i for b in packed for r in b for i in r) == list(range(400)), "every record once"


def test_a_packed_step_has_a_row_for_every_process():
    lengths = [10] * 64
    assert all(len(b) == 1 for b in epoch_plan(lengths, 8, 1024, True, False, 0, 0))
    assert all(len(b) == 2 for b in epoch_plan(lengths, 8, 1024, True, False, 0, 0, processes=2))


def test_grouping_by_length_makes_batches_of_similar_length():
    rng = random.Random(3)
    lengths = [rng.randint(1, 1000) for _ in range(800)]
    rows = group_by_length(lengths, 8, random.Random(0))
    assert sorted(r[0] for r in rows) == list(range(800))
    batches = [rows[b : b + 8] for b in range(0, 800, 8)]

    def padding(bs):
        return sum(max(lengths[r[0]] for r in b) * len(b) - sum(lengths[r[0]] for r in b) for b in bs)

    plain = [[[i] for i in range(b, b + 8)] for b in range(0, 800, 8)]
    assert padding(batches) < 0.2 * padding(plain)


def test_the_validation_slice_is_seeded_capped_and_disjoint():
    train, val = hold_out(1000, 0.05, 32, seed=7)
    assert len(val) == 32 and not set(train) & set(val) and len(train) + len(val) == 1000
    assert hold_out(1000, 0.05, 32, seed=7) == (train, val)
    assert hold_out(1000, 0.05, 32, seed=8)[1] != val
    assert hold_out(19, 0.5, 32, seed=0) == (list(range(19)), []), "too few records to spare any"


def test_a_packed_row_restarts_positions_and_ignores_each_records_first_label():
    examples = [([10, 11, 12], [IGNORE, 11, 12]), ([20, 21], [IGNORE, 21]), ([30, 31, 32, 33], [IGNORE, -100, 32, 33])]
    batch = collate_rows([[0, 1], [2]], examples, pad_id=0)
    assert "attention_mask" not in batch, "a packed batch relies on position ids for its block mask"
    assert batch["input_ids"].tolist() == [[10, 11, 12, 20, 21], [30, 31, 32, 33, 0]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 2, 3, 0]]
    assert batch["labels"].tolist() == [[IGNORE, 11, 12, IGNORE, 21], [IGNORE, IGNORE, 32, 33, IGNORE]]
    assert useful_tokens([[0, 1], [2]], examples) == 9
    single = collate_rows([[0], [1]], examples, pad_id=0)
    assert single["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_records_do_not_see_each_other(session_ws, attn):
    """The loss of a packed row equals the losses of its records run one by one: attention stays
    within each record, and positions restart (cross-contamination would change the numbers)."""
    from transformers import AutoModelForCausalLM

    from minions.models.base import resolve_base_model

    model = AutoModelForCausalLM.from_pretrained(
        resolve_base_model("tiny", session_ws), dtype=torch.float32, attn_implementation=attn
    ).eval()
    g = torch.Generator().manual_seed(0)
    examples = []
    for n in (7, 12, 5):
        ids = torch.randint(3, 1000, (n,), generator=g).tolist()
        examples.append((ids, [IGNORE, IGNORE, *ids[2:]]))
    with torch.no_grad():
        packed = model(**collate_rows([[0, 1, 2]], examples, 0), use_cache=False).logits[0]
        at = 0
        for x, _ in examples:
            alone = model(input_ids=torch.tensor([x])).logits[0]
            torch.testing.assert_close(packed[at : at + len(x)], alone, atol=1e-5, rtol=1e-4)
            at += len(x)
