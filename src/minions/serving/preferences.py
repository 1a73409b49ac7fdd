"""Marks made on the /ui page (which of several outputs is better, or a tie), kept in the workspace
catalog's `preferences` table, and their export as preference pairs for DPO training.

A mark holds the prompt messages, each model's output, the chosen model (None: a tie) and the
caller's team from its API key, never the key. The export is conversational JSONL as trl's DPO
trainer reads it: `{"prompt": [messages], "chosen": [assistant turn], "rejected": [assistant turn]}`,
plus `task`, `record_id`, `chosen_model`, `rejected_model`. A mark among N outputs gives N-1 pairs
(the chosen output against each other one); a tie gives none.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from minions.workspace import Workspace, write_jsonl

TABLE = "preferences"


@dataclass(frozen=True)
class Output:
    """One model's answer to the compared prompt."""

    model: str
    text: str


@dataclass(frozen=True)
class Mark:
    """One judged comparison."""

    id: str
    record_id: str | None
    task: str
    prompt: list[dict]
    outputs: list[Output]
    chosen: str | None  # a model id among the outputs; None: a tie
    team: str  # the caller's team ("" when the server has no keys)
    created: float = 0.0


@dataclass(frozen=True)
class ExportSummary:
    marks: int
    pairs: int
    ties: int


def store_mark(w: Workspace, mark: Mark) -> None:
    """Write a mark; marking the same comparison again replaces the earlier mark."""
    w.catalog.put(
        TABLE,
        id=mark.id,
        created=mark.created or time.time(),
        record_id=mark.record_id,
        task=mark.task,
        prompt=json.dumps(mark.prompt, ensure_ascii=False),
        outputs=json.dumps([{"model": o.model, "output": o.text} for o in mark.outputs], ensure_ascii=False),
        chosen=mark.chosen,
        team=mark.team,
    )


def read_marks(w: Workspace) -> list[Mark]:
    """Every stored mark, oldest first."""
    rows = w.catalog.rows(TABLE)
    return [
        Mark(
            id=r["id"],
            record_id=r["record_id"],
            task=r["task"],
            prompt=json.loads(r["prompt"]),
            outputs=[Output(o["model"], o["output"]) for o in json.loads(r["outputs"])],
            chosen=r["chosen"],
            team=r["team"],
            created=r["created"],
        )
        for r in reversed(rows)
    ]


def preference_pairs(marks: list[Mark]) -> list[dict]:
    """The DPO pairs of the marks: the chosen output against each other output; ties give none."""
    pairs = []
    for mark in marks:
        chosen = next((o for o in mark.outputs if o.model == mark.chosen), None)
        if chosen is None:
            continue
        for other in mark.outputs:
            if other is chosen:
                continue
            pairs.append(
                {
                    "prompt": mark.prompt,
                    "chosen": [{"role": "assistant", "content": chosen.text}],
                    "rejected": [{"role": "assistant", "content": other.text}],
                    "task": mark.task,
                    "record_id": mark.record_id,
                    "chosen_model": chosen.model,
                    "rejected_model": other.model,
                }
            )
    return pairs


def export_preferences(w: Workspace, out: Path) -> ExportSummary:
    """Write the workspace's marks as preference pairs (JSONL) to `out`."""
    marks = read_marks(w)
    pairs = preference_pairs(marks)
    write_jsonl(out, pairs)
    return ExportSummary(marks=len(marks), pairs=len(pairs), ties=sum(m.chosen is None for m in marks))
