"""datatrove's MinHash near-dedup pipeline, run by bench/dedup_bench.py in datatrove's own venv.

The four stages of datatrove's own example (`examples/minhash_deduplication.py`), each on a
`LocalPipelineExecutor`: signatures (one task per input shard), buckets (one task per band),
clustering (one task) and filtering (one task per shard, removed documents written by an exclusion
writer). 5-gram shingles, 14 bands x 8 rows, its default English word tokenizer and hashing. Prints
the ids of the removed documents, one a line, to the file named by --removed.

Usage: bench/.out/venv-datatrove/bin/python bench/datatrove_minhash.py DOCS_DIR WORK_DIR --removed FILE
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers.jsonl import JsonlWriter


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs", type=Path, help="folder of jsonl shards with id and text")
    ap.add_argument("work", type=Path, help="datatrove's working folder (emptied first)")
    ap.add_argument("--removed", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if args.work.exists():
        shutil.rmtree(args.work)
    shards = len(list(args.docs.glob("*.jsonl")))
    config = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8)
    work, logs = args.work, args.work / "logs"

    def reader():
        return JsonlReader(str(args.docs), glob_pattern="*.jsonl")

    stage1 = LocalPipelineExecutor(
        pipeline=[reader(), MinhashDedupSignature(output_folder=str(work / "signatures"), config=config)],
        tasks=shards,
        workers=args.workers,
        logging_dir=str(logs / "signatures"),
    )
    stage2 = LocalPipelineExecutor(
        pipeline=[
            MinhashDedupBuckets(
                input_folder=str(work / "signatures"), output_folder=str(work / "buckets"), config=config
            )
        ],
        tasks=config.num_buckets,
        workers=args.workers,
        logging_dir=str(logs / "buckets"),
        depends=stage1,
    )
    stage3 = LocalPipelineExecutor(
        pipeline=[
            MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"), config=config)
        ],
        tasks=1,
        logging_dir=str(logs / "clusters"),
        depends=stage2,
    )
    stage4 = LocalPipelineExecutor(
        pipeline=[
            reader(),
            MinhashDedupFilter(
                input_folder=str(work / "remove"),
                exclusion_writer=JsonlWriter(str(work / "removed"), compression=None),
            ),
            JsonlWriter(str(work / "kept"), compression=None),
        ],
        tasks=shards,
        workers=args.workers,
        logging_dir=str(logs / "filter"),
        depends=stage3,
    )
    stage4.run()
    ids = []
    for path in sorted((work / "removed").glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            ids += [json.loads(line)["id"] for line in f]
    args.removed.write_text("".join(f"{i}\n" for i in ids))


if __name__ == "__main__":
    main()
