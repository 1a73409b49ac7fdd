"""Write a dataset folder: split files, rejections, card and manifest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from minions.datasets.split import SplitResult
from minions.errors import UserError
from minions.records import Rejection
from minions.scrub import scan_text
from minions.workspace import atomic_write_text, write_jsonl, write_manifest


def _card(name: str, split: SplitResult, rejected: list[Rejection], summary: dict) -> str:
    lines = [
        f"# Dataset card: {name}",
        "",
        "Instruction records mined from source code by minions. Secrets, personal data and internal",
        "names were scrubbed from files before parsing, and every record was re-scanned before release.",
        "",
        "## Splits",
        "",
        f"Split by whole groups at the **{split.level}** level (a group never sits on both sides).",
        "",
        "| split | records | groups |",
        "|---|---|---|",
    ]
    for s, recs in split.splits.items():
        lines.append(f"| {s} | {len(recs)} | {split.groups.get(s, 0)} |")
    lines += [
        "",
        "## Records by task and language",
        "",
        "| split | task | lang | records |",
        "|---|---|---|---|",
    ]
    for s, recs in split.splits.items():
        for (task, lang), n in sorted(Counter((r.task, r.lang) for r in recs).items()):
            lines.append(f"| {s} | {task} | {lang} | {n} |")
    lines += ["", "## Rejected", "", "| stage | reason | count |", "|---|---|---|"]
    for (stage, reason), n in sorted(Counter((r.stage, r.reason) for r in rejected).items()):
        lines.append(f"| {stage} | {reason} | {n} |")
    lines += ["", "## Pipeline summary", ""] + [f"- {k}: {v}" for k, v in summary.items()] + [""]
    return "\n".join(lines)


def write_dataset(
    folder: Path,
    name: str,
    split: SplitResult,
    rejected: list[Rejection],
    config: dict,
    inputs: dict[str, str],
    summary: dict,
    internal_names: dict[str, str],
) -> dict:
    """Write train/eval(/test).jsonl, rejected.jsonl, card.md and manifest.json; return the manifest.

    The card and manifest are gated too: if a detector fires on them, nothing is released.
    """
    for s, recs in split.splits.items():
        write_jsonl(folder / f"{s}.jsonl", (r.model_dump() for r in recs))
    write_jsonl(folder / "rejected.jsonl", (r.model_dump() for r in rejected))
    card = _card(name, split, rejected, summary)
    if scan_text(card, internal_names):
        raise UserError("the gate found sensitive data in the dataset card; check the config's names and sources")
    atomic_write_text(folder / "card.md", card)
    counts = {s: len(recs) for s, recs in split.splits.items()}
    manifest = write_manifest(
        folder, "dataset", config, inputs, split_level=split.level, counts=counts, summary=summary
    )
    if scan_text((folder / "manifest.json").read_text(), internal_names):
        raise UserError("the gate found sensitive data in the dataset manifest; check the config's source names")
    return manifest
