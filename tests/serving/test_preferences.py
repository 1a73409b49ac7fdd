"""Marks in the workspace catalog and their preference pairs (trl's conversational DPO format)."""

import json

from minions.serving.preferences import Mark, Output, export_preferences, preference_pairs, read_marks, store_mark
from minions.workspace import Workspace

PROMPT = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]


def mark(id_: str, chosen: str | None, n: int = 3, created: float = 1.0) -> Mark:
    outputs = [Output(f"m{i}", f"out {i}") for i in range(n)]
    return Mark(id_, "r1", "task", PROMPT, outputs, chosen, "team", created)


def test_n_outputs_give_n_minus_one_pairs_and_a_tie_none():
    pairs = preference_pairs([mark("a", "m1"), mark("b", None), mark("c", "m0", n=2)])
    assert [(p["chosen_model"], p["rejected_model"]) for p in pairs] == [("m1", "m0"), ("m1", "m2"), ("m0", "m1")]
    assert pairs[0] == {
        "prompt": PROMPT,
        "chosen": [{"role": "assistant", "content": "out 1"}],
        "rejected": [{"role": "assistant", "content": "out 0"}],
        "task": "task",
        "record_id": "r1",
        "chosen_model": "m1",
        "rejected_model": "m0",
    }


def test_store_read_replace_and_export(tmp_path):
    ws = Workspace(tmp_path / "ws")
    store_mark(ws, mark("a", "m1", created=1.0))
    store_mark(ws, mark("b", None, created=2.0))
    store_mark(ws, mark("a", "m2", created=3.0))  # marked again: replaced
    assert [(m.id, m.chosen) for m in read_marks(ws)] == [("b", None), ("a", "m2")]
    assert read_marks(ws)[1] == mark("a", "m2", created=3.0)
    summary = export_preferences(ws, tmp_path / "p.jsonl")
    assert (summary.marks, summary.pairs, summary.ties) == (2, 2, 1)
    lines = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [(p["chosen_model"], p["rejected_model"]) for p in lines] == [("m2", "m0"), ("m2", "m1")]
