"""Export: jsonl, Parquet and a Hugging Face datasets folder, each gated like a released folder."""

import json

import pyarrow.parquet as pq
import pytest

from minions.datasets.export import export_dataset
from minions.errors import GateFailure
from minions.workspace import Workspace, read_json_objects, read_manifest
from tiny_shop import build_version, shop_files


@pytest.fixture
def dataset(git_repo, tmp_path):
    ws = Workspace(tmp_path / "ws")
    row = build_version(ws, git_repo(shop_files()), tmp_path / "ds")
    rows = {s: [r for _, r in read_json_objects(tmp_path / "ds" / f"{s}.jsonl")] for s in ("train", "eval")}
    return row, rows


def export(tmp_path, fmt, **gate):
    out = tmp_path / f"out-{fmt}"
    out.mkdir()
    manifest = export_dataset(tmp_path / "ds", fmt, out, **gate)
    return out, manifest


def test_jsonl_export_is_the_split_files(dataset, tmp_path):
    row, _ = dataset
    out, manifest = export(tmp_path, "jsonl")
    for s in ("train", "eval"):
        assert (out / f"{s}.jsonl").read_bytes() == (tmp_path / "ds" / f"{s}.jsonl").read_bytes()
    assert manifest["parents"] == [row["id"]] and manifest["config"] == {"format": "jsonl"}
    assert read_manifest(out)["kind"] == "dataset-export"


def test_parquet_export_has_one_file_per_split_with_the_records(dataset, tmp_path):
    _, rows = dataset
    out, _ = export(tmp_path, "parquet")
    for s, recs in rows.items():
        table = pq.read_table(out / f"{s}.parquet")
        assert table.to_pylist() == recs
    # pairing_rule is null throughout: still one schema for both splits
    assert pq.read_schema(out / "train.parquet") == pq.read_schema(out / "eval.parquet")


def test_hf_export_loads_with_datasets_load_from_disk(dataset, tmp_path):
    datasets = pytest.importorskip("datasets")
    _, rows = dataset
    out, _ = export(tmp_path, "hf")
    loaded = datasets.load_from_disk(str(out))
    assert isinstance(loaded, datasets.DatasetDict) and sorted(loaded) == ["eval", "train"]
    for s, recs in rows.items():
        assert loaded[s].num_rows == len(recs)
        assert loaded[s].to_list() == recs
    assert json.loads((out / "dataset_dict.json").read_text()) == {"splits": ["train", "eval"]}


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "hf"])
def test_every_export_is_gated(dataset, tmp_path, fmt):
    # a name configured as internal after the build: the export's gate finds it inside the data files
    with pytest.raises(GateFailure, match=r"\.(jsonl|parquet|arrow) \(internal-name"):
        export(tmp_path, fmt, internal_names={"StringBuilder": "Builder"})
    left = sorted(p.name for p in (tmp_path / f"out-{fmt}").iterdir())
    assert left == ["gate-report.json"]
