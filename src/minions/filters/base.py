"""Filter protocols, registries and the function that applies them in order."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any, Protocol

from minions.config import FiltersConfig, PipelineConfig
from minions.executor import Executor, chunked
from minions.records import InstructionRecord, Rejection
from minions.workspace import Workspace


class RecordFilter(Protocol):
    """Two phases: `stats` computes a record's figures once (they are stored with the dataset);
    `judge` decides from those figures alone, so changed thresholds re-run only the decisions.

    A filter whose figures need something from the config besides thresholds (a tokenizer, a
    company's rules) also has `configure(cfg: PipelineConfig, ws: Workspace | None) -> RecordFilter`,
    returning a copy set up for one build (`configured_filters`); registered as it is, it measures
    nothing (its figures are -1, "not applicable") and keeps every record. Such a filter also gives a
    `setting_*` figure (`fingerprint` of its settings), so a resumed build does not reuse figures
    measured with other settings (`same_settings`)."""

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


def configured_filters(cfg: PipelineConfig, ws: Workspace | None = None) -> list[RecordFilter]:
    """The registered record filters in order, each set up for this config where it needs to be (a
    UserError, before any work, when a setting is unusable: a tokenizer that does not load)."""
    return [f.configure(cfg, ws) if hasattr(f, "configure") else f for f in RECORD_FILTERS.values()]


def record_figures(
    records: list[InstructionRecord], filters: list[RecordFilter] | None = None, executor: Executor | None = None
) -> dict[str, dict[str, float]]:
    """Every record filter's figures for each record, by record id (filter figures are namespaced
    `filter.figure` so two filters never clash). `filters`: as `configured_filters` gives them
    (default: the registered ones, unconfigured); they travel with the work, so an executor's
    workers measure with these very filters. Computed in chunks by `executor` when given."""
    filters = list(RECORD_FILTERS.values()) if filters is None else filters
    if executor is None or len(records) < 2:
        return _figures(filters, records)
    out: dict[str, dict[str, float]] = {}
    for part in executor.map(partial(_figures, filters), chunked(records, executor.width() * 4)):
        out.update(part)
    return out


def _figures(filters: list[RecordFilter], records: list[InstructionRecord]) -> dict[str, dict[str, float]]:
    return {r.id: {f"{f.name}.{k}": float(v) for f in filters for k, v in f.stats(r).items()} for r in records}


def measured_by(filters: list[RecordFilter]) -> str:
    """What computes the figures: this minions version and each filter's name and `version` (a
    filter bumps it when its figures change meaning). Stored figures are reused only under the same."""
    from minions import __version__

    return f"minions {__version__}: " + ", ".join(f"{f.name}@{getattr(f, 'version', 1)}" for f in filters)


def fingerprint(text: str | bytes) -> float:
    """A setting's fingerprint as a figure: 52 bits of its hash, exact in a float."""
    data = text.encode() if isinstance(text, str) else text
    return float(int(hashlib.sha256(data).hexdigest()[:13], 16))


def same_settings(stored: dict[str, float], probe: dict[str, float]) -> bool:
    """Whether stored figures were measured like fresh ones (`probe`, one record's figures now): the
    same figure names, and the same `setting_*` figures (a filter's fingerprint of what it measured
    with: a tokenizer, a company's rules)."""
    if stored.keys() != probe.keys():
        return False
    return all(stored[k] == v for k, v in probe.items() if k.split(".", 1)[-1].startswith("setting_"))


def _own(figures: dict[str, float], name: str) -> dict[str, float]:
    prefix = name + "."
    return {k[len(prefix) :]: v for k, v in figures.items() if k.startswith(prefix)}


def apply_filters(
    records: list[InstructionRecord],
    thresholds: FiltersConfig,
    figures: dict[str, dict[str, float]] | None = None,
    filters: list[RecordFilter] | None = None,
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Record filters first (judging `figures`, computed here when not given), then corpus filters
    fitted on what survived; rejections with reasons. `filters`: the record filters as
    `configured_filters` gives them (default: the registered ones, unconfigured)."""
    filters = list(RECORD_FILTERS.values()) if filters is None else filters
    if figures is None:
        figures = record_figures(records, filters)
    rejected: list[Rejection] = []
    kept = []
    for r in records:
        for f in filters:
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
