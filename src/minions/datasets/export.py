"""Export a dataset version: jsonl (the split files), Parquet (one file per split) or a Hugging Face
`datasets` folder (a DatasetDict that `datasets.load_from_disk` reads), gated like every released folder.

The Hugging Face folder is written with pyarrow in the layout `DatasetDict.save_to_disk` makes
(`dataset_dict.json`; per split `data-00000-of-00001.arrow` (Arrow stream), `state.json`,
`dataset_info.json`), so exporting needs no `datasets` install; features are read from the Arrow schema.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from minions.datasets.gate import gate_folder
from minions.datasets.versions import split_files
from minions.records import stable_id
from minions.workspace import read_json_objects, read_manifest, write_json, write_manifest

FORMATS = ("jsonl", "parquet", "hf")
HF_DATA = "data-00000-of-00001.arrow"


def export_dataset(
    folder: Path,
    fmt: str,
    out: Path,
    internal_names: dict[str, str] | None = None,
    internal_domains: list[str] | None = None,
) -> dict:
    """Write the dataset folder's splits into `out` (an empty folder) in `fmt`; gate it; return its manifest."""
    manifest = read_manifest(folder) or {}
    files = split_files(folder)
    if fmt == "jsonl":
        for path in files.values():
            shutil.copyfile(path, out / path.name)
    else:
        tables = _tables({s: [r for _, r in read_json_objects(p)] for s, p in files.items()})
        if fmt == "parquet":
            import pyarrow.parquet as pq

            for split, table in tables.items():
                pq.write_table(table, out / f"{split}.parquet")
        else:
            _write_hf(out, tables, manifest.get("id", ""))
    inputs = {p.name: (manifest.get("outputs") or {}).get(p.name, "") for p in files.values()}
    written = write_manifest(
        out, "dataset-export", {"format": fmt}, inputs, parents=[manifest["id"]] if manifest.get("id") else []
    )
    gate_folder(out, internal_names or {}, internal_domains)
    return written


def _tables(rows: dict[str, list[dict]]) -> dict:
    """One Arrow table per split, all with the schema inferred from every split's rows (so a column that
    is null throughout one split has the type it has in another)."""
    import pyarrow as pa

    columns = list(dict.fromkeys(k for recs in rows.values() for r in recs for k in r))
    everything = [r for recs in rows.values() for r in recs]
    schema = pa.Table.from_pydict({c: [r.get(c) for r in everything] for c in columns}).schema
    return {
        split: pa.Table.from_pydict({c: [r.get(c) for r in recs] for c in columns}, schema=schema)
        for split, recs in rows.items()
    }


def _write_hf(out: Path, tables: dict, version: str) -> None:
    import pyarrow as pa

    for split, table in tables.items():
        folder = out / split
        folder.mkdir()
        with pa.OSFile(str(folder / HF_DATA), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        write_json(
            folder / "state.json",
            {
                "_data_files": [{"filename": HF_DATA}],
                "_fingerprint": stable_id("hf-export", version, split)[:16],
                "_format_columns": None,
                "_format_kwargs": {},
                "_format_type": None,
                "_output_all_columns": False,
                "_split": split,
            },
        )
        write_json(
            folder / "dataset_info.json",
            {
                "description": f"minions dataset version {version}, split {split}",
                "citation": "",
                "homepage": "",
                "license": "",
            },
        )
    (out / "dataset_dict.json").write_text(json.dumps({"splits": list(tables)}))
