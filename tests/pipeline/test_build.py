"""`build_dataset` runs every stage it names: scrub on file text, decontamination after the split."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from minions.config import PipelineConfig, SourceConfig
from minions.errors import UserError
from minions.filters.stats import read_stats
from minions.pipeline.build import build_dataset
from minions.workspace import read_json_objects


def pricing_class(i: int) -> str:
    # the same method in every class but for one constant: not exact duplicates, near-duplicates
    return f"""package com.shop.pricing;

public class Pricing{i} {{
    private static final long FACTOR = 3;

    public long total(long[] items) {{
        long sum = 0;
        for (long item : items) {{
            if (item > 0) {{
                sum += item * FACTOR;
            }}
        }}
        return sum + {i};
    }}
}}
"""


def gateway_class(token: str) -> str:
    return f"""package com.shop.payment;

public class Gateway {{
    private final int timeoutSeconds = 30;

    public Client connect(String host) {{
        String url = "https://" + host + "/v1/charges";
        String token = "{token}";
        return new Client(url, token, timeoutSeconds * 1000);
    }}
}}
"""


def build(git_repo, tmp_path, token: str, **filters) -> tuple[dict[str, list[dict]], list[dict]]:
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(12)}
    files["src/main/java/com/shop/payment/Gateway.java"] = gateway_class(token)
    repo = git_repo(files, name=f"shop-{len(filters)}")
    cfg = PipelineConfig(
        sources=[SourceConfig(path=repo)],
        split={"eval_share": 0.3},
        tasks={"names": ["implement-method"]},
        filters=filters,
    )
    out = tmp_path / f"ds-{len(filters)}"
    out.mkdir()
    build_dataset(cfg, out)
    splits = {s: [r for _, r in read_json_objects(out / f"{s}.jsonl")] for s in ("train", "eval")}
    return splits, [r for _, r in read_json_objects(out / "rejected.jsonl")]


def test_build_scrubs_file_text_before_records_are_made(git_repo, tmp_path, fake):
    token = fake.github()
    splits, rejected = build(git_repo, tmp_path, token)
    records = [r for recs in splits.values() for r in recs]
    connect = [r for r in records if "Client connect(String host)" in r["output"]]
    assert connect, "the record with the planted token is kept, redacted (not dropped by the final gate)"
    assert '"<GITHUB_TOKEN>"' in connect[0]["output"]
    assert all(token[4:12] not in json.dumps(r) for r in records + rejected)
    assert not [r for r in rejected if r["stage"] == "gate"]


def test_build_decontaminates_train_against_eval(git_repo, tmp_path, fake):
    splits, rejected = build(git_repo, tmp_path, fake.github())
    leaked = [r for r in rejected if r["stage"] == "decontaminate"]
    held_out = {r["id"] for r in splits["eval"]}
    assert [r for r in splits["eval"] if "sum += item * FACTOR" in r["output"]], "a near-copy landed in eval"
    assert leaked, "train's near-copies of an eval record are dropped inside build"
    assert all(r["id"] not in held_out and any(h in r["reason"] for h in held_out) for r in leaked)
    assert not [r for r in splits["train"] if "sum += item * FACTOR" in r["output"]]

    off, rejected_off = build(git_repo, tmp_path, fake.github(), decontaminate=None, decontaminate_ngram=None)
    assert not [r for r in rejected_off if r["stage"] == "decontaminate"]
    assert len(off["train"]) == len(splits["train"]) + len(leaked)

    # the span rule alone drops them too: each shares its loop with the eval copy
    spans_only, rejected_spans = build(git_repo, tmp_path, fake.github(), decontaminate=None)
    reasons = [r["reason"] for r in rejected_spans if r["stage"] == "decontaminate"]
    assert len(reasons) == len(leaked) and all("13-token span with held-out record" in r for r in reasons)
    assert len(spans_only["train"]) == len(splits["train"])


def test_build_decontaminates_against_benchmark_files_and_refuses_a_bad_one(git_repo, tmp_path, fake):
    bench = tmp_path / "bench.jsonl"
    bench.write_text(json.dumps({"task_id": "Java/1", "canonical_solution": pricing_class(99)}) + "\n")
    splits, rejected = build(git_repo, tmp_path, fake.github(), benchmarks=[bench], decontaminate=None)
    reasons = [r["reason"] for r in rejected if r["stage"] == "decontaminate"]
    assert reasons and set(reasons) == {"output shares a 13-token span with bench.jsonl line 1"}
    assert not [r for r in splits["train"] if "sum += item * FACTOR" in r["output"]]
    bench.write_text("not json\n")
    with pytest.raises(UserError, match="bench.jsonl line 1: not JSON"):
        build(git_repo, tmp_path, fake.github(), benchmarks=[bench], decontaminate_common=3, decontaminate=None)


def test_no_scrub_is_explicit_and_the_gate_still_runs(git_repo, tmp_path, fake):
    token = fake.github()
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(12)}
    files["src/main/java/com/shop/payment/Gateway.java"] = gateway_class(token)
    cfg = PipelineConfig(
        sources=[SourceConfig(path=git_repo(files))],
        scrub={"enabled": False},
        split={"eval_share": 0.3},
        tasks={"names": ["implement-method"]},
    )
    out = tmp_path / "ds"
    out.mkdir()
    manifest = build_dataset(cfg, out)
    records = [r for s in ("train", "eval") for _, r in read_json_objects(out / f"{s}.jsonl")]
    assert records and not [r for r in records if "Client connect(String host)" in r["output"]]
    gated = [r for _, r in read_json_objects(out / "rejected.jsonl") if r["stage"] == "gate"]
    assert gated and all("github-token" in r["reason"] for r in gated), "the unscrubbed token's record is rejected"
    assert manifest["config"]["scrub"]["enabled"] is False
    assert "Scrub was OFF (`--no-scrub`)" in (out / "card.md").read_text()
    assert all(token[4:12].encode() not in p.read_bytes() for p in out.iterdir())


def test_no_scrub_flag_on_the_command_line(git_repo, tmp_path):
    from helpers import run_cli

    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(12)}
    out = tmp_path / "ds"
    p = run_cli("build", str(git_repo(files)), "--out", str(out), "--no-scrub")
    assert p.returncode == 0, p.stderr
    assert "scrub is OFF" in p.stderr
    assert json.loads((out / "manifest.json").read_text())["config"]["scrub"]["enabled"] is False


def test_with_a_key_records_hold_typed_secrets_and_the_manifest_keyed_hashes_of_names(git_repo, tmp_path, fake):
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(12)}
    files["src/main/java/com/shop/payment/Gateway.java"] = gateway_class(fake.github())
    cfg = PipelineConfig(
        sources=[SourceConfig(path=git_repo(files))],
        scrub={"internal_names": {"pricing": "costing"}, "internal_domains": ["shop.lan"]},
        split={"eval_share": 0.3},
        tasks={"names": ["implement-method"]},
    )
    out = tmp_path / "ds"
    out.mkdir()
    manifest = build_dataset(cfg, out, key=b"k1")
    records = [r for s in ("train", "eval") for _, r in read_json_objects(out / f"{s}.jsonl")]
    [connect] = [r for r in records if "Client connect(String host)" in r["output"]]
    assert '"<SECRET:github_token>"' in connect["output"]
    scrub = manifest["config"]["scrub"]
    assert len(scrub["internal_names"]) == 1 and len(scrub["internal_names"][0]) == 16
    assert "pricing" not in json.dumps(manifest).lower() and "shop.lan" not in json.dumps(manifest)
    again = tmp_path / "ds2"
    again.mkdir()
    assert build_dataset(cfg, again, key=b"k1")["config"]["scrub"] == scrub, "same key, same hashes"


def test_a_rebuilt_folder_keeps_nothing_of_an_earlier_build(git_repo, tmp_path):
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(12)}
    cfg = PipelineConfig(sources=[SourceConfig(path=git_repo(files))], tasks={"names": ["implement-method"]})
    out = tmp_path / "ds"
    out.mkdir()
    for stale in ("test.jsonl", "gate-report.json"):
        (out / stale).write_text("{}\n")
    manifest = build_dataset(cfg, out)
    assert sorted(p.name for p in out.iterdir()) == sorted([*manifest["outputs"], "manifest.json"])
    assert not (out / "test.jsonl").exists() and not (out / "gate-report.json").exists()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="holds files a build does not write"):
        build_dataset(cfg, out)
    assert (out / "notes.txt").read_text() == "mine" and (out / "manifest.json").exists(), "nothing removed"
    (out / "notes.txt").unlink()
    bad = cfg.model_copy(update={"sources": [*cfg.sources, cfg.sources[0]]})
    with pytest.raises(UserError, match="distinct name"):
        build_dataset(bad, out)
    assert (out / "manifest.json").exists(), "bad input found on the way leaves the earlier build be"


def test_values_a_pragma_allows_are_counted_in_the_card(git_repo, tmp_path, fake):
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(12)}
    files["src/main/resources/app.properties"] = f"api.token={fake.github()}  # minions: allow (test fixture)\n"
    cfg = PipelineConfig(sources=[SourceConfig(path=git_repo(files))], tasks={"names": ["implement-method"]})
    out = tmp_path / "ds"
    out.mkdir()
    manifest = build_dataset(cfg, out)
    assert manifest["summary"]["scrub_allowed"] == 2, "one value, allowed under both rules that match it"
    assert "- scrub_allowed: 2" in (out / "card.md").read_text()


def method(name: str, k: int) -> str:
    return f"""
    public long {name}(long[] items) {{
        long sum = {k};
        for (long item : items) {{
            sum += item * {k + 1};
        }}
        return sum;
    }}
"""


def test_split_guard_keeps_a_generated_class_in_train_and_the_card_says_so(git_repo, tmp_path):
    # one generated class with 30 methods and 10 small classes with 2 each: the big one is 60% of the data
    big = "package com.shop.gen;\n\npublic class Criteria {" + "".join(method(f"sum{k}", k) for k in range(30)) + "}\n"
    files = {"src/main/java/com/shop/gen/Criteria.java": big}
    for i in range(10):
        body = "".join(method(f"total{k}", 100 * i + k) for k in range(2))
        files[f"src/main/java/com/shop/c{i}/Part{i}.java"] = (
            f"package com.shop.c{i};\n\npublic class Part{i} {{{body}}}\n"
        )
    cfg = PipelineConfig(
        sources=[SourceConfig(path=git_repo(files, name="guarded"))],
        split={"eval_share": 0.1},
        tasks={"names": ["implement-method"]},
    )
    out = tmp_path / "ds"
    out.mkdir()
    manifest = build_dataset(cfg, out)
    evals = [r for _, r in read_json_objects(out / "eval.jsonl")]
    assert evals and all(r["focal_class"] != "Criteria" for r in evals)
    guard = manifest["split_guard"]
    assert guard["held"] and [g["records"] for g in guard["kept_in_train"]] == [30]
    assert guard["kept_in_train"][0]["group"].endswith("Criteria")
    assert "Split guard: 1 group(s) larger than twice the eval share stayed in train" in (out / "card.md").read_text()


def test_a_resumed_build_reuses_stored_figures_and_makes_the_decisions_again(git_repo, tmp_path):
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(12)}
    cfg = PipelineConfig(
        sources=[SourceConfig(path=git_repo(files))],
        tasks={"names": ["implement-method"]},
        filters={"decontaminate": None, "decontaminate_ngram": None},
    )
    out = tmp_path / "ds"
    out.mkdir()
    first = build_dataset(cfg, out)
    cols = read_stats(out / "stats.parquet")
    kept = sum(first["counts"].values())
    assert kept and len(cols["id"]) == first["summary"]["records_built"]
    # stored figures are what the resumed build judges: a changed one changes the decision
    pairs = zip(cols["outcome"], cols["size.output_lines"], strict=True)
    cols["size.output_lines"] = [1.0 if o == "train" else v for o, v in pairs]
    meta = pq.read_schema(out / "stats.parquet").metadata  # what measured them: kept, or nothing is reused
    pq.write_table(pa.table(cols).replace_schema_metadata(meta), out / "stats.parquet")
    logs = []
    second = build_dataset(cfg, out, logs.append)
    assert any(line.startswith("reusing the stored figures of ") for line in logs)
    assert sum(second["counts"].values()) < kept, "train records judged on their stored (1-line) figure"
    # changed thresholds re-run only the decisions
    looser = cfg.model_copy(update={"filters": cfg.filters.model_copy(update={"min_output_lines": 1})})
    third = build_dataset(looser, out)
    assert sum(third["counts"].values()) == kept


def test_a_build_whose_train_split_ends_empty_says_so(git_repo, tmp_path):
    # two classes with the same methods: whichever goes to eval, decontamination drops the other from train
    same = {i: pricing_class(0).replace("Pricing0", f"Pricing{i}") for i in (1, 2)}
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": text for i, text in same.items()}
    cfg = PipelineConfig(
        sources=[SourceConfig(path=git_repo(files))],
        tasks={"names": ["implement-method"]},
        filters={"dedup": "none"},
        split={"eval_share": 0.5},
    )
    out = tmp_path / "ds"
    out.mkdir()
    logs = []
    manifest = build_dataset(cfg, out, logs.append)
    assert manifest["counts"]["train"] == 0
    assert any(line.startswith("warning: no training record is left after decontamination") for line in logs)


def test_benchmark_paths_in_the_manifest_are_scrubbed_of_internal_names(git_repo, tmp_path):
    # review finding: a benchmark under a folder named after the company made the gate refuse the manifest
    folder = tmp_path / "zorbix-bench"
    folder.mkdir()
    bench = folder / "b.jsonl"
    bench.write_text(json.dumps({"canonical_solution": "int x = 1;"}) + "\n")
    files = {f"src/main/java/com/shop/pricing/Pricing{i}.java": pricing_class(i) for i in range(6)}
    cfg = PipelineConfig(
        sources=[SourceConfig(path=git_repo(files))],
        tasks={"names": ["implement-method"]},
        scrub={"internal_names": {"zorbix": "example"}},
        filters={"benchmarks": [bench]},
    )
    out = tmp_path / "ds"
    out.mkdir()
    manifest = build_dataset(cfg, out)
    assert "zorbix" not in json.dumps(manifest["config"]) and manifest["config"]["filters"]["benchmarks"]
