"""Commands that build data: collect, scrub, parse, build, dedup, tasks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from minions.cli.common import (
    ConfigOpt,
    ExecutorOpt,
    ForceOpt,
    JsonOpt,
    RayAddressOpt,
    ResumeOpt,
    WorkspaceOpt,
    apply_executor,
    config_or_default,
    log,
    progress,
    result,
    workspace,
)
from minions.errors import UserError
from minions.workspace import (
    atomic_write_text,
    check_input_path,
    create_private_file,
    output_folder,
    read_json_objects,
    write_json,
    write_jsonl,
    write_manifest,
)

if TYPE_CHECKING:
    from minions.filters.dedup import RowDuplicate

OutOpt = typer.Option(..., "--out", "-o", help="Output folder (refused if not empty, unless --force/--resume).")


def collect(
    sources: list[Path] = typer.Argument(..., help="Repository folders, git checkouts or single files."),
    out: Path = OutOpt,
    name: str = typer.Option(None, help="Repository name in provenance (one source only).", show_default="folder name"),
    force: bool = ForceOpt,
    resume: bool = ResumeOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Snapshot repositories: their text files and provenance (repo, commit, path, ids, hashes).

    Example: minions collect examples/acme-shop --out snap/
    """
    from minions.sources.collect import collect_all, write_snapshot

    for s in sources:
        check_input_path(s, "source")
    if name and len(sources) > 1:
        raise UserError("--name names one source; pass one source or drop --name")
    with output_folder(out, force, resume) as tmp:
        files, skipped = collect_all([(s, name) for s in sources])
        entries = write_snapshot(tmp, files)
        inputs = {f.id: f.text_hash for f in files}
        skipped_rows = [r.model_dump() for r in skipped]
        write_manifest(tmp, "snapshot", {"sources": len(sources)}, inputs, files=entries, skipped=skipped_rows)
    log(f"{len(files)} files collected, {len(skipped)} skipped")
    result({"out": str(out.resolve()), "files": len(files), "skipped": len(skipped)}, as_json, str(out.resolve()))


def scrub(
    path: Path = typer.Argument(None, help="A repository folder, a single file, or a snapshot from `minions collect`."),
    out: Path = typer.Option(
        None, "--out", "-o", help="Output folder (refused if not empty, unless --force/--resume)."
    ),
    config: Path = ConfigOpt,
    force: bool = ForceOpt,
    resume: bool = ResumeOpt,
    rules: bool = typer.Option(False, "--rules", help="List the detection rules, one example each, and exit."),
    review: bool = typer.Option(
        False, "--review", help="Print the findings by rule, file and line, values masked; write nothing."
    ),
    baseline: Path = typer.Option(
        None, "--baseline", help="JSON file of accepted findings (digests, no values): these are kept as they are."
    ),
    update_baseline: bool = typer.Option(
        False, "--update-baseline", help="Write every current finding into --baseline (after a review)."
    ),
    mapping: Path = typer.Option(
        None,
        "--mapping",
        help="Also write each replaced value with its placeholder, rule, file and line to this file (0600).",
    ),
    ws: Path = WorkspaceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Remove secrets, personal data and internal names; write the scrubbed files and a report.

    Values become consistent pseudonyms (user-3f2a@example.com, host-9c1d.example, 192.0.2.x,
    person-3f2a, a phone number of zeros and four digits) or typed secrets (<SECRET:github_token>),
    keyed by $MINIONS_SCRUB_KEY or a key file made once in the workspace. The report holds counts per
    rule and file, never the values found. Internal names and domains come from the config's
    `scrub.internal_names` and `scrub.internal_domains`. A finding is kept (and counted as allowed)
    when its line, or the line before, says `minions: allow`, or when --baseline lists it.

    Example: minions scrub examples/acme-shop --out scrubbed/ --config configs/quickstart.yaml
    Review:  minions scrub src/ --review --baseline .minions-baseline.json
    """
    from minions.config import process_count
    from minions.scrub import scrub_files
    from minions.scrub.ner import configured_recognizer
    from minions.scrub.pseudonyms import Pseudonyms, load_key
    from minions.scrub.scrubber import ScrubOptions
    from minions.sources.collect import collect, write_snapshot

    if rules:
        list_rules(as_json)
        return
    if path is None or (out is None and not review and not update_baseline):
        raise UserError("name what to scrub and where: minions scrub PATH --out DIR (or --rules to list the rules)")
    if update_baseline and baseline is None:
        raise UserError("--update-baseline writes the file named by --baseline; pass --baseline FILE")
    check_input_path(path, "input")
    cfg = config_or_default(config)
    opts = ScrubOptions(
        cfg.scrub.internal_names,
        cfg.scrub.internal_domains,
        Pseudonyms(load_key(workspace(ws).root)),
        read_baseline(baseline) if baseline is not None and not update_baseline else frozenset(),
        findings=[] if (review or update_baseline) else None,
        mapping=[] if mapping is not None else None,
        recognizer=configured_recognizer(cfg.scrub.ner_model, cfg.scrub.ner_threshold),
    )
    if review or update_baseline:
        files, _ = collect(path)
        scrub_files(files, cfg.scrub.internal_names, cfg.scrub.drop_files, options=opts)
        warn_unused_baseline(opts)
        if update_baseline:
            write_baseline(baseline, opts.findings)
            log(f"{len(opts.findings)} findings written to {baseline} as accepted")
        if review:
            print_review(opts, as_json)
        return
    with output_folder(out, force, resume) as tmp:
        files, skipped = collect(path)
        kept, dropped, report = scrub_files(
            files, cfg.scrub.internal_names, cfg.scrub.drop_files, options=opts, workers=process_count(cfg.scrub)
        )
        warn_unused_baseline(opts)
        entries = write_snapshot(tmp, kept)
        write_json(tmp / "scrub-report.json", report.to_json())
        rejected = [r.model_dump() for r in skipped + dropped]
        write_manifest(
            tmp,
            "scrub",
            {"detectors": "built-in"},
            {f.id: f.text_hash for f in kept},  # scrubbed text's hashes: none of a raw secret
            files=entries,
            skipped=rejected,
        )
    if mapping is not None:
        write_private_json(mapping, opts.mapping)
        log(f"placeholder -> value mapping written to {mapping} (mode 0600; it holds the values: keep it safe)")
    summary = report.to_json()
    n, allowed = sum(summary["findings"].values()), sum(summary["allowed"].values())
    log(
        f"{summary['files_scanned']} files scanned, {n} findings, {allowed} allowed, "
        f"{summary['files_dropped']} files dropped"
    )
    result({"out": str(out.resolve()), **summary}, as_json, str(out.resolve()))


def warn_unused_baseline(opts) -> None:
    if opts.baseline and not opts.baseline_hits:
        log(
            f"warning: the baseline's {len(opts.baseline)} accepted values matched no finding; a baseline made "
            "under another key (MINIONS_SCRUB_KEY or the workspace's scrub.key) accepts nothing"
        )


def read_baseline(path: Path) -> frozenset[str]:
    """The digests of accepted findings in a baseline file."""
    check_input_path(path, "baseline")
    try:
        data = json.loads(path.read_text())
        return frozenset(f["digest"] for f in data["findings"])
    except (ValueError, KeyError, TypeError):
        raise UserError(f"{path} is not a minions baseline; make one with --baseline FILE --update-baseline") from None


def write_baseline(path: Path, findings: list) -> None:
    rows = sorted(({"rule": f.rule, "path": f.path, "line": f.line, "digest": f.digest} for f in findings), key=str)
    write_json(path, {"schema_version": 1, "findings": rows})


def write_private_json(path: Path, data: object) -> None:
    """A JSON file only its owner can read (created with mode 0600, never wider)."""
    path.unlink(missing_ok=True)
    create_private_file(path, json.dumps(data, indent=2, sort_keys=True))


def print_review(opts, as_json: bool) -> None:
    """Findings by rule, then file and line, values masked; allowed ones counted."""
    rows = sorted(opts.findings, key=lambda f: (f.rule, f.path, f.line))
    if as_json:
        result([{"rule": f.rule, "path": f.path, "line": f.line, "value": f.masked} for f in rows], True)
        return
    lines, rule = [], None
    for f in rows:
        if f.rule != rule:
            rule = f.rule
            lines.append(f"{rule} ({sum(1 for g in rows if g.rule == rule)})")
        lines.append(f"  {f.path}:{f.line}  {f.masked}")
    allowed = sum(opts.allowed.values())
    lines.append(f"{len(rows)} findings, {allowed} allowed (pragma or baseline)")
    result(None, False, "\n".join(lines))


def list_rules(as_json: bool) -> None:
    """The registered detectors in the order they run, each with a visibly fake example."""
    from minions.scrub import DETECTORS
    from minions.scrub.rules import ordered_detectors
    from minions.scrub.samples import example
    from minions.scrub.scrubber import NER_RULE

    rows = [
        {
            "id": d.name,
            "category": d.category,
            "replacement": d.replacement,
            "description": d.description,
            "example": example(d.positives[0]) if d.positives else "",
            "gate_only": d.gate_only,
        }
        for d in ordered_detectors(gate=True)
    ]
    shown = [r["example"] if len(r["example"]) <= 100 else r["example"][:99] + "…" for r in rows]
    lines = [
        f"{r['id']} ({r['category']}{', gate only' if r['gate_only'] else ''}): {r['description']}\n    e.g. {e!r}"
        for r, e in zip(rows, shown, strict=True)
    ]
    optional = (
        f"{NER_RULE} (personal, optional): person names a spaCy pipeline finds in comments and strings; "
        "off unless the config sets scrub.ner_model"
    )
    result(rows, as_json, "\n".join([*lines, optional]) + f"\n{len(DETECTORS)} rules and the optional {NER_RULE}")


def parse(
    paths: list[Path] = typer.Argument(..., help="Repository folders, git checkouts or scrubbed snapshots."),
    out: Path = OutOpt,
    lang: list[str] = typer.Option(None, "--lang", help="Languages to parse.", show_default="all registered"),
    force: bool = ForceOpt,
    resume: bool = ResumeOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Parse code into units (classes, methods, tests, endpoints, queries) and pair tests with code.

    Writes units.jsonl, summary.json and manifest.json (skipped files listed with a reason).

    Example: minions parse examples/acme-shop --out parsed/
    """
    from minions.config import ParseConfig, process_count
    from minions.parsing import LANGUAGES, parse_files
    from minions.sources.collect import collect_all

    for p in paths:
        check_input_path(p, "input")
    unknown = [x for x in lang or [] if x not in LANGUAGES]
    if unknown:
        raise UserError(f"unknown language {unknown[0]!r}; use one of {', '.join(LANGUAGES)}")
    with output_folder(out, force, resume) as tmp:
        files, skipped = collect_all([(p, None) for p in paths])
        with progress(("parsing", len(files))) as [advance]:
            parsed = parse_files(files, lang or None, progress=advance, workers=process_count(ParseConfig()))
        write_jsonl(tmp / "units.jsonl", (u.model_dump() for u in parsed.units))
        summary = parsed.summary(skipped)
        write_json(tmp / "summary.json", summary)
        rejected = [r.model_dump() for r in skipped + parsed.skipped]
        write_manifest(
            tmp,
            "parse",
            {"languages": lang or sorted(LANGUAGES)},
            {f.id: f.text_hash for f in files},
            skipped=rejected,
        )
    log(
        f"{summary['files']} files: {summary['classes']} classes, {summary['methods']} methods, "
        f"{summary['tests']} tests, {summary['pairs']} pairs, {summary['skipped']} skipped"
    )
    result({"out": str(out.resolve()), **summary}, as_json, str(out.resolve()))


def build(
    sources: list[Path] = typer.Argument(None, help="Repository folders.", show_default="the config's sources"),
    out: Path = OutOpt,
    config: Path = ConfigOpt,
    force: bool = ForceOpt,
    resume: bool = ResumeOpt,
    no_scrub: bool = typer.Option(
        False, "--no-scrub", help="Skip scrubbing files (the final gate still runs; the card and manifest say so)."
    ),
    tasks: str = typer.Option(
        None,
        "--tasks",
        help="Comma-separated task names.",
        show_default="the config's, else every task needing no teacher",
    ),
    form: str = typer.Option(
        None, "--format", help="alpaca | chat | fim: the record form in the split files.", show_default="alpaca"
    ),
    since: str = typer.Option(
        None,
        "--since",
        help="Delta mode: drop records already in this earlier dataset version (exact or near copies); "
        "a version id, a unique prefix or its folder (see `minions datasets list`).",
    ),
    executor: str = ExecutorOpt,
    ray_address: str = RayAddressOpt,
    ws: Path = WorkspaceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Build an instruction dataset: collect, scrub, parse, tasks, filters, split, decontaminate, gate.

    Writes train.jsonl, eval.jsonl (test.jsonl when split.test_share > 0), rejected.jsonl,
    card.md and manifest.json. The final gate re-scans every record (a finding rejects it) and
    every file written: a finding in one fails the build with exit code 3 and leaves only
    gate-report.json (file names and rule ids, never values) in the output folder. The dataset is
    registered in the workspace catalog as a version named by its content (`minions datasets list`).

    Example: minions build examples/acme-shop --out dataset/ --config configs/quickstart.yaml
    Example: minions build examples/acme-shop --out dataset/ --tasks implement-method,text-to-sql --format chat
    Example: minions build ~/src/shop --out dataset/ --executor ray --ray-address auto
    Example: minions build ~/src/shop --out shop-v2/ --since shop-v1/   (only records new since shop-v1)
    """
    from minions.datasets.versions import register_dataset
    from minions.pipeline.build import build_dataset, fim_tokens_for
    from minions.scrub.pseudonyms import load_key
    from minions.tasks.registry import check_task_names

    cfg = config_or_default(config, sources)
    if no_scrub:
        cfg.scrub.enabled = False
    if tasks is not None:
        cfg.tasks.names = check_task_names([t.strip() for t in tasks.split(",") if t.strip()])
    if form is not None:
        if form not in ("alpaca", "chat", "fim"):
            raise UserError(f"unknown --format {form!r}; use alpaca, chat or fim")
        cfg.dataset.format = form
    apply_executor(cfg, executor, ray_address)
    w = workspace(ws)
    key = load_key(w.root)  # pseudonyms in the data, keyed hashes of names in the manifest
    fim = fim_tokens_for(cfg, w)  # before any work: a base model without FIM tokens cannot take the fim form
    earlier = earlier_records(w, since) if since else None  # a bad version is refused before any work
    with output_folder(out, force, resume) as tmp:
        manifest = build_dataset(cfg, tmp, log, key, fim, w, since=earlier)
    row = register_dataset(w, out)
    parent = f" (parent {row['parent']})" if row["parent"] else ""
    log(f"dataset {row['name']} version {row['id']}{parent} registered in {w.root}")
    counts = manifest["counts"]
    result({"out": str(out.resolve()), "version": row["id"], **counts}, as_json, str(out.resolve()))


def earlier_records(w, text: str) -> tuple[str, list[dict]]:
    """(version id, its records) of a registered dataset version, for `build --since`."""
    from minions.datasets.read import load_records
    from minions.datasets.versions import resolve_version, split_files

    row = resolve_version(w, text)
    folder = Path(row["path"])
    files = split_files(folder) if folder.is_dir() else {}
    if not files:
        raise UserError(
            f"the folder of dataset version {row['id'][:12]} ({folder}) is gone; rebuild it or pick another --since"
        )
    return row["id"], [r for path in files.values() for r in load_records(path)]


def dedup(
    inputs: list[Path] = typer.Argument(..., help="JSONL files, read in order."),
    field: str = typer.Option(
        ..., "--field", "-f", help="The field whose text is compared; a dotted path for nested fields (a.b, a.0)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output JSONL file."),
    threshold: float = typer.Option(
        0.8,
        "--threshold",
        "-t",
        help="Jaccard similarity (0 to 1) of code-token 5-gram shingles at which a row is a near duplicate; "
        "1: exact duplicates only.",
    ),
    lang: str = typer.Option(
        None,
        "--lang",
        help="The language of the texts, for how comments are written: python, sql, shell... read // and /* as "
        "operators.",
        show_default="// and /* */ are comments, as in Java, Kotlin, Go, TypeScript",
    ),
    rejects: Path = typer.Option(
        None, "--rejects", help="Write one line per removed row: its id and row, the kept row's, the Jaccard."
    ),
    force: bool = ForceOpt,
) -> None:
    """Remove exact and near duplicates of a field; the first in input order is kept, rows untouched.

    Exact duplicates (whitespace-normalized) go first; then near duplicates: rows whose field has a
    Jaccard similarity of at least --threshold with a kept row, over 5-token shingles of code tokens
    (identifiers, literals, operators; comments and whitespace ignored), found by MinHash LSH and
    checked exactly. Rows without the field (or whose value is not a string) are kept and counted.
    Rows are numbered from 1 across the inputs, blank lines skipped. --rejects lines carry the
    removed row's id (its row number when it has no `id`), its row, the kept row's id and row, the
    Jaccard and the reason. The last stdout line is `kept N removed M`.

    Example: minions dedup train.jsonl --field messages.2.content --out train.dedup.jsonl --rejects dups.jsonl
    """
    import time

    from minions.filters import dedup_rows

    if not 0 < threshold <= 1:
        raise UserError(
            f"--threshold {threshold} is not a Jaccard similarity; pass a number in (0, 1], 1 for exact only"
        )
    rows, lines = [], []  # kept rows are written as their lines were: untouched (numbers, key order, escapes)
    for p in inputs:
        check_input_path(p, "input")
        objects = read_json_objects(p)
        raw = p.read_text(encoding="utf-8-sig").split("\n")
        rows += [row for _, row in objects]
        lines += [raw[i - 1].rstrip("\r") for i, _ in objects]
    targets = [out.resolve()] + ([rejects.resolve()] if rejects else [])
    if len(set(targets)) < len(targets) or set(targets) & {p.resolve() for p in inputs}:
        raise UserError("--out, --rejects and the inputs must be different files")
    for target in targets:
        if target.exists() and not force:
            raise UserError(f"{target} exists; pass --force to replace it")
    what = "exact duplicates" if threshold >= 1 else f"exact and near duplicates (jaccard >= {threshold:g})"
    log(f"{len(rows)} rows read from {len(inputs)} file(s); looking for {what} of {field!r}")
    started = time.perf_counter()
    kept, removed, missing = dedup_rows(rows, field, threshold, lang=lang)
    log(f"compared in {time.perf_counter() - started:.1f}s")
    if missing:
        log(f"{missing} row(s) have no text at {field!r}; kept as they are")
    gone = {d.row - 1 for d in removed}
    atomic_write_text(out, "".join(line + "\n" for i, line in enumerate(lines) if i not in gone))
    if rejects:
        write_jsonl(rejects, (_reject_line(rows, d) for d in removed))
    typer.echo(f"kept {len(kept)} removed {len(removed)}")


def stats(
    dataset: Path = typer.Argument(..., help="A dataset folder written by `minions build` (it holds stats.parquet)."),
    out: Path = typer.Option(..., "--out", "-o", help="Report folder (refused if not empty, unless --force)."),
    force: bool = ForceOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Show the distributions of the per-record figures a build stored (stats.parquet).

    Writes report.md (a table per figure: count, min, p10, median, p90, max, mean; records by task
    and outcome), summary.json, and one PNG histogram per figure (kept and rejected records stacked).
    Use it to choose filter thresholds, then `minions build --resume` with the new thresholds: the
    stored figures are reused and only the decisions are made again.

    Example: minions stats dataset/ --out dataset-stats/
    """
    from minions.filters.stats import STATS_FILE, write_report

    check_input_path(dataset, "dataset")
    with output_folder(out, force) as tmp:
        summary = write_report(dataset / STATS_FILE, tmp)
    result(
        {"out": str(out.resolve()), "records": summary["records"], "figures": len(summary["figures"])},
        as_json,
        str(out.resolve()),
    )


def _reject_line(rows: list[dict], d: RowDuplicate) -> dict:
    """One --rejects line: the removed row, the kept one, the Jaccard and the reason."""
    kind = "exact duplicate" if d.exact else "near duplicate"
    return {
        "id": rows[d.row - 1].get("id", d.row),
        "row": d.row,
        "kept": rows[d.kept_row - 1].get("id", d.kept_row),
        "kept_row": d.kept_row,
        "jaccard": round(d.jaccard, 4),
        "stage": "dedup",
        "reason": f"{kind} of row {d.kept_row}" + ("" if d.exact else f" (jaccard {d.jaccard:.2f})"),
    }


def tasks(
    name: str = typer.Argument(None, help="Show one task in full, with its example record."),
    as_json: bool = JsonOpt,
) -> None:
    """List the registered tasks: what each teaches, the units it needs, whether it needs a teacher model.

    Each task comes with an example record built from examples/acme-shop (`minions tasks NAME`).
    `minions build` runs every task that needs no teacher unless --tasks (or tasks.names) names some.

    Example: minions tasks text-to-sql
    """
    from minions.tasks import TASKS
    from minions.tasks.examples import shipped_examples
    from minions.tasks.registry import check_task_names

    examples = shipped_examples()
    chosen = check_task_names([name]) if name else sorted(TASKS)
    rows = [
        {
            "name": n,
            "description": TASKS[n].description,
            "needs": TASKS[n].needs,
            "teacher": TASKS[n].teacher,
            "example": examples.get(n),
        }
        for n in chosen
    ]
    if as_json or not name:
        width = max(len(n) for n in chosen)
        lines = [f"{r['name']:<{width}}  {'teacher ' if r['teacher'] else ''}{r['description']}" for r in rows]
        result(rows, as_json, "\n".join(lines))
        return
    r, ex = rows[0], rows[0]["example"]
    parts = [
        f"{r['name']}: {r['description']}",
        f"needs: {r['needs'] or '-'}",
        f"teacher: {'yes' if r['teacher'] else 'no'}",
    ]
    if ex:
        parts += [
            "",
            f"example ({ex['template_id']}):",
            "",
            "instruction:",
            ex["instruction"],
            "",
            "input:",
            ex["input"],
        ]
        parts += ["", "output:", ex["output"]]
    else:
        parts += ["", "no example record (a teacher task, or none on examples/acme-shop)"]
    result(rows, False, "\n".join(parts))


def register(app: typer.Typer) -> None:
    for fn in (collect, scrub, parse, build, dedup, stats, tasks):
        app.command()(fn)
