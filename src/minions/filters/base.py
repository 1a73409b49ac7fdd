"""Filter protocols, registries and the function that applies them in order."""

from __future__ import annotations

from typing import Any, Protocol

from minions.config import FiltersConfig
from minions.records import InstructionRecord, Rejection


class RecordFilter(Protocol):
    name: str

    def stats(self, record: InstructionRecord) -> dict[str, float]: ...

    def keep(self, record: InstructionRecord, thresholds: FiltersConfig) -> tuple[bool, str]: ...


class CorpusFilter(Protocol):
    name: str

    def fit(self, records: list[InstructionRecord], thresholds: FiltersConfig) -> Any: ...

    def keep(self, record: InstructionRecord, state: Any, thresholds: FiltersConfig) -> tuple[bool, str]: ...


RECORD_FILTERS: dict[str, RecordFilter] = {}
CORPUS_FILTERS: dict[str, CorpusFilter] = {}


def _register(registry: dict, obj):
    if obj.name in registry:
        raise ValueError(f"filter {obj.name!r} is already registered")
    registry[obj.name] = obj
    return obj


def register_record_filter(obj: RecordFilter) -> RecordFilter:
    return _register(RECORD_FILTERS, obj)


def register_corpus_filter(obj: CorpusFilter) -> CorpusFilter:
    return _register(CORPUS_FILTERS, obj)


def apply_filters(
    records: list[InstructionRecord], thresholds: FiltersConfig
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Record filters first, then corpus filters fitted on what survived; rejections with reasons."""
    rejected: list[Rejection] = []
    kept = []
    for r in records:
        for f in RECORD_FILTERS.values():
            ok, reason = f.keep(r, thresholds)
            if not ok:
                rejected.append(Rejection(id=r.id, task=r.task, stage=f"filter:{f.name}", reason=reason))
                break
        else:
            kept.append(r)
    for cf in CORPUS_FILTERS.values():
        state = cf.fit(kept, thresholds)
        survivors = []
        for r in kept:
            ok, reason = cf.keep(r, state, thresholds)
            if ok:
                survivors.append(r)
            else:
                rejected.append(Rejection(id=r.id, task=r.task, stage=f"filter:{cf.name}", reason=reason))
        kept = survivors
    return kept, rejected
