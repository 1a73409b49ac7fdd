"""Scrub benchmark: minions vs detect-secrets 1.5.0 on a generated corpus with planted values.

Same files, same machine, one run, interleaved: minions' `scrub_files` in this process (reported),
the `minions scrub` CLI as a subprocess (startup, collect and writing included, shown beside it) and
`detect-secrets scan --all-files` (all plugins, default settings, in its own venv under
bench/.out/venv-ds, created on first use). Median of N repeats. Recall and precision are measured on
the plants of `bench/scrub_corpus.py`:

- a plant is found by minions when no 8 characters of it survive in the scrubbed lines of its sample;
  by detect-secrets when it reports a finding on a line of the plant's sample (a PEM block is one
  sample, so its BEGIN line counts);
- a flagged line outside every sample is a false positive (minions: a line it rewrote; detect-secrets:
  a line it reported); precision = flagged lines inside samples / flagged lines.

`--real DIR...` scrubs real projects (fetched outside the repository) and reports rewrites per MB by
rule, with up to 5 rewritten lines per rule for review (shown scrubbed: the replacement, never the
original value); `--real-only` skips the corpus and detect-secrets and reports only those.

Usage: python bench/scrub_bench.py [--mb 20] [--repeat 3] [--corpus DIR] [--real DIR ...] [--real-only]
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scrub_corpus import build  # noqa: E402

from minions.config import PipelineConfig  # noqa: E402
from minions.scrub import DETECTORS, scrub_files, scrub_text  # noqa: E402
from minions.sources.collect import collect  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / ".out"
DS_VERSION = "1.5.0"
# Our rule -> the detect-secrets plugins (secret types) that cover the same kind of value.
# Rules not listed (bearer tokens, personal data, internal names) have no detect-secrets plugin.
SHARED = {
    "private-key": ["Private Key"],
    "aws-access-key-id": ["AWS Access Key"],
    "aws-secret-access-key": ["AWS Access Key"],
    "github-token": ["GitHub Token"],
    "gitlab-token": ["GitLab Token"],
    "slack-token": ["Slack Token"],
    "jwt": ["JSON Web Token"],
    "stripe-key": ["Stripe Access Key"],
    "url-credentials": ["Basic Auth Credentials"],
    "password-assignment": ["Secret Keyword"],
    "config-secret": ["Secret Keyword"],
}
SHARED_DS_TYPES = {t for ts in SHARED.values() for t in ts}
WINDOW = 8


def ds_venv() -> Path:
    """detect-secrets in its own venv (never a dependency of minions); reused when present."""
    venv = OUT / "venv-ds"
    exe = venv / "bin" / "detect-secrets"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, f"detect-secrets=={DS_VERSION}"], check=True)
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if out != DS_VERSION:
        raise SystemExit(f"{exe} is detect-secrets {out}, expected {DS_VERSION}; delete {venv} to reinstall")
    return exe


def corpus(path: Path, mb: float, seed: int) -> dict:
    """The corpus at `path`, generated again when missing or made with other settings or rules."""
    meta_path = path / "corpus.json"
    samples = sorted((n, d.positives, d.negatives) for n, d in DETECTORS.items())
    key = hashlib.sha256(json.dumps([mb, seed, samples, (HERE / "scrub_corpus.py").read_text()]).encode()).hexdigest()
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("key") == key:
            return meta
    print(f"generating the corpus ({mb} MB) in {path}", file=sys.stderr)
    meta = build(path, mb, seed)
    meta |= {"mb": mb, "key": key}
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


def _child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_ds(exe: Path, files_dir: Path) -> tuple[dict, float, float]:
    cpu, start = _child_cpu(), time.perf_counter()
    proc = subprocess.run(
        [str(exe), "scan", "--all-files", "."], cwd=files_dir, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout), time.perf_counter() - start, _child_cpu() - cpu


def run_cli(files_dir: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        cpu, start = _child_cpu(), time.perf_counter()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        subprocess.run(
            [sys.executable, "-m", "minions", "scrub", str(files_dir), "--out", str(Path(tmp) / "s"), "--force"],
            check=True,
            capture_output=True,
            env=env,
        )
        return time.perf_counter() - start, _child_cpu() - cpu


def run_inproc(files, cfg) -> tuple[tuple, float, float]:
    cpu, start = time.process_time(), time.perf_counter()
    out = scrub_files(files, cfg.scrub.internal_names, cfg.scrub.drop_files)
    return out, time.perf_counter() - start, time.process_time() - cpu


# --- evaluation ----------------------------------------------------------------------------------


def line_rules(orig: list[str], opcodes) -> dict[int, Counter]:
    """Rewritten original lines (0-based) -> findings per rule on that line.

    A line that no rule changes on its own (inside a multi-line finding) gets its block's rules.
    """
    out: dict[int, Counter] = {}
    for tag, i1, i2, _, _ in opcodes:
        if tag in ("replace", "delete"):
            block = None
            for i in range(i1, i2):
                counts = scrub_text(orig[i])[1]
                if not counts:
                    block = block if block is not None else scrub_text("\n".join(orig[i1:i2]))[1]
                    counts = Counter(dict.fromkeys(block, 1)) or Counter({"(unattributed)": 1})
                out[i] = counts
    return out


def region(new: list[str], opcodes, start: int, end: int) -> str:
    """The scrubbed lines that stand for original lines [start, end) (0-based)."""
    parts = []
    for tag, i1, i2, j1, j2 in opcodes:
        if (i1 < i2 and not (i1 < end and i2 > start)) or (i1 == i2 and not start <= i1 <= end):
            continue
        if tag == "equal" or i2 - i1 == j2 - j1:  # line for line
            lo, hi = max(i1, start), min(i2, end)
            parts += new[j1 + lo - i1 : j1 + hi - i1]
        else:
            parts += new[j1:j2]
    return "\n".join(parts)


def survives(value: str, text: str) -> bool:
    for piece in value.split("\n"):
        if len(piece) <= WINDOW:
            if piece and piece in text:
                return True
            continue
        if any(piece[k : k + WINDOW] in text for k in range(len(piece) - WINDOW + 1)):
            return True
    return False


def evaluate(files, kept, dropped, truth, ds_results, size_mb: float) -> dict:
    by_id = {f.id: f for f in kept}
    dropped_ids = {r.id for r in dropped}
    plants_by_file = defaultdict(list)
    for p in truth:
        plants_by_file[p["file"]].append(p)
    ds_lines: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for fn, items in ds_results["results"].items():
        for it in items:
            ds_lines[os.path.normpath(fn)][it["line_number"]].add(it["type"])
    rows = []  # per plant: rule, found by minions, found by ds, sample number, placement
    misses = []
    m_flag = Counter()  # "in"/"out" x shared/all
    d_flag = Counter()
    m_fp_rules, d_fp_types = Counter(), Counter()
    m_rule_lines, m_fp_rewrites = Counter(), 0
    for f in files:
        plants = plants_by_file.get(f.path, [])
        inside = set()
        for p in plants:
            inside.update(range(p["start"], p["end"] + 1))
        orig = f.text.split("\n")
        if f.id in dropped_ids:
            new, opcodes, changed = [], [("delete", 0, len(orig), 0, 0)], {}
        else:
            new = by_id[f.id].text.split("\n")
            opcodes = difflib.SequenceMatcher(None, orig, new, autojunk=False).get_opcodes()
            changed = line_rules(orig, opcodes)
        for i, counts in changed.items():
            where = "in" if i + 1 in inside else "out"
            m_flag[where, "all"] += 1
            if any(r in SHARED for r in counts):
                m_flag[where, "shared"] += 1
            m_rule_lines.update(counts.keys())
            if where == "out":
                m_fp_rules.update(counts.keys())
                m_fp_rewrites += sum(counts.values())
        flagged = ds_lines.get(os.path.normpath(f.path), {})
        for line, types in flagged.items():
            where = "in" if line in inside else "out"
            d_flag[where, "all"] += 1
            if types & SHARED_DS_TYPES:
                d_flag[where, "shared"] += 1
            if where == "out":
                d_fp_types.update(types)
        for p in plants:
            if f.id in dropped_ids:
                m_found = True
            else:
                m_found = not survives(p["value"], region(new, opcodes, p["start"] - 1, p["end"]))
            d_found = any(line in flagged for line in range(p["start"], p["end"] + 1))
            rows.append((p["rule"], m_found, d_found, p.get("sample"), p.get("placement")))
            if not m_found and len(misses) < 50:
                misses.append(f"{f.path}:{p['line']} {p['rule']} sample {p.get('sample')} ({p.get('placement')})")

    def recall(sel) -> dict:
        sel = list(sel)
        n = len(sel)
        return {
            "plants": n,
            "minions": sum(r[1] for r in sel) / n if n else None,
            "detect_secrets": sum(r[2] for r in sel) / n if n else None,
        }

    def precision(c: Counter, scope: str) -> float | None:
        total = c["in", scope] + c["out", scope]
        return c["in", scope] / total if total else None

    per_rule = {}
    for rule in sorted({r[0] for r in rows}):
        sel = [r for r in rows if r[0] == rule]
        per_rule[rule] = {
            **recall(sel),
            "shared": rule in SHARED,
            "ds_types": SHARED.get(rule, []),
            "minions_missed": sum(not r[1] for r in sel),
            "minions_fp_lines": m_fp_rules[rule],
            "minions_flagged_lines": m_rule_lines[rule],
            "by_sample": {str(k): recall(r for r in sel if r[3] == k) for k in sorted({r[3] for r in sel})},
        }
    return {
        "all": {
            **recall(rows),
            "precision_minions": precision(m_flag, "all"),
            "precision_detect_secrets": precision(d_flag, "all"),
            "fp_lines_minions": m_flag["out", "all"],
            "fp_lines_detect_secrets": d_flag["out", "all"],
            "fp_per_mb_minions": m_flag["out", "all"] / size_mb,
            "fp_per_mb_detect_secrets": d_flag["out", "all"] / size_mb,
            "false_rewrites_minions": m_fp_rewrites,
        },
        "shared": {
            **recall(r for r in rows if r[0] in SHARED),
            "precision_minions": precision(m_flag, "shared"),
            "precision_detect_secrets": precision(d_flag, "shared"),
            "fp_lines_minions": m_flag["out", "shared"],
            "fp_lines_detect_secrets": d_flag["out", "shared"],
            "fp_per_mb_minions": m_flag["out", "shared"] / size_mb,
            "fp_per_mb_detect_secrets": d_flag["out", "shared"] / size_mb,
        },
        "per_rule": per_rule,
        "minions_fp_by_rule": dict(m_fp_rules.most_common()),
        "minions_missed_plants": misses,
        "detect_secrets_fp_by_type": dict(d_fp_types.most_common()),
    }


# --- real projects ------------------------------------------------------------------------------------


def real_projects(dirs: list[Path], cfg, per_rule: int = 5) -> list[dict]:
    out = []
    for d in dirs:
        files, _ = collect(d)
        size_mb = sum(len(f.text.encode()) for f in files) / 1e6
        start = time.perf_counter()
        kept, dropped, report = scrub_files(files, cfg.scrub.internal_names, cfg.scrub.drop_files)
        seconds = time.perf_counter() - start
        by_id = {f.id: f for f in kept}
        samples: dict[str, list[str]] = defaultdict(list)
        for f in files:
            if f.id not in by_id or f.text == by_id[f.id].text:
                continue
            orig, new = f.text.split("\n"), by_id[f.id].text.split("\n")
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, orig, new, autojunk=False).get_opcodes():
                if tag == "equal":
                    continue
                for rule in scrub_text("\n".join(orig[i1:i2]))[1]:
                    if len(samples[rule]) < per_rule:
                        shown = " / ".join(x.strip() for x in new[j1:j2])[:160]
                        samples[rule].append(f"{f.path}:{i1 + 1}: {shown}")
        findings = {k: v for k, v in sorted(report.findings.items())}
        n = sum(v for k, v in findings.items() if k != "key-file")
        out.append(
            {
                "project": d.name,
                "files": len(files),
                "mb": round(size_mb, 3),
                "mb_per_s": size_mb / seconds if seconds else None,
                "rewrites": n,
                "rewrites_per_mb": n / size_mb if size_mb else None,
                "dropped_files": len(dropped),
                "findings": findings,
                "samples": dict(samples),
            }
        )
    return out


# --- report ------------------------------------------------------------------------------------------


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def markdown(res: dict) -> str:
    if "eval" not in res:  # --real-only
        return real_markdown(res["real"])
    return corpus_markdown(res) + "\n" + real_markdown(res["real"])


def corpus_markdown(res: dict) -> str:
    t, ev = res["timing"], res["eval"]
    c = res["corpus"]
    lines = [
        f"### Scrub benchmark: {c['mb_actual']:.1f} MB, {c['files']} files, {c['plants']} plants, "
        f"{len(ev['per_rule'])} rules; median of {res['repeat']} interleaved runs",
        "",
        "| tool | seconds | MB/s | CPU s | MB per CPU s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, key in (
        ("minions scrub_files (in-process, reported)", "minions"),
        ("minions scrub CLI (subprocess, incl. startup, collect, write)", "minions_cli"),
        (f"detect-secrets {DS_VERSION} scan --all-files", "detect_secrets"),
    ):
        if key in t:
            x = t[key]
            lines.append(
                f"| {name} | {x['seconds']:.2f} | {x['mb_per_s']:.2f} | {x['cpu_s']:.2f} | {x['mb_per_cpu_s']:.2f} |"
            )
    lines += [
        "",
        f"Throughput ratio minions / detect-secrets: **{t['ratio']:.1f}x** wall-clock "
        f"({t['ratio_cpu']:.1f}x per CPU second; detect-secrets uses a process per core)"
        + (f"; CLI vs detect-secrets {t['ratio_cli']:.1f}x" if "ratio_cli" in t else ""),
        "",
        "| scope | plants | recall minions | recall detect-secrets | precision minions | precision detect-secrets "
        "| FP lines/MB minions | FP lines/MB detect-secrets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scope in ("shared", "all"):
        s = ev[scope]
        lines.append(
            f"| {scope} types | {s['plants']} | {_pct(s['minions'])} | {_pct(s['detect_secrets'])} "
            f"| {_pct(s['precision_minions'])} | {_pct(s['precision_detect_secrets'])} "
            f"| {s['fp_per_mb_minions']:.2f} | {s['fp_per_mb_detect_secrets']:.2f} |"
        )
    lines += [
        "",
        "| rule | shared with | plants | recall minions | recall detect-secrets | minions missed | minions FP lines |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for rule, r in ev["per_rule"].items():
        lines.append(
            f"| {rule} | {', '.join(r['ds_types']) or '-'} | {r['plants']} | {_pct(r['minions'])} "
            f"| {_pct(r['detect_secrets'])} | {r['minions_missed']} | {r['minions_fp_lines']} |"
        )
    lines += [
        "",
        f"minions false positives by rule: {ev['minions_fp_by_rule'] or 'none'}",
        f"minions missed plants (file:line rule sample): {ev['minions_missed_plants'][:10] or 'none'}",
        f"detect-secrets false positives by type: {ev['detect_secrets_fp_by_type'] or 'none'}",
    ]
    return "\n".join(lines)


def real_markdown(real: list[dict]) -> str:
    lines = []
    if len(real) > 1:
        mb, n = sum(p["mb"] for p in real), sum(p["rewrites"] for p in real)
        lines += [f"#### Real projects: {len(real)}, {mb:.2f} MB, {n} rewrites ({n / mb:.2f}/MB)"]
    for p in real:
        lines += [
            "",
            f"#### Real project {p['project']}: {p['files']} files, {p['mb']:.2f} MB, {p['mb_per_s']:.1f} MB/s, "
            f"{p['rewrites']} rewrites ({p['rewrites_per_mb']:.2f}/MB), {p['dropped_files']} files dropped",
            "",
            f"findings: {p['findings'] or 'none'}",
        ]
        for rule, shown in p["samples"].items():
            lines.append(f"- {rule}:")
            lines += [f"    - `{s}`" for s in shown]
    return "\n".join(lines).strip("\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs; the median is reported")
    ap.add_argument("--corpus", type=Path, default=OUT / "corpus")
    ap.add_argument("--no-cli", action="store_true", help="skip timing the `minions scrub` CLI")
    ap.add_argument("--real", type=Path, nargs="*", default=[], help="real project folders to scrub")
    ap.add_argument("--real-only", action="store_true", help="only the --real projects: no corpus, no detect-secrets")
    ap.add_argument("--json", type=Path, default=OUT / "scrub-bench.json")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    cfg = PipelineConfig()  # the CLI's defaults: no internal names, the default drop_files
    if args.real_only:
        if not args.real:
            ap.error("--real-only needs --real DIR ...")
        res = {"real": real_projects(args.real, cfg)}
        args.json.write_text(json.dumps(res, indent=1))
        print(markdown(res))
        print(f"\n(JSON: {args.json})")
        return
    exe = ds_venv()
    meta = corpus(args.corpus, args.mb, args.seed)
    files_dir = args.corpus / "files"
    truth = [json.loads(x) for x in (args.corpus / "truth.jsonl").read_text().splitlines()]
    files, _ = collect(files_dir)
    size_mb = sum(len(f.text.encode()) for f in files) / 1e6
    times: dict[str, list[tuple[float, float]]] = defaultdict(list)
    scrubbed = ds_out = None
    for i in range(args.repeat):
        print(f"run {i + 1}/{args.repeat}: minions", end="", file=sys.stderr, flush=True)
        scrubbed, sec, cpu = run_inproc(files, cfg)
        times["minions"].append((sec, cpu))
        print(", detect-secrets", end="", file=sys.stderr, flush=True)
        ds_out, sec, cpu = run_ds(exe, files_dir)
        times["detect_secrets"].append((sec, cpu))
        if not args.no_cli:
            print(", minions CLI", end="", file=sys.stderr, flush=True)
            times["minions_cli"].append(run_cli(files_dir))
        print(file=sys.stderr)
    timing = {}
    for k, v in times.items():
        sec, cpu = statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)
        timing[k] = {"seconds": sec, "cpu_s": cpu, "mb_per_s": size_mb / sec, "mb_per_cpu_s": size_mb / cpu}
    timing["ratio"] = timing["minions"]["mb_per_s"] / timing["detect_secrets"]["mb_per_s"]
    timing["ratio_cpu"] = timing["minions"]["mb_per_cpu_s"] / timing["detect_secrets"]["mb_per_cpu_s"]
    if "minions_cli" in timing:
        timing["ratio_cli"] = timing["minions_cli"]["mb_per_s"] / timing["detect_secrets"]["mb_per_s"]
    kept, dropped, _ = scrubbed
    ev = evaluate(files, kept, dropped, truth, ds_out, size_mb)
    res = {
        "corpus": {**meta, "mb_actual": size_mb, "path": str(args.corpus)},
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "timing": timing,
        "eval": ev,
        "real": real_projects(args.real, cfg),
    }
    args.json.write_text(json.dumps(res, indent=1))
    print(markdown(res))
    print(f"\n(JSON: {args.json})")


if __name__ == "__main__":
    main()
