"""Exact deduplication on a field, whitespace-normalized; the first occurrence is kept."""

from __future__ import annotations

import re

from minions.config import FiltersConfig
from minions.filters.base import register_corpus_filter
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


register_corpus_filter(ExactDedup())
