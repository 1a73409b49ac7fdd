"""The gate: re-scan finished records and every released file with the scrub detectors.

A finding in a record rejects the record; a finding in a file about to be released (a split file,
the card, the manifest) fails the build: the folder is emptied but for `gate-report.json`, which
names files and rule ids, never values.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

from minions.errors import GateFailure
from minions.records import SCHEMA_VERSION, InstructionRecord, Rejection
from minions.scrub import scan_text
from minions.workspace import write_json

GATE_REPORT = "gate-report.json"


def record_text(r: InstructionRecord) -> str:
    return "\n".join([r.instruction, r.input, r.output, r.source.repo, r.source.path])


def gate_records(
    records: list[InstructionRecord], internal_names: dict[str, str], internal_domains: list[str] | None = None
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Records with no findings, and a rejection (detector names only) for each that had some."""
    kept, rejected = [], []
    for r in records:
        found = scan_text(record_text(r), internal_names, internal_domains)
        if found:
            reason = "sensitive data found by " + ", ".join(sorted(found))
            rejected.append(Rejection(id=r.id, task=r.task, stage="gate", reason=reason))
        else:
            kept.append(r)
    return kept, rejected


def gate_folder(folder: Path, internal_names: dict[str, str], internal_domains: list[str] | None = None) -> None:
    """Re-scan every file in `folder`; on any finding keep only the gate's report and raise GateFailure."""
    found: dict[str, Counter] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hits = Counter()
        for text in _texts(path):
            hits += scan_text(text, internal_names, internal_domains)
        if hits:
            found[path.relative_to(folder).as_posix()] = hits
    if not found:
        return
    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    files = {name: dict(sorted(hits.items())) for name, hits in found.items()}
    write_json(folder / GATE_REPORT, {"schema_version": SCHEMA_VERSION, "released": False, "files": files})
    named = "; ".join(f"{name} ({', '.join(sorted(hits))})" for name, hits in found.items())
    raise GateFailure(
        f"the final gate found sensitive data in {named}; nothing was released, see {GATE_REPORT} in the "
        "output folder (check the config's names and the sources' scrub findings)"
    )


def _texts(path: Path) -> list[str]:
    """What to scan in a file: a JSONL line's string values (decoded, one per line, as the
    records read), so rules that look at a line see the record's lines, not one escaped line;
    a Parquet or Arrow stream file's rows the same way (their bytes are compressed or binary);
    any other file (or a line that is not JSON) as it is."""
    if path.suffix in (".parquet", ".arrow"):
        return ["\n".join(_strings(row)) for row in _table(path).to_pylist()]
    raw = path.read_text(errors="replace")
    if path.suffix != ".jsonl":
        return [raw]
    texts = []
    for line in raw.split("\n"):  # not splitlines: U+2028 inside a record is not a line end
        try:
            texts.append("\n".join(_strings(json.loads(line))))
        except ValueError:
            texts.append(line)
    return texts


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value is not None else []


def _table(path: Path):
    """A Parquet file or an Arrow stream file (a Hugging Face `datasets` folder's data) as a table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.suffix == ".parquet":
        return pq.read_table(path)
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_stream(source).read_all()
