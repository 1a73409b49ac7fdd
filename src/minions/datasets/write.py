"""Write a dataset folder: split files, rejections, card and manifest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from minions.datasets.gate import gate_folder
from minions.datasets.split import SplitResult
from minions.datasets.versions import dataset_version, filter_counts
from minions.models.fim import FimTokens
from minions.records import InstructionRecord, Rejection
from minions.tasks.code_completion import fim_pieces, fim_text
from minions.workspace import atomic_write_text, write_jsonl, write_manifest


def _card(
    name: str,
    split: SplitResult,
    rejected: list[Rejection],
    summary: dict,
    scrubbed: bool,
    version: str = "",
    notes: list[str] | None = None,
) -> str:
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
        *([f"Version `{version}` (a hash of the split files' content).", ""] if version else []),
        *(notes or []),
        "## Splits",
        "",
        f"Split by whole groups at the **{split.level}** level (a group never sits on both sides).",
        "",
        "| split | records | groups |",
        "|---|---|---|",
    ]
    for s, recs in split.splits.items():
        lines.append(f"| {s} | {len(recs)} | {split.groups.get(s, 0)} |")
    lines += _guard_lines(split)
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
    for key, title in (("instruction_lang", "instruction language"), ("pairing_rule", "pairing rule")):
        lines += ["", f"## Records by {title}", "", f"| split | {title} | records |", "|---|---|---|"]
        for s, recs in split.splits.items():
            for value, n in sorted(Counter(str(getattr(r, key) or "none") for r in recs).items()):
                lines.append(f"| {s} | {value} | {n} |")
    lines += ["", "## Examples", "", "Two records of each task (the first of the train split, then of the others).", ""]
    by_task: dict[str, list] = {}
    for recs in split.splits.values():
        for r in recs:
            if len(by_task.setdefault(r.task, [])) < 2:
                by_task[r.task].append(r)
    for task, examples in sorted(by_task.items()):
        lines += [f"### {task}", ""]
        for r in examples:
            lines += [
                f"- **instruction** ({r.instruction_lang}): {_clip(r.instruction, 300)}",
                "",
                _block("input", r.input),
                "",
                _block("output", r.output),
                "",
            ]
    lines += ["", "## Rejected", "", "| stage | reason | count |", "|---|---|---|"]
    for (stage, reason), n in sorted(Counter((r.stage, r.reason) for r in rejected).items()):
        lines.append(f"| {stage} | {reason} | {n} |")
    lines += ["", "## Pipeline summary", ""] + [f"- {k}: {v}" for k, v in summary.items()] + [""]
    return "\n".join(lines)


def _guard_lines(split: SplitResult) -> list[str]:
    """What the split guard did: groups kept in train for their size, and whether it could not hold."""
    lines = []
    if split.guarded:
        shown = ", ".join(f"`{g}` ({n} records)" for g, n in split.guarded[:10])
        more = f" and {len(split.guarded) - 10} more" if len(split.guarded) > 10 else ""
        lines += [
            "",
            f"Split guard: {len(split.guarded)} group(s) larger than twice the eval share stayed in train, "
            f"so that no single group dominates the held-out data: {shown}{more}.",
        ]
    if split.guard_failed:
        lines += [
            "",
            "**Split guard could not hold**: every group was larger than twice the eval share, so the "
            "smallest went to eval; add sources or raise split.eval_share.",
        ]
    return lines


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _block(label: str, text: str) -> str:
    """A labelled, fenced excerpt (at most 20 lines) that no fence inside the text can close."""
    lines = text.splitlines()
    body = "\n".join(lines[:20] + ([f"… ({len(lines) - 20} more lines)"] if len(lines) > 20 else []))
    fence = "~" * max(4, max((len(x) - len(x.lstrip("~")) for x in lines), default=0) + 1)
    return f"  {label}:\n\n{fence}\n{body}\n{fence}" if text else f"  {label}: (empty)"


def _row(record: InstructionRecord, form: str, fim: FimTokens | None) -> dict:
    if form == "chat":
        return record.to_chat()
    row = record.model_dump()
    if form == "fim" and fim is not None and record.task == "code-completion":
        prefix, suffix, _ = fim_pieces(record)
        row["fim_prompt"] = fim_text(prefix, suffix, "", fim)
        row["fim_tokens"] = [fim.prefix, fim.suffix, fim.middle]  # so training can cut it and keep them
    return row


def counts_by(split: SplitResult) -> dict[str, dict[str, dict[str, int]]]:
    """Record counts by task, instruction language and pairing rule, each per split."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for key in ("task", "instruction_lang", "pairing_rule"):
        table: dict[str, dict[str, int]] = {}
        for s, recs in split.splits.items():
            for value, n in Counter(str(getattr(r, key) or "none") for r in recs).items():
                table.setdefault(value, {})[s] = n
        out[key] = dict(sorted(table.items()))
    return out


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
    form: str = "alpaca",
    fim: FimTokens | None = None,
    sources: list[dict] | None = None,
    drawn_from: dict[str, list[list[str]]] | None = None,
) -> dict:
    """Write train/eval(/test).jsonl, rejected.jsonl, card.md and manifest.json; return the manifest.
    `form`: alpaca (the records' own keys), chat (`messages` in place of instruction, input, output),
    or fim (alpaca, and each code-completion record also has `fim_prompt` (and `fim_tokens`): its prefix and suffix in
    the base model's fill-in-the-middle form, `fim` its tokens; the output is the middle). `sources`: the
    (scrubbed) repositories and commits the records came from, for the version's lineage; `drawn_from`:
    for a record that draws on more files than its source, those files ([repo, path]), so that trace
    and forget find it by them.

    Every file written is gated (`gate_folder`): if a detector fires on any, nothing is released.
    """
    rows = {s: [_row(r, form, fim) for r in recs] for s, recs in split.splits.items()}
    return release_dataset(
        folder,
        name,
        split,
        rows,
        rejected,
        config,
        inputs,
        summary,
        internal_names,
        scrubbed,
        internal_domains,
        form,
        {"sources": sources or [], "drawn_from": _released(drawn_from or {}, rows, split)},
    )


def _released(drawn_from: dict[str, list[list[str]]], rows: dict, split: SplitResult) -> dict:
    """`drawn_from` of the records released (sorted by id, so the manifest is the same every time)."""
    ids = {r.id for recs in split.splits.values() for r in recs}
    return {k: drawn_from[k] for k in sorted(drawn_from) if k in ids}


def release_dataset(
    folder: Path,
    name: str,
    split: SplitResult,
    rows: dict[str, list[dict]],
    rejected: list[Rejection],
    config: dict,
    inputs: dict[str, str],
    summary: dict,
    internal_names: dict[str, str],
    scrubbed: bool,
    internal_domains: list[str] | None,
    form: str,
    lineage: dict,
    parents: list[str] | None = None,
    card_notes: list[str] | None = None,
    **extra: object,
) -> dict:
    """Write the split files (`rows`, as released, per split of `split`), rejections, card and a manifest
    whose id is the version (content hash of the split files), then gate the folder; return the manifest."""
    for s, released in rows.items():
        write_jsonl(folder / f"{s}.jsonl", released)
    write_jsonl(folder / "rejected.jsonl", (r.model_dump() for r in rejected))
    version = dataset_version(folder)
    atomic_write_text(folder / "card.md", _card(name, split, rejected, summary, scrubbed, version, card_notes))
    counts = {s: len(recs) for s, recs in split.splits.items()}
    manifest = write_manifest(
        folder,
        "dataset",
        config,
        inputs,
        parents=parents,
        artifact_id=version,
        split_level=split.level,
        split_guard={
            "kept_in_train": [{"group": g, "records": n} for g, n in split.guarded],
            "held": not split.guard_failed,
        },
        counts=counts,
        counts_by=counts_by(split),
        format=form,
        summary=summary,
        skipped=[{"id": r.id, "task": r.task, "stage": r.stage, "reason": r.reason} for r in rejected],
        lineage={**lineage, "filter_counts": filter_counts(rejected)},
        **extra,
    )
    gate_folder(folder, internal_names, internal_domains)
    return manifest
