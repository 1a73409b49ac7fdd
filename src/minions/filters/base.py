"""Filter protocols, registries and the function that applies them in order."""

from __future__ import annotations

from typing import Any, Protocol

from minions.config import FiltersConfig
from minions.executor import Executor, chunked
from minions.records import InstructionRecord, Rejection


class RecordFilter(Protocol):
    """Two phases: `stats` computes a record's figures once (they are stored with the dataset);
    `judge` decides from those figures alone, so changed thresholds re-run only the decisions."""

    name: str

    def stats(self, record: InstructionRecord) -> dict[str, float]: ...

    def judge(self, stats: dict[str, float], thresholds: FiltersConfig) -> tuple[bool, str]: ...


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


def record_figures(records: list[InstructionRecord], executor: Executor | None = None) -> dict[str, dict[str, float]]:
    """Every record filter's figures for each record, by record id (filter figures are namespaced
    `filter.figure` so two filters never clash); computed in chunks by `executor` when given."""
    if executor is None or len(records) < 2:
        return _figures(records)
    out: dict[str, dict[str, float]] = {}
    for part in executor.map(_figures, chunked(records, executor.width() * 4)):
        out.update(part)
    return out


def _figures(records: list[InstructionRecord]) -> dict[str, dict[str, float]]:
    return {
        r.id: {f"{f.name}.{k}": float(v) for f in RECORD_FILTERS.values() for k, v in f.stats(r).items()}
        for r in records
    }


def _own(figures: dict[str, float], name: str) -> dict[str, float]:
    prefix = name + "."
    return {k[len(prefix) :]: v for k, v in figures.items() if k.startswith(prefix)}


def apply_filters(
    records: list[InstructionRecord],
    thresholds: FiltersConfig,
    figures: dict[str, dict[str, float]] | None = None,
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Record filters first (judging `figures`, computed here when not given), then corpus filters
    fitted on what survived; rejections with reasons."""
    if figures is None:
        figures = record_figures(records)
    rejected: list[Rejection] = []
    kept = []
    for r in records:
        for f in RECORD_FILTERS.values():
            ok, reason = f.judge(_own(figures[r.id], f.name), thresholds)
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
