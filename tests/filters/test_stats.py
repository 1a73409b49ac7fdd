"""stats.parquet: figures stored once, read back for unchanged records, summarised for `minions stats`."""

import json

import pytest

from minions.errors import UserError
from minions.filters import record_figures
from minions.filters.stats import figure_summary, read_stats, stored_figures, write_report, write_stats
from minions.records import InstructionRecord, Provenance


def rec(i, output):
    return InstructionRecord(
        id=f"r{i}", task="implement-method", instruction="i", input="x", output=output, lang="java",
        source=Provenance(repo="r", commit="c", path="p"), unit_ids=[str(i)], template_id="t", module="m",
        focal_class="C",
    )  # fmt: skip


def records():
    return [rec(i, "\n".join(f"line {k};" for k in range(i + 1))) for i in range(5)]


def test_figures_round_trip_and_changed_records_are_computed_again(tmp_path):
    recs = records()
    figures = record_figures(recs)
    path = tmp_path / "stats.parquet"
    assert write_stats(path, recs, figures, {"r0": "rejected:filter:size", "r1": "train"}) == 5
    cols = read_stats(path)
    assert cols["id"] == [r.id for r in recs] and cols["outcome"][:3] == ["rejected:filter:size", "train", ""]
    assert cols["size.output_lines"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    changed = [*recs[:4], rec(4, "other;\nbody;")]
    stored = stored_figures(path, changed)
    assert set(stored) == {"r0", "r1", "r2", "r3"}, "r4's content changed: its figures are computed again"
    assert stored["r2"] == figures["r2"]
    assert stored_figures(tmp_path / "none.parquet", recs) == {}


def test_summary_quantiles_by_hand(tmp_path):
    recs = records()
    path = tmp_path / "stats.parquet"
    write_stats(path, recs, record_figures(recs), {})
    row = next(r for r in figure_summary(read_stats(path)) if r["figure"] == "size.output_lines")
    # values 1..5: p10 = 1 + 0.4 * (2 - 1), median 3, p90 = 4 + 0.6 * (5 - 4), mean 3
    assert row == {"figure": "size.output_lines", "records": 5, "infinite": 0, "min": 1.0, "p10": 1.4, "median": 3.0,
                   "p90": pytest.approx(4.6), "max": 5.0, "mean": 3.0}  # fmt: skip


def test_report_and_bad_files(tmp_path):
    recs = records()
    path = tmp_path / "stats.parquet"
    write_stats(path, recs, record_figures(recs), {r.id: "train" for r in recs})
    data = write_report(path, tmp_path / "rep")
    assert data["outcomes"] == {"implement-method": {"train": 5}}
    assert json.loads((tmp_path / "rep" / "summary.json").read_text())["records"] == 5
    assert (tmp_path / "rep" / "size-output_lines.png").read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((tmp_path / "rep" / "manifest.json").read_text())
    assert manifest["kind"] == "stats-report" and manifest["inputs"]["stats.parquet"]
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(UserError, match="not a readable Parquet file"):
        read_stats(tmp_path / "bad.parquet")


def test_infinite_figures_are_counted_apart(tmp_path):
    recs = records()
    figures = record_figures(recs)
    figures["r4"]["size.output_lines"] = float("inf")
    path = tmp_path / "stats.parquet"
    write_stats(path, recs, figures, {})
    data = write_report(path, tmp_path / "rep")
    row = next(r for r in data["figures"] if r["figure"] == "size.output_lines")
    assert (row["records"], row["infinite"], row["max"]) == (4, 1, 4.0)


def test_figures_from_other_filters_or_another_minions_are_not_reused(tmp_path):
    recs = records()
    path = tmp_path / "stats.parquet"
    write_stats(path, recs, record_figures(recs), {}, measured_by="minions 1: size@1")
    assert set(stored_figures(path, recs, "minions 1: size@1")) == {r.id for r in recs}
    assert stored_figures(path, recs, "minions 1: size@2") == {}, "a filter whose figures changed meaning"
    assert stored_figures(path, recs, "minions 2: size@1") == {}, "another minions"
    assert stored_figures(path, recs, "minions 1: size@1, extra@1") == {}, "a filter added"
