"""Benchmarks (`make bench`): throughput of the data stages on examples/acme-shop.

No peer is named for these stages yet, so this reports absolute numbers from one run on this
machine; a peer comparison (same data, same run, as a ratio) belongs beside each when an issue
names one. Never run as a timed unit test.

Usage: python bench/run.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from minions.config import FiltersConfig
from minions.filters import apply_filters
from minions.parsing import parse_files
from minions.scrub import scrub_files
from minions.sources.collect import collect
from minions.tasks import TaskOptions, build_records

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "acme-shop"


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return out, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    (files, _), t_collect = timed(lambda: collect(EXAMPLE), args.repeat)
    size = sum(len(f.text) for f in files) / 1e6
    (scrubbed, _, _), t_scrub = timed(lambda: scrub_files(files, {"acme": "example"}, ["*id_rsa*"]), args.repeat)
    parsed, t_parse = timed(lambda: parse_files(scrubbed), args.repeat)
    records, t_tasks = timed(
        lambda: build_records(parsed.units, ["implement-method", "write-test"], TaskOptions()), args.repeat
    )
    _, t_filter = timed(lambda: apply_filters(records, FiltersConfig()), args.repeat)
    print(f"examples/acme-shop: {len(files)} files, {size:.2f} MB; median of {args.repeat} runs")
    print(f"{'stage':<10} {'seconds':>8} {'files/s':>9} {'MB/s':>7}")
    for name, t in [
        ("collect", t_collect),
        ("scrub", t_scrub),
        ("parse", t_parse),
        ("tasks", t_tasks),
        ("filters", t_filter),
    ]:
        print(f"{name:<10} {t:>8.3f} {len(files) / t:>9.0f} {size / t:>7.2f}")
    print(f"units {len(parsed.units)}, records {len(records)}")


if __name__ == "__main__":
    main()
