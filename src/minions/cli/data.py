"""Commands that build data: collect, scrub, parse, build, dedup, tasks."""

from __future__ import annotations

from pathlib import Path

import typer

from minions.cli.common import (
    ConfigOpt,
    ForceOpt,
    JsonOpt,
    ResumeOpt,
    config_or_default,
    log,
    progress,
    result,
)
from minions.errors import UserError
from minions.workspace import (
    check_input_path,
    output_folder,
    read_json_objects,
    write_json,
    write_jsonl,
    write_manifest,
)

OutOpt = typer.Option(..., "--out", "-o", help="Output folder (refused if not empty, unless --force/--resume).")


def collect(
    sources: list[Path] = typer.Argument(..., help="Repository folders, git checkouts or single files."),
    out: Path = OutOpt,
    name: str = typer.Option(None, help="Repository name in provenance (one source only) [default: folder name]."),
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
    as_json: bool = JsonOpt,
) -> None:
    """Remove secrets, personal data and internal names; write the scrubbed files and a report.

    The report holds counts per detector and file, never the values found. Internal names and domains
    come from the config's `scrub.internal_names` and `scrub.internal_domains`.

    Example: minions scrub examples/acme-shop --out scrubbed/ --config configs/quickstart.yaml
    """
    from minions.scrub import scrub_files
    from minions.sources.collect import collect, write_snapshot

    if rules:
        list_rules(as_json)
        return
    if path is None or out is None:
        raise UserError("name what to scrub and where: minions scrub PATH --out DIR (or --rules to list the rules)")
    check_input_path(path, "input")
    cfg = config_or_default(config)
    with output_folder(out, force, resume) as tmp:
        files, skipped = collect(path)
        kept, dropped, report = scrub_files(
            files, cfg.scrub.internal_names, cfg.scrub.drop_files, cfg.scrub.internal_domains
        )
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
    summary = report.to_json()
    n = sum(summary["findings"].values())
    log(f"{summary['files_scanned']} files scanned, {n} findings, {summary['files_dropped']} files dropped")
    result({"out": str(out.resolve()), **summary}, as_json, str(out.resolve()))


def list_rules(as_json: bool) -> None:
    """The registered detectors in the order they run, each with a visibly fake example."""
    from minions.scrub import DETECTORS
    from minions.scrub.rules import ordered_detectors
    from minions.scrub.samples import example

    rows = [
        {
            "id": d.name,
            "category": d.category,
            "replacement": d.replacement,
            "description": d.description,
            "example": example(d.positives[0]) if d.positives else "",
        }
        for d in ordered_detectors()
    ]
    shown = [r["example"] if len(r["example"]) <= 100 else r["example"][:99] + "…" for r in rows]
    lines = [
        f"{r['id']} ({r['category']}): {r['description']}\n    e.g. {e!r}" for r, e in zip(rows, shown, strict=True)
    ]
    result(rows, as_json, "\n".join(lines) + f"\n{len(DETECTORS)} rules")


def parse(
    paths: list[Path] = typer.Argument(..., help="Repository folders, git checkouts or scrubbed snapshots."),
    out: Path = OutOpt,
    lang: list[str] = typer.Option(None, "--lang", help="Languages to parse [default: all registered]."),
    force: bool = ForceOpt,
    resume: bool = ResumeOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Parse code into units (classes, methods, tests, endpoints, queries) and pair tests with code.

    Writes units.jsonl, summary.json and manifest.json (skipped files listed with a reason).

    Example: minions parse examples/acme-shop --out parsed/
    """
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
            parsed = parse_files(files, lang or None, progress=advance)
        write_jsonl(tmp / "units.jsonl", (u.model_dump() for u in parsed.units))
        summary = parsed.summary()
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
    sources: list[Path] = typer.Argument(None, help="Repository folders [default: the config's sources]."),
    out: Path = OutOpt,
    config: Path = ConfigOpt,
    force: bool = ForceOpt,
    resume: bool = ResumeOpt,
    no_scrub: bool = typer.Option(
        False, "--no-scrub", help="Skip scrubbing files (the final gate still runs; the card and manifest say so)."
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Build an instruction dataset: collect, scrub, parse, tasks, filters, split, decontaminate, gate.

    Writes train.jsonl, eval.jsonl (test.jsonl when split.test_share > 0), rejected.jsonl,
    card.md and manifest.json. The final gate re-scans every record (a finding rejects it) and
    every file written: a finding in one fails the build with exit code 3 and leaves only
    gate-report.json (file names and rule ids, never values) in the output folder.

    Example: minions build examples/acme-shop --out dataset/ --config configs/quickstart.yaml
    """
    from minions.pipeline.build import build_dataset

    cfg = config_or_default(config, sources)
    if no_scrub:
        cfg.scrub.enabled = False
    with output_folder(out, force, resume) as tmp:
        manifest = build_dataset(cfg, tmp, log)
    counts = manifest["counts"]
    result({"out": str(out.resolve()), **counts}, as_json, str(out.resolve()))


def dedup(
    inputs: list[Path] = typer.Argument(..., help="JSONL files, read in order."),
    field: str = typer.Option(..., "--field", "-f", help="The field whose text is compared."),
    out: Path = typer.Option(..., "--out", "-o", help="Output JSONL file."),
    rejects: Path = typer.Option(None, "--rejects", help="Write the removed rows' line numbers and reasons here."),
    force: bool = ForceOpt,
) -> None:
    """Remove exact duplicates (whitespace-normalized) of a field; the first occurrence is kept.

    Rows without the field are kept; rows are numbered from 1 across the inputs, blank lines
    skipped. The last stdout line is `kept N removed M`.

    Example: minions dedup train.jsonl --field output --out train.dedup.jsonl --rejects dups.jsonl
    """
    from minions.filters import dedup_rows

    rows = []
    for p in inputs:
        check_input_path(p, "input")
        rows += [row for _, row in read_json_objects(p)]
    targets = [out.resolve()] + ([rejects.resolve()] if rejects else [])
    if len(set(targets)) < len(targets) or set(targets) & {p.resolve() for p in inputs}:
        raise UserError("--out, --rejects and the inputs must be different files")
    for target in targets:
        if target.exists() and not force:
            raise UserError(f"{target} exists; pass --force to replace it")
    kept, removed = dedup_rows(rows, field)
    write_jsonl(out, kept)
    if rejects:
        write_jsonl(
            rejects,
            (
                {"id": rows[i - 1].get("id", i), "row": i, "stage": "dedup", "reason": f"exact duplicate of row {j}"}
                for i, j in removed
            ),
        )
    typer.echo(f"kept {len(kept)} removed {len(removed)}")


def tasks(as_json: bool = JsonOpt) -> None:
    """List the registered task builders.

    Example: minions tasks --json
    """
    from minions.tasks import TASKS

    rows = [{"name": t.name, "description": t.description} for t in TASKS.values()]
    result(rows, as_json, "\n".join(f"{t['name']:<20} {t['description']}" for t in rows))


def register(app: typer.Typer) -> None:
    for fn in (collect, scrub, parse, build, dedup, tasks):
        app.command()(fn)
