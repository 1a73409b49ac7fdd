"""Deduplication: exact (whitespace-normalized) and near (`near_dedup.py`), on records and on JSONL rows."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from minions.config import FiltersConfig
from minions.filters.base import register_corpus_filter
from minions.filters.near_dedup import near_duplicates
from minions.records import InstructionRecord, content_hash

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Whitespace runs collapse to one space; leading and trailing space is dropped."""
    return _WS.sub(" ", text).strip()


def dedup_rows(rows: list[dict], field: str) -> tuple[list[dict], list[tuple[int, int]]]:
    """Rows kept (those without the field always are) and (line, first line) pairs removed, 1-based."""
    first: dict[str, int] = {}
    kept, removed = [], []
    for i, row in enumerate(rows, 1):
        value = row.get(field)
        if not isinstance(value, str):
            kept.append(row)
            continue
        key = content_hash(normalize(value))
        if key in first:
            removed.append((i, first[key]))
        else:
            first[key] = i
            kept.append(row)
    return kept, removed


def _record_key(r: InstructionRecord) -> str:
    """A record's identity for exact dedup: its task, input and output, whitespace-normalized. Not the
    output alone: two tests of one method (implement-from-test) or a method taught by two tasks are
    different lessons with one answer."""
    return content_hash("\x1f".join([r.task, normalize(r.input), normalize(r.output)]))


class ExactDedup:
    name = "exact-dedup"

    def fit(self, records: list[InstructionRecord], t: FiltersConfig) -> dict[str, str]:
        first: dict[str, str] = {}
        for r in records:
            first.setdefault(_record_key(r), r.id)
        return first

    def keep(self, record: InstructionRecord, state: dict[str, str], t: FiltersConfig) -> tuple[bool, str]:
        if t.dedup == "none":
            return True, ""
        owner = state[_record_key(record)]
        return (True, "") if owner == record.id else (False, f"exact duplicate of {owner}")


# path segments of a copy that is not the canonical one: vendored, third-party or generated code
_NOT_CANONICAL = {
    "vendor",
    "vendored",
    "third_party",
    "third-party",
    "thirdparty",
    "3rdparty",
    "node_modules",
    "bower_components",
    "generated",
    "generated-sources",
    "generated-src",
}


def is_canonical(path: str) -> bool:
    """False for a vendored, third-party or generated copy (a segment like `vendor/`, `third_party/`,
    `node_modules/`, `generated/`, or a `.generated.` file name), which near-dedup removes first."""
    parts = [p.lower() for p in PurePosixPath(path.replace("\\", "/")).parts]
    return not (any(p in _NOT_CANONICAL for p in parts[:-1]) or (parts and ".generated." in parts[-1]))


class NearDedup:
    """Within each task, a record whose input + output is `near_dedup` alike (Jaccard of code-token
    shingles) to a kept record goes; the canonical copy is kept first, else the first in input order."""

    name = "near-dedup"

    def fit(self, records: list[InstructionRecord], t: FiltersConfig) -> dict[str, tuple[str, float]]:
        if t.near_dedup is None or t.dedup == "none":
            return {}
        by_task: dict[str, list[InstructionRecord]] = defaultdict(list)
        for r in records:
            by_task[r.task].append(r)
        removed: dict[str, tuple[str, float]] = {}
        for group in by_task.values():
            found = near_duplicates(
                [f"{r.input}\n{r.output}" for r in group],
                threshold=t.near_dedup,
                ngram=t.near_dedup_ngram,
                prefer=[0 if is_canonical(r.source.path) else 1 for r in group],
            )
            for r, dup in zip(group, found, strict=True):
                if dup is not None:
                    removed[r.id] = (group[dup[0]].id, dup[1])
        return removed

    def keep(
        self, record: InstructionRecord, state: dict[str, tuple[str, float]], t: FiltersConfig
    ) -> tuple[bool, str]:
        if record.id not in state:
            return True, ""
        owner, jaccard = state[record.id]
        return False, f"near duplicate of {owner} (jaccard {jaccard:.2f})"


register_corpus_filter(ExactDedup())
register_corpus_filter(NearDedup())  # after exact dedup: it sees one copy of each exact duplicate
