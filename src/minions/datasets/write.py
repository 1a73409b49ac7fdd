"""Write a dataset folder: split files, rejections, card and manifest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from minions.datasets.gate import gate_folder
from minions.datasets.split import SplitResult
from minions.records import Rejection
from minions.workspace import atomic_write_text, write_jsonl, write_manifest


def _card(name: str, split: SplitResult, rejected: list[Rejection], summary: dict, scrubbed: bool) -> str:
    how = (
        "Secrets, personal data and internal names were scrubbed from files before parsing"
        if scrubbed
        else "**Scrub was OFF (`--no-scrub`)**: files were NOT scrubbed before parsing"
    )
    lines = [
        f"# Dataset card: {name}",
        "",
        f"Instruction records mined from source code by minions. {how}; every record and every",
        "released file was re-scanned by the final gate.",
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
    scrubbed: bool = True,
    internal_domains: list[str] | None = None,
) -> dict:
    """Write train/eval(/test).jsonl, rejected.jsonl, card.md and manifest.json; return the manifest.

    Every file written is gated (`gate_folder`): if a detector fires on any, nothing is released.
    """
    for s, recs in split.splits.items():
        write_jsonl(folder / f"{s}.jsonl", (r.model_dump() for r in recs))
    write_jsonl(folder / "rejected.jsonl", (r.model_dump() for r in rejected))
    atomic_write_text(folder / "card.md", _card(name, split, rejected, summary, scrubbed))
    counts = {s: len(recs) for s, recs in split.splits.items()}
    manifest = write_manifest(
        folder, "dataset", config, inputs, split_level=split.level, counts=counts, summary=summary
    )
    gate_folder(folder, internal_names, internal_domains)
    return manifest
