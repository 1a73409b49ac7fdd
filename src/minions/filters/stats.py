"""Per-record figures stored with a dataset (`stats.parquet`) and the report `minions stats` makes of them.

The build computes every record filter's figures once (`record_figures`) and stores them, one row
per record built, with where the record ended (a split, or the stage that rejected it). A resumed
build reads them back (`stored_figures`) so that changed thresholds re-run only the decisions;
`minions stats` turns them into tables and histograms.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

from minions.errors import UserError
from minions.records import SCHEMA_VERSION, InstructionRecord, content_hash

STATS_FILE = "stats.parquet"
_FIXED = ("id", "task", "lang", "content", "outcome")


def record_content(r: InstructionRecord) -> str:
    """What a record's figures depend on: its task, instruction, input and output."""
    return content_hash("\x1f".join([r.task, r.instruction, r.input, r.output]))


def write_stats(
    path: Path,
    records: list[InstructionRecord],
    figures: dict[str, dict[str, float]],
    outcome: dict[str, str],
    measured_by: str = "",
) -> int:
    """Write one row per record (in build order): its id, task, lang, a content hash, its outcome (a
    split name, or `rejected:<stage>`), and one column per figure; the file's metadata holds the
    schema version and `measured_by` (what computed the figures, see `filters.base.measured_by`).
    Returns the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = sorted({k for r in records for k in figures.get(r.id, {})})
    columns: dict[str, list] = {c: [] for c in (*_FIXED, *names)}
    for r in records:
        own = figures.get(r.id, {})
        for c, v in zip(_FIXED, (r.id, r.task, r.lang, record_content(r), outcome.get(r.id, "")), strict=True):
            columns[c].append(v)
        for n in names:
            columns[n].append(own.get(n))
    schema = pa.schema(
        [(c, pa.string()) for c in _FIXED] + [(n, pa.float64()) for n in names],
        metadata={"minions.schema_version": str(SCHEMA_VERSION), "minions.measured_by": measured_by},
    )
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(pa.table(columns, schema=schema), tmp)
    tmp.replace(path)
    return len(records)


def read_stats(path: Path) -> dict[str, list]:
    """The columns of a stats file; a UserError when it is missing or not one."""
    import pyarrow.parquet as pq

    if not path.is_file():
        raise UserError(f"{path} does not exist; `minions build` writes {STATS_FILE} in the dataset folder")
    try:
        table = pq.read_table(path)
    except Exception as e:  # noqa: BLE001  (pyarrow raises several types for a damaged file)
        raise UserError(f"{path} is not a readable Parquet file ({type(e).__name__}); rebuild the dataset") from None
    missing = [c for c in _FIXED if c not in table.column_names]
    if missing:
        raise UserError(f"{path} lacks the column(s) {', '.join(missing)}; it was not written by `minions build`")
    return table.to_pydict()


def stored_figures(path: Path, records: list[InstructionRecord], measured_by: str = "") -> dict[str, dict[str, float]]:
    """Figures of an earlier build for the records whose id and content are unchanged (others are
    absent, to be computed again). Nothing when there is no readable stats file, or when its figures
    were computed by other filters or another minions (`measured_by` differs) or schema version."""
    try:
        cols = read_stats(path)
        meta = _metadata(path)
    except UserError:
        return {}
    if meta.get("minions.schema_version") != str(SCHEMA_VERSION) or meta.get("minions.measured_by") != measured_by:
        return {}
    names = [c for c in cols if c not in _FIXED]
    wanted = {r.id: record_content(r) for r in records}
    out = {}
    for i, rid in enumerate(cols["id"]):
        if wanted.get(rid) == cols["content"][i]:
            out[rid] = {n: cols[n][i] for n in names if cols[n][i] is not None}
    return out


def _metadata(path: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    raw = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in raw.items()}


def figure_summary(cols: dict[str, list]) -> list[dict]:
    """For each figure: count, min, p10, median, p90, max and mean over the records that have it."""
    rows = []
    for name in (c for c in cols if c not in _FIXED):
        present = [v for v in cols[name] if v is not None and not math.isnan(v)]
        values = sorted(v for v in present if math.isfinite(v))
        if not values:
            continue
        rows.append(
            {
                "figure": name,
                "records": len(values),
                "infinite": len(present) - len(values),
                "min": values[0],
                "p10": _quantile(values, 0.1),
                "median": _quantile(values, 0.5),
                "p90": _quantile(values, 0.9),
                "max": values[-1],
                "mean": sum(values) / len(values),
            }
        )
    return rows


def _quantile(values: list[float], q: float) -> float:
    """The q-quantile of sorted values, by linear interpolation between the closest ranks."""
    pos = q * (len(values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def outcome_counts(cols: dict[str, list]) -> dict[str, dict[str, int]]:
    """Records by task and outcome (split name or `rejected:<stage>`)."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for task, outcome in zip(cols["task"], cols["outcome"], strict=True):
        table[task][outcome or "unknown"] += 1
    return {t: dict(sorted(v.items())) for t, v in sorted(table.items())}


def write_report(stats_path: Path, out: Path) -> dict:
    """Write `report.md`, `summary.json` and one histogram PNG per figure into `out`; return the summary."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from minions.workspace import atomic_write_text, read_manifest, write_json, write_manifest

    cols = read_stats(stats_path)
    summary = figure_summary(cols)
    outcomes = outcome_counts(cols)
    out.mkdir(parents=True, exist_ok=True)
    kept = [not (o or "").startswith("rejected") for o in cols["outcome"]]
    for row in summary:
        name = row["figure"]
        fig, ax = plt.subplots(figsize=(6, 3.5))
        values = [(v, k) for v, k in zip(cols[name], kept, strict=True) if v is not None and math.isfinite(v)]
        bins = min(40, max(1, len({v for v, _ in values})))
        ax.hist(
            [[v for v, k in values if k], [v for v, k in values if not k]],
            bins=bins,
            stacked=True,
            label=["kept", "rejected"],
        )
        ax.set_title(name)
        ax.set_xlabel(name)
        ax.set_ylabel("records")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / f"{_file_name(name)}.png", dpi=80, metadata={"Software": None})
        plt.close(fig)
    lines = [f"# Record statistics: {stats_path.parent.name}", "", f"{len(cols['id'])} records built.", ""]
    lines += ["## Figures", "", "Infinite values are counted apart and left out of the other columns.", ""]
    lines += ["| figure | records | infinite | min | p10 | median | p90 | max | mean | histogram |"]
    lines += ["|---|---|---|---|---|---|---|---|---|---|"]
    for row in summary:
        nums = " | ".join(f"{row[k]:.4g}" for k in ("min", "p10", "median", "p90", "max", "mean"))
        png = f"![]({_file_name(row['figure'])}.png)"
        lines.append(f"| {row['figure']} | {row['records']} | {row['infinite']} | {nums} | {png} |")
    lines += ["", "## Outcomes by task", "", "| task | outcome | records |", "|---|---|---|"]
    for task, counts in outcomes.items():
        lines += [f"| {task} | {o} | {n} |" for o, n in counts.items()]
    atomic_write_text(out / "report.md", "\n".join(lines) + "\n")
    data = {"records": len(cols["id"]), "figures": summary, "outcomes": outcomes}
    write_json(out / "summary.json", data)
    dataset = read_manifest(stats_path.parent) or {}
    parents = [dataset["id"]] if dataset.get("id") else []
    write_manifest(out, "stats-report", {}, {stats_path.name: content_hash(stats_path.read_bytes())}, parents)
    return data


def _file_name(figure: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in figure)
