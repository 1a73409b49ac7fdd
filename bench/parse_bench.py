"""Parse benchmark: the whole extraction (`parse_files`) against the floor, tree-sitter's raw parse.

A generated Java corpus (the Java files of examples/acme-shop, copied under distinct packages until
the corpus reaches --mb; nothing is committed, it lives in bench/.out/parse-corpus). Same files, same
machine, one run: the raw parse of every file on one core (CPU seconds), `parse_files` on one core
(CPU seconds) and with a process pool over the cores (wall seconds). Goals from the parsing issue:
extraction CPU at most 2.5x the raw parse; wall on two cores at most 1.5x the one-core raw parse.

Usage: python bench/parse_bench.py [--mb 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import time
from pathlib import Path

from tree_sitter_language_pack import get_parser

from minions.parsing import parse_files
from minions.records import SourceFile

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "acme-shop"


def corpus(mb: float) -> list[SourceFile]:
    """The example's Java files, each copy under its own package, until `mb` megabytes."""
    sources = [p.read_text() for p in sorted(EXAMPLE.rglob("*.java"))]
    files, total, i = [], 0, 0
    while total < mb * 1e6:
        text = re.sub(r"\bpackage ([\w.]+);", lambda m, i=i: f"package {m.group(1)}.v{i};", sources[i % len(sources)])
        files.append(SourceFile.from_raw("bench", "c", f"m{i % 50}/src/F{i}.java", text, "java"))
        total += len(text.encode())
        i += 1
    return files


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    files = corpus(args.mb)
    mb = sum(len(f.text.encode()) for f in files) / 1e6
    parser = get_parser("java")
    c0, w0 = cpu(), time.perf_counter()
    for f in files:
        parser.parse(f.text.encode())
    raw_cpu, raw_wall = cpu() - c0, time.perf_counter() - w0
    c0 = cpu()
    one = parse_files(files, workers=1)
    one_cpu = cpu() - c0
    c0, w0 = cpu(), time.perf_counter()
    pooled = parse_files(files, workers=args.workers)
    pool_wall, pool_cpu = time.perf_counter() - w0, cpu() - c0
    assert len(pooled.units) == len(one.units), "the pool must give the same units"
    result = {
        "mb": round(mb, 1),
        "files": len(files),
        "units": len(one.units),
        "raw_parse_cpu_s": round(raw_cpu, 2),
        "raw_parse_wall_s": round(raw_wall, 2),
        "extraction_cpu_s": round(one_cpu, 2),
        "extraction_pool_wall_s": round(pool_wall, 2),
        "extraction_pool_cpu_s": round(pool_cpu, 2),
        "workers": args.workers,
        "cpu_ratio": round(one_cpu / raw_cpu, 1),
        "pool_wall_ratio": round(pool_wall / raw_cpu, 1),
    }
    out = HERE / ".out"
    out.mkdir(exist_ok=True)
    (out / "parse-bench.json").write_text(json.dumps(result, indent=2))
    print(f"### Parse benchmark: {result['mb']} MB of Java, {result['files']} files, {result['units']} units\n")
    print("| measure | seconds | / raw parse (one core, CPU) | goal |")
    print("|---|---:|---:|---:|")
    print(f"| raw tree-sitter parse, one core (CPU) | {raw_cpu:.2f} | 1.0x | |")
    print(f"| whole extraction, one core (CPU) | {one_cpu:.2f} | {result['cpu_ratio']}x | 2.5x |")
    print(
        f"| whole extraction, {args.workers} processes (wall) | {pool_wall:.2f} | {result['pool_wall_ratio']}x | 1.5x |"
    )
    print(f"\n(JSON: {out / 'parse-bench.json'})")


if __name__ == "__main__":
    main()
