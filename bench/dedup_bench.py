"""Near-dedup benchmark: minions vs datatrove 0.10.1's MinHash pipeline on a corpus with planted copies.

Same corpus, same machine, one run each. The corpus (`bench/dedup_corpus.py`, seeded; written once as
jsonl shards under bench/.out/dedup-corpus) holds generated Java- and Python-like documents and planted
exact and near copies of known source.

- minions: `minions.filters.near_dedup.near_duplicates(texts, threshold=0.8, ngram=5)` in this process,
  timed as one call (tokenising included, the texts already in memory).
- datatrove: its four MinHash stages (`bench/datatrove_minhash.py`: signatures, buckets, clusters,
  filter; 5-grams, 14 bands x 8 rows, local executor, 2 tasks at a time) in its own venv
  (bench/.out/venv-datatrove, made from bench/datatrove-requirements.txt on first use, not timed),
  timed as the wall time of that subprocess (reading the jsonl and writing kept and removed
  documents included).

Ground truth: for every pair of documents in a planted group (a source and its copies), the exact
Jaccard similarity of the sets of 5-gram shingles of `minions.filters.near_dedup.code_tokens`. A
pair counts as caught by a tool when it removed at least one of the two; recall is reported per band
of that similarity for both tools (datatrove shingles its own words, so its bands are an
approximation of what it sees). A false removal is a removed document with no document among the
kept ones whose similarity to it is at least 0.7 (its planted group is checked first, then every
kept document).

Usage: python bench/dedup_bench.py [--docs 20000] [--mb 40] [--seed 11] [--no-datatrove]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_corpus import build, jaccard, load, shingles  # noqa: E402

from minions.filters.near_dedup import code_tokens, near_duplicates  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / ".out"
REQUIREMENTS = HERE / "datatrove-requirements.txt"
DT_VERSION = "0.10.1"
THRESHOLD = 0.8  # the dedup threshold both tools aim at, and the goal's band
JUSTIFIED = 0.7  # a removal is false unless a kept document is at least this similar
NGRAM = 5
# bands of the true similarity, from the top; "exact" is identical text, "1.0" the same tokens
BANDS = ["exact", "1.0", "[0.9,1.0)", "[0.8,0.9)", "[0.7,0.8)", "[0.5,0.7)", "[0,0.5)"]
GOAL_BANDS = BANDS[:4]
GOAL_SPEEDUP, GOAL_RECALL = 5.0, 0.95

Tokens = Callable[[str], list[str]]


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    jaccard: float
    exact: bool

    @property
    def band(self) -> str:
        return band_of(self.jaccard, self.exact)


def band_of(j: float, exact: bool = False) -> str:
    """The band a pair of documents with similarity `j` falls in (`exact` when the texts are equal)."""
    if exact:
        return "exact"
    if j >= 1.0:
        return "1.0"
    for lo, name in ((0.9, "[0.9,1.0)"), (0.8, "[0.8,0.9)"), (0.7, "[0.7,0.8)"), (0.5, "[0.5,0.7)")):
        if j >= lo:
            return name
    return "[0,0.5)"


def groups(plants: list[dict]) -> list[list[int]]:
    """Planted groups: a source and its copies, in corpus order."""
    by_source: dict[int, set[int]] = defaultdict(set)
    for p in plants:
        by_source[p["source"]].update((p["source"], p["copy"]))
    return [sorted(g) for _, g in sorted(by_source.items())]


def pair_truth(texts: list[str], plants: list[dict], tokens: Tokens, n: int = NGRAM) -> list[Pair]:
    """Every pair within a planted group with its exact Jaccard similarity over n-gram shingles."""
    pairs = []
    for g in groups(plants):
        sh = {i: shingles(tokens(texts[i]), n) for i in g}
        for x, a in enumerate(g):
            for b in g[x + 1 :]:
                pairs.append(Pair(a, b, jaccard(sh[a], sh[b]), texts[a] == texts[b]))
    return pairs


def recall_by_band(pairs: Iterable[Pair], removed: set[int]) -> dict[str, tuple[int, int]]:
    """band -> (pairs caught, pairs): a pair is caught when at least one of its documents was removed."""
    out = {b: [0, 0] for b in BANDS}
    for p in pairs:
        out[p.band][1] += 1
        out[p.band][0] += p.a in removed or p.b in removed
    return {b: (c, n) for b, (c, n) in out.items() if n}


def goal_recall(by_band: dict[str, tuple[int, int]]) -> float | None:
    """Recall over the pairs whose similarity is at least the threshold (the goal's bands)."""
    caught = sum(by_band[b][0] for b in GOAL_BANDS if b in by_band)
    total = sum(by_band[b][1] for b in GOAL_BANDS if b in by_band)
    return caught / total if total else None


def false_removals(
    texts: list[str], pairs: list[Pair], removed: set[int], tokens: Tokens, n: int = NGRAM, floor: float = JUSTIFIED
) -> list[int]:
    """Removed documents with no kept document at least `floor` similar: their planted partners first,
    then (for the few left) every kept document."""
    partners: dict[int, list[int]] = defaultdict(list)
    for p in pairs:
        if p.jaccard >= floor:
            partners[p.a].append(p.b)
            partners[p.b].append(p.a)
    left = sorted(r for r in removed if not any(k not in removed for k in partners.get(r, ())))
    if not left:
        return []
    mine = {r: {hash(s) for s in shingles(tokens(texts[r]), n)} for r in left}
    justified: set[int] = set()
    for k, text in enumerate(texts):
        if k in removed or len(justified) == len(left):
            continue
        sh = {hash(s) for s in shingles(tokens(text), n)}
        for r in left:
            if r not in justified and jaccard(mine[r], sh) >= floor:
                justified.add(r)
    return [r for r in left if r not in justified]


# --- the corpus and the tools --------------------------------------------------------------------------


def corpus(path: Path, docs: int, mb: float, seed: int) -> dict:
    """The corpus at `path`, generated again when missing or made with other settings or generator code."""
    meta_path = path / "corpus.json"
    key = hashlib.sha256(json.dumps([docs, mb, seed, (HERE / "dedup_corpus.py").read_text()]).encode()).hexdigest()
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("key") == key:
            return meta
    print(f"generating the corpus ({docs} documents, {mb} MB) in {path}", file=sys.stderr)
    meta = build(path, docs, mb, seed, lambda s: print(f"  {s}", file=sys.stderr))
    meta["key"] = key
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


def dt_venv() -> Path:
    """datatrove's python, in its own venv made from the pinned requirements (reused while they match)."""
    venv = OUT / "venv-datatrove"
    python = venv / "bin" / "python"
    stamp = venv / ".requirements.sha256"
    want = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not python.exists() or not stamp.exists() or stamp.read_text() != want:
        print(f"making datatrove's venv in {venv} (not timed)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(want)
    version = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('datatrove'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if version != DT_VERSION:
        raise SystemExit(f"{venv} has datatrove {version}, expected {DT_VERSION}; delete it to reinstall")
    return python


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_datatrove(python: Path, docs_dir: Path, workers: int) -> tuple[set[int], float, None]:
    """datatrove's pipeline as a subprocess: removed corpus indices and wall seconds (its CPU time is not
    known: the pool's workers are children of multiprocess' fork server, which this process never reaps)."""
    work, removed_file, log = OUT / "datatrove-work", OUT / "datatrove-removed.txt", OUT / "datatrove.log"
    cmd = [str(python), str(HERE / "datatrove_minhash.py"), str(docs_dir), str(work), "--removed", str(removed_file)]
    cmd += ["--workers", str(workers)]
    with open(log, "w") as f:
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, check=False)
        wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"datatrove failed (exit {proc.returncode}); its log: {log}")
    removed = {int(x.removeprefix("d")) for x in removed_file.read_text().split()}
    return removed, wall, None


def run_minions(texts: list[str], threshold: float) -> tuple[set[int], float, float]:
    """minions' near-dedup in this process: removed indices, wall seconds, CPU seconds (children too)."""
    cpu = time.process_time() + _child_cpu()
    start = time.perf_counter()
    result = near_duplicates(texts, threshold=threshold, ngram=NGRAM)
    wall = time.perf_counter() - start
    cpu = time.process_time() + _child_cpu() - cpu
    return {i for i, r in enumerate(result) if r is not None}, wall, cpu


# --- report ------------------------------------------------------------------------------------------


def _pct(caught_total: tuple[int, int] | None) -> str:
    if not caught_total:
        return "-"
    c, n = caught_total
    return f"{c / n:.3f}"


def markdown(res: dict) -> str:
    c, bands = res["corpus"], res["bands"]
    lines = [
        f"### Near-dedup benchmark: {c['docs']:,} documents, {c['mb']:.1f} MB, {c['copies']:,} planted copies "
        f"of {c['groups']:,} sources, seed {c['seed']}; one run each on {res['cpus']} cores",
        "",
        f"Ground truth: {res['truth_pairs']:,} pairs within planted groups, each with the exact Jaccard "
        f"similarity of its 5-gram shingles of minions' `code_tokens`; a pair is caught when a tool removed "
        f"at least one of its documents. False removal: a removed document with no kept document of "
        f"similarity >= {JUSTIFIED}. Below {THRESHOLD} the recall columns count pairs of which a document was "
        f"removed for any reason (as a close copy of a third document, say): there false removals measure harm.",
        "",
        "| pairs per band | " + " | ".join(bands) + " |",
        "|---|" + "---:|" * len(bands),
        "| (pairs) | " + " | ".join(f"{res['pairs_by_band'][b]:,}" for b in bands) + " |",
        "",
        "| tool | wall s | CPU s | removed | " + " | ".join(f"recall {b}" for b in bands) + " | recall J>=0.8 "
        "| false removals |",
        "|---|---:|---:|---:|" + "---:|" * len(bands) + "---:|---:|",
    ]
    for name, t in res["tools"].items():
        rec = t["recall"]
        gr = "-" if t["recall_goal"] is None else f"{t['recall_goal']:.3f}"
        cpu = "-" if t["cpu_s"] is None else f"{t['cpu_s']:.2f}"
        lines.append(
            f"| {name} | {t['wall_s']:.2f} | {cpu} | {t['removed']:,} | "
            + " | ".join(_pct(rec.get(b)) for b in bands)
            + f" | {gr} | {t['false_removals']} |"
        )
    if "speedup" in res:
        g = res["goal"]
        lines += [
            "",
            f"Speed: minions is **{res['speedup']:.1f}x** faster than datatrove {DT_VERSION} (wall clock).",
            f"Goal ({GOAL_SPEEDUP:.0f}x faster, recall >= {GOAL_RECALL} for J >= {THRESHOLD}, no false removals): "
            f"speed {'met' if g['speed'] else 'NOT met'}, recall {'met' if g['recall'] else 'NOT met'}, "
            f"false removals {'met' if g['false_removals'] else 'NOT met'}.",
        ]
    lines += ["", f"Reproduce: `{res['command']}`"]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20000, help="documents in the corpus (default 20000)")
    ap.add_argument("--mb", type=float, default=40.0, help="corpus size in MB (default 40)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=2, help="datatrove's tasks run at a time")
    ap.add_argument("--corpus", type=Path, default=OUT / "dedup-corpus")
    ap.add_argument("--no-datatrove", action="store_true", help="only minions (no speed ratio)")
    ap.add_argument("--json", type=Path, default=OUT / "dedup-bench.json")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    python = None if args.no_datatrove else dt_venv()
    meta = corpus(args.corpus, args.docs, args.mb, args.seed)
    texts, plants = load(args.corpus)
    pairs = pair_truth(texts, plants, code_tokens)
    tools: dict[str, dict] = {}
    runs: list[tuple[str, set[int], float, float]] = []
    print("minions ...", file=sys.stderr, flush=True)
    runs.append(("minions", *run_minions(texts, THRESHOLD)))
    if python is not None:
        print("datatrove ...", file=sys.stderr, flush=True)
        runs.append((f"datatrove {DT_VERSION}", *run_datatrove(python, args.corpus / "docs", args.workers)))
    for name, removed, wall, cpu in runs:
        rec = recall_by_band(pairs, removed)
        false = false_removals(texts, pairs, removed, code_tokens)
        tools[name] = {
            "wall_s": wall,
            "cpu_s": cpu,
            "removed": len(removed),
            "recall": rec,
            "recall_goal": goal_recall(rec),
            "false_removals": len(false),
            "false_removal_examples": [f"d{i:06d}" for i in false[:20]],
        }
    by_band: dict[str, int] = defaultdict(int)
    for p in pairs:
        by_band[p.band] += 1
    command = f"python bench/dedup_bench.py --docs {args.docs} --mb {args.mb:g} --seed {args.seed}"
    res = {
        "corpus": {**meta, "groups": len(groups(plants)), "path": str(args.corpus)},
        "cpus": os.cpu_count(),
        "bands": [b for b in BANDS if by_band.get(b)],
        "pairs_by_band": dict(by_band),
        "truth_pairs": len(pairs),
        "tools": tools,
        "command": command + (" --no-datatrove" if args.no_datatrove else ""),
    }
    if python is not None:
        m, d = tools["minions"], tools[f"datatrove {DT_VERSION}"]
        res["speedup"] = d["wall_s"] / m["wall_s"]
        res["goal"] = {
            "speed": res["speedup"] >= GOAL_SPEEDUP,
            "recall": (m["recall_goal"] or 0) >= GOAL_RECALL,
            "false_removals": m["false_removals"] == 0,
        }
    args.json.write_text(json.dumps(res, indent=1))
    print(markdown(res))
    print(f"\n(JSON: {args.json})")


if __name__ == "__main__":
    main()
