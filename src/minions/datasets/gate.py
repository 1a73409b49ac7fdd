"""The gate: re-scan finished records with the scrub detectors; anything found is rejected."""

from __future__ import annotations

from minions.records import InstructionRecord, Rejection
from minions.scrub import scan_text


def record_text(r: InstructionRecord) -> str:
    return "\n".join([r.instruction, r.input, r.output, r.source.repo, r.source.path])


def gate_records(
    records: list[InstructionRecord], internal_names: dict[str, str]
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Records with no findings, and a rejection (detector names only) for each that had some."""
    kept, rejected = [], []
    for r in records:
        found = scan_text(record_text(r), internal_names)
        if found:
            reason = "sensitive data found by " + ", ".join(sorted(found))
            rejected.append(Rejection(id=r.id, task=r.task, stage="gate", reason=reason))
        else:
            kept.append(r)
    return kept, rejected
