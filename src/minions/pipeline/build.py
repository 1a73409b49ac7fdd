"""Sources to dataset: collect, scrub, parse, tasks, filters, split, decontaminate, gate, write."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from minions.config import PipelineConfig, process_count
from minions.datasets import gate_records, split_records, write_dataset
from minions.datasets.mix import mix_records
from minions.datasets.versions import source_commits
from minions.errors import UserError
from minions.executor import Executor, LocalExecutor, make_executor
from minions.filters import apply_filters, configured_filters, record_figures
from minions.filters.base import RecordFilter, measured_by, same_settings
from minions.filters.decontaminate import benchmark_outputs, decontaminate, shared_spans
from minions.filters.dedup import only_new
from minions.filters.stats import STATS_FILE, stored_figures, write_stats
from minions.models.fim import FimTokens, fim_tokens
from minions.parsing import parse_files
from minions.records import InstructionRecord, Rejection
from minions.scrub import ScrubReport, scrub_files, scrub_text
from minions.scrub.ner import configured_recognizer
from minions.scrub.pseudonyms import Pseudonyms
from minions.scrub.scrubber import ScrubOptions
from minions.sources.collect import collect_all
from minions.tasks.registry import TASKS, cap, check_task_names, default_task_names, run_tasks, task_options
from minions.workspace import Workspace

Log = Callable[[str], None]


def manifest_config(cfg: PipelineConfig, key: bytes | None = None) -> dict:
    """The resolved config as recorded in manifests: source paths scrubbed; internal names and
    domains as keyed hashes (with a key: the same config gives the same hashes) or counted."""
    # not where it ran: a Ray address may name a private host, and the same data has the same id anywhere
    data = json.loads(cfg.model_dump_json(exclude={"executor"}))
    names, domains = cfg.scrub.internal_names, cfg.scrub.internal_domains
    mix = data.get("dataset", {}).get("mix", {})
    if mix.get("sources"):  # quota keys name repositories: as scrubbed, like the records
        mix["sources"] = {scrub_text(k, names, domains)[0]: q for k, q in mix["sources"].items()}
    filters = data.get("filters", {})  # paths in the config may name internal things too
    filters["benchmarks"] = [scrub_text(str(b), names, domains)[0] for b in filters.get("benchmarks") or []]
    if filters.get("tokenizer"):
        filters["tokenizer"] = scrub_text(str(filters["tokenizer"]), names, domains)[0]
    for src in data["sources"]:
        src["path"] = scrub_text(src["path"], names, domains)[0]
        if src.get("name"):
            src["name"] = scrub_text(src["name"], names, domains)[0]
    if key is None:
        data["scrub"]["internal_names"] = f"{len(names)} configured (not recorded)"
        data["scrub"]["internal_domains"] = f"{len(domains)} configured (not recorded)"
    else:
        ps = Pseudonyms(key)
        data["scrub"]["internal_names"] = sorted(ps.digest("internal-name", n.lower())[:16] for n in names)
        data["scrub"]["internal_domains"] = sorted(ps.digest("internal-domain", d.lower())[:16] for d in domains)
    return data


def scrubbed_mix(cfg: PipelineConfig):
    """`dataset.mix` with its source keys written as the records carry them: scrubbed of internal names."""
    mix = cfg.dataset.mix
    if not mix.sources or not cfg.scrub.enabled:
        return mix
    names, domains = cfg.scrub.internal_names, cfg.scrub.internal_domains
    return mix.model_copy(update={"sources": {scrub_text(k, names, domains)[0]: q for k, q in mix.sources.items()}})


def fim_tokens_for(cfg: PipelineConfig, ws) -> FimTokens | None:
    """The fill-in-the-middle tokens of the configured base model's tokenizer, when the dataset is to be
    written in the fim form (None otherwise); a UserError when that tokenizer has none."""
    if cfg.dataset.format != "fim":
        return None
    from minions.models.base import load_tokenizer, resolve_base_model

    tokens = fim_tokens(load_tokenizer(resolve_base_model(cfg.train.base_model, ws)))
    if tokens is None:
        raise UserError(
            f"base model {cfg.train.base_model!r} has no fill-in-the-middle tokens, so the fim format cannot be "
            "written; use --format alpaca or chat, or a base model whose tokenizer has them (StarCoder, "
            "Qwen2.5-Coder, DeepSeek-Coder)"
        )
    return tokens


def build_dataset(
    cfg: PipelineConfig,
    out: Path,
    log: Log = lambda s: None,
    key: bytes | None = None,
    fim: FimTokens | None = None,
    ws: Workspace | None = None,
    since: tuple[str, list[dict]] | None = None,
) -> dict:
    """Build the dataset folder at `out` (already created; whatever is in it is replaced, so a resumed
    build keeps nothing of an earlier one); return its manifest. `fim`: the base model's FIM tokens,
    needed for the fim form (`fim_tokens_for`). `ws`: where a built-in model named by
    `filters.tokenizer` is prepared. `since`: (version, its records) of an earlier dataset version;
    records already in it, exact or near copies, are rejected (delta mode: only what is new is kept).

    With a key, scrub writes consistent pseudonyms and typed secrets (see scrub/pseudonyms.py);
    without one, fixed placeholders.
    """
    if not cfg.sources:
        raise UserError("no sources to build from; name a folder on the command line or set `sources` in the config")
    if cfg.dataset.format == "fim" and fim is None:
        raise UserError("the fim format needs the base model's fill-in-the-middle tokens (see `fim_tokens_for`)")
    _earlier_build_outputs(out)  # a folder holding anything else is refused before any work
    benchmarks = benchmark_outputs(cfg.filters.benchmarks)  # so is a bad benchmark file
    if cfg.dataset.mix.tasks:
        check_task_names(list(cfg.dataset.mix.tasks))  # and a misspelled task in dataset.mix
    record_filters = configured_filters(cfg, ws)  # a tokenizer that does not load fails here, before any work
    _log_token_filter(cfg, ws, log)
    shared = make_executor(cfg.executor.kind, cfg.executor.processes, cfg.executor.address)
    try:
        return _build(cfg, out, log, key, fim, shared, benchmarks, record_filters, since)
    finally:
        shared.close()  # a local Ray started for this build stops with it


def _build(
    cfg: PipelineConfig,
    out: Path,
    log: Log,
    key: bytes | None,
    fim: FimTokens | None,
    shared: Executor,
    benchmarks: list[tuple[str, str]],
    record_filters: list[RecordFilter],
    since: tuple[str, list[dict]] | None,
) -> dict:
    def stage(section) -> Executor:  # the local executor sizes each stage by its own `workers`
        return LocalExecutor(process_count(section) if section else 0) if shared.name == "local" else shared

    if shared.name == "ray":
        log(f"executor: Ray ({cfg.executor.address or 'a local Ray'}, {shared.width()} CPUs)")
    files, rejected = collect_all([(s.path, s.name) for s in cfg.sources])
    collected = list(rejected)
    log(f"collected {len(files)} files from {len(cfg.sources)} source(s)")
    if cfg.scrub.enabled:
        opts = ScrubOptions(
            cfg.scrub.internal_names,
            cfg.scrub.internal_domains,
            Pseudonyms(key) if key else None,
            recognizer=configured_recognizer(cfg.scrub.ner_model, cfg.scrub.ner_threshold),
        )
        files, dropped, report = scrub_files(
            files, cfg.scrub.internal_names, cfg.scrub.drop_files, options=opts, executor=stage(cfg.scrub)
        )
        rejected += dropped
        allowed = sum(report.allowed.values())
        log(
            f"scrubbed: {sum(report.findings.values())} findings, {report.files_dropped} files dropped, "
            f"{allowed} allowed by a pragma or baseline (kept as they are)"
        )
    else:
        report = ScrubReport()
        log("scrub is OFF (--no-scrub): files go to parsing as they are; the final gate still runs")
    # ids, not paths (no raw names), and hashes of scrubbed text (no hash of a secret) in manifests
    inputs = {f.id: f.text_hash for f in files}
    parsed = parse_files(files, cfg.parse.languages, executor=stage(cfg.parse))
    rejected += parsed.skipped
    summary = parsed.summary(collected)
    log(
        f"parsed {summary['files']} files: {summary['methods']} methods, {summary['tests']} tests, "
        f"{summary['pairs']} test pairs"
    )
    options = task_options(cfg.tasks)
    names = check_task_names(default_task_names() if cfg.tasks.names is None else cfg.tasks.names)
    for name in (n for n in names if TASKS[n].teacher):
        log(f"task {name} needs a teacher model (the synthesis stage): it gives no records in a build")
    documents = [f for f in files if f.lang == "markdown"]
    records, refused = run_tasks(parsed.units, names, options, documents)
    records, over = cap(records, options)
    rejected += refused + over
    # a resumed build makes only the decisions again, from figures the same filters measured
    figures = stored_figures(out / STATS_FILE, records, measured_by(record_filters))
    if figures and records:  # figures measured with other settings (a tokenizer, company rules) are not reused
        probe = record_figures(records[:1], record_filters)[records[0].id]
        figures = {k: v for k, v in figures.items() if same_settings(v, probe)}
    if figures:
        log(f"reusing the stored figures of {len(figures)} of {len(records)} records (the earlier {STATS_FILE})")
    fresh = [r for r in records if r.id not in figures]
    figures.update(record_figures(fresh, record_filters, stage(None)))
    kept, filtered = apply_filters(records, cfg.filters, figures, filters=record_filters)
    rejected += filtered
    if since is not None:
        kept, known = only_new(kept, since[1], since[0], cfg.filters)
        rejected += known
        log(f"delta mode: {len(known)} records already in dataset version {since[0][:12]} dropped")
    # quotas: after the filters, before the split; a source named with an internal name is named as scrubbed
    kept, mixed = mix_records(kept, scrubbed_mix(cfg), log)
    rejected += mixed
    log(f"records: {len(records)} built, {len(kept)} kept after filters")
    split = split_records(kept, cfg.split.eval_share, cfg.split.test_share)
    if split.guarded:
        log(f"split guard: {len(split.guarded)} group(s) larger than twice the eval share kept in train")
    held_out = [r for name, recs in split.splits.items() if name != "train" for r in recs]
    if cfg.filters.decontaminate:
        split.splits["train"], leaked = decontaminate(split.splits["train"], held_out, cfg.filters.decontaminate)
        rejected += leaked
        log(f"decontaminated: {len(leaked)} train records too close to held-out ones")
    if cfg.filters.decontaminate_ngram:
        held = benchmarks + [(f"held-out record {r.id}", r.output) for r in held_out]
        n = cfg.filters.decontaminate_ngram
        split.splits["train"], leaked = shared_spans(split.splits["train"], held, n, cfg.filters.decontaminate_common)
        rejected += leaked
        log(
            f"decontaminated: {len(leaked)} train records share a {n}-token span with a held-out output"
            + (f" or one of {len(cfg.filters.benchmarks)} benchmark file(s)" if benchmarks else "")
        )
    gated: dict[str, list[InstructionRecord]] = {}
    for name, recs in split.splits.items():
        gated[name], gate_rej = gate_records(recs, cfg.scrub.internal_names, cfg.scrub.internal_domains)
        rejected += gate_rej
    split.splits = gated
    if not gated["train"]:  # released (a held-out set alone has its uses), but never silently
        log(
            "warning: no training record is left after decontamination and the gate; add sources, or set "
            "filters.decontaminate_common lower or filters.decontaminate_ngram higher"
        )
    counts = ", ".join(f"{k} {len(v)}" for k, v in gated.items())
    log(f"split by {split.level}: {counts}")
    summary = {
        **{f"parse_{k}": v for k, v in summary.items() if k != "pairs_by_rule"},
        "scrub_findings": sum(report.findings.values()),
        "scrub_allowed": sum(report.allowed.values()),
        "records_built": len(records),
        **({"since_version": since[0]} if since is not None else {}),
        "records_rejected": len(rejected),
    }
    for stale in _earlier_build_outputs(out):  # only now: bad input found on the way leaves them be
        stale.unlink()
    outcome = {r.id: f"rejected:{r.stage}" for r in reversed(rejected)}  # the first rejection names the stage
    outcome.update({r.id: name for name, recs in gated.items() for r in recs})
    write_stats(out / STATS_FILE, records, figures, outcome, measured_by(record_filters))
    return write_dataset(
        out,
        cfg.name,
        split,
        _unique(rejected),
        manifest_config(cfg, key),
        inputs,
        summary,
        cfg.scrub.internal_names,
        scrubbed=cfg.scrub.enabled,
        internal_domains=cfg.scrub.internal_domains,
        form=cfg.dataset.format,
        fim=fim,
        sources=source_commits(files),
        drawn_from=drawn_from(records, parsed.units),
    )


def drawn_from(records: list[InstructionRecord], units: list) -> dict[str, list[list[str]]]:
    """For each record whose units lie in other files than its source: those files, [repo, path]."""
    where = {u.id: (u.source.repo, u.path) for u in units}
    out = {}
    for r in records:
        files = {where[u] for u in r.unit_ids if u in where} - {(r.source.repo, r.source.path)}
        if files:
            out[r.id] = [list(f) for f in sorted(files)]
    return out


def _log_token_filter(cfg: PipelineConfig, ws: Workspace | None, log: Log) -> None:
    from minions.filters.tokens import tokenizer_setting

    f, spec = cfg.filters, tokenizer_setting(cfg, ws)
    if not spec:
        log(
            f"token-size filter: off (no filters.tokenizer, and base model {cfg.train.base_model} is not prepared: "
            f"`minions model prepare {cfg.train.base_model}` turns it on)"
        )
        return
    limit = f"max {f.max_tokens}" if f.max_tokens else f"max {cfg.train.max_length} (train.max_length)"
    log(f"token-size filter: tokenizer {spec}, {limit} tokens per record")


BUILD_OUTPUTS = ("*.jsonl", "card.md", "manifest.json", "gate-report.json", STATS_FILE)


def _earlier_build_outputs(out: Path) -> list[Path]:
    """What an earlier (resumed) build wrote in `out`; a folder holding anything else is refused."""
    others = [
        p.name for p in out.iterdir() if p.is_symlink() or not any(p.is_file() and p.match(g) for g in BUILD_OUTPUTS)
    ]
    if others:
        raise UserError(
            f"{out} holds files a build does not write ({', '.join(sorted(others)[:3])}); pass an empty folder"
        )
    return sorted(out.iterdir())


def _unique(rejected: list[Rejection]) -> list[Rejection]:
    return list({(r.id, r.stage): r for r in rejected}.values())
