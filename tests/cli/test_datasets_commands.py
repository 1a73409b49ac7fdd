"""The real `minions datasets` command group: list, show, diff, trace, forget, export."""

import json

import pytest

from helpers import run_cli
from tiny_shop import shop_files


def cli(ws, *args):
    return run_cli(*args, "--workspace", str(ws))


def ok(ws, *args) -> str:
    p = cli(ws, *args)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A workspace with one dataset built by `minions build` from a tiny repository."""
    root = tmp_path_factory.mktemp("cli")
    repo = root / "shop"
    for rel, text in shop_files().items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    ws, out = root / "ws", root / "ds"
    built = json.loads(ok(ws, "build", str(repo), "--out", str(out), "--tasks", "implement-method", "--json"))
    return ws, repo, out, built


def test_build_registers_a_version_that_list_and_show_report(shop):
    ws, _, out, built = shop
    listed = json.loads(ok(ws, "datasets", "list", "--json"))  # (the forget test may add a child)
    assert [(v["name"], v["counts"], v["parent"]) for v in listed if v["version"] == built["version"]] == [
        ("quickstart", {"train": built["train"], "eval": built["eval"]}, None)
    ]
    text = ok(ws, "datasets", "list")
    assert built["version"] in text and "quickstart" in text
    shown = json.loads(ok(ws, "datasets", "show", built["version"][:5], "--json"))
    assert shown["counts_by_task"] == {"implement-method": {"train": built["train"], "eval": built["eval"]}}
    assert shown["sources"][0]["repo"] == "shop" and shown["path"] == str(out)
    assert "implement-method" in ok(ws, "datasets", "show", built["version"][:5])


def test_unknown_or_ambiguous_versions_are_errors_that_name_the_fix(shop):
    ws = shop[0]
    p = cli(ws, "datasets", "show", "nosuchversion")
    assert p.returncode == 2 and "minions datasets list" in p.stderr and not p.stdout
    p = cli(ws, "datasets", "export", shop[3]["version"], "--format", "csv", "--out", "x")
    assert p.returncode == 2 and "use jsonl, parquet, hf" in p.stderr


def test_trace_forget_diff_and_export(shop, tmp_path):
    ws, repo, out, built = shop
    record = json.loads((out / "train.jsonl").read_text().splitlines()[0])
    path = record["source"]["path"]
    traced = json.loads(ok(ws, "datasets", "trace", str(repo / path), "--json"))
    assert [v["version"] for v in traced["versions"]] == [built["version"]]
    assert traced["versions"][0]["by_split"] == {"train": 2}
    assert "no dataset version holds" in ok(ws, "datasets", "trace", "src/Nowhere.java")

    (made,) = json.loads(ok(ws, "datasets", "forget", path, "--json"))
    assert made["parent"] == built["version"] and made["path"] == f"{out}-{made['version'][:12]}"
    d = json.loads(ok(ws, "datasets", "diff", built["version"][:6], made["version"][:6], "--json"))
    assert d["totals"] == {"added": 0, "removed": 2, "changed": 0, "moved": 0}
    assert record["id"] in d["by_task"]["implement-method"]["removed"]
    assert "implement-method" in ok(ws, "datasets", "diff", built["version"], made["version"])

    hf = tmp_path / "hf"
    assert ok(ws, "datasets", "export", made["version"][:6], "--format", "hf", "--out", str(hf)).strip() == str(hf)
    datasets = pytest.importorskip("datasets")
    loaded = datasets.load_from_disk(str(hf))
    assert loaded["train"].num_rows == built["train"] - 2 and loaded["eval"].num_rows == built["eval"]
    p = cli(ws, "datasets", "export", made["version"], "--format", "jsonl", "--out", str(hf))
    assert p.returncode == 2 and "not empty" in p.stderr


def test_trace_and_forget_with_the_config_find_a_path_by_its_raw_name(tmp_path):
    # the repository's package is an internal name: records carry the scrubbed path
    repo = tmp_path / "shop"
    for rel, text in shop_files(6).items():
        (repo / rel.replace("/shop/", "/zorbix/")).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel.replace("/shop/", "/zorbix/")).write_text(text.replace("com.shop.", "com.zorbix."))
    config = tmp_path / "cfg.yaml"
    config.write_text("name: zdata\nscrub:\n  internal_names: {zorbix: acme}\ntasks:\n  names: [implement-method]\n")
    ws, out = tmp_path / "ws", tmp_path / "ds"
    ok(ws, "build", str(repo), "--out", str(out), "--config", str(config))
    recorded = json.loads((out / "train.jsonl").read_text().splitlines()[0])["source"]["path"]
    assert "/acme/" in recorded
    raw = recorded.replace("/acme/", "/zorbix/")
    assert "no dataset version holds" in ok(ws, "datasets", "trace", raw)
    traced = json.loads(ok(ws, "datasets", "trace", raw, "--config", str(config), "--json"))
    assert len(traced["versions"]) == 1 and traced["versions"][0]["records"] == 2
    (made,) = json.loads(ok(ws, "datasets", "forget", raw, "--config", str(config), "--json"))
    assert "zorbix" not in (tmp_path / made["path"] / "manifest.json").read_text()


def test_build_since_an_earlier_version_keeps_only_what_is_new(shop, tmp_path):
    ws, _, _, built = shop
    repo = tmp_path / "shop-v2"
    for rel, text in shop_files(10).items():  # the same eight classes and two new ones
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    out = tmp_path / "v2"
    args = ("build", str(repo), "--out", str(out), "--tasks", "implement-method", "--json")
    made = json.loads(ok(ws, *args, "--since", built["version"][:8]))
    records = [json.loads(x) for s in ("train", "eval") for x in (out / f"{s}.jsonl").read_text().splitlines()]
    assert {r["focal_class"] for r in records} == {"Service8", "Service9"}
    rejected = [json.loads(x) for x in (out / "rejected.jsonl").read_text().splitlines()]
    known = [r for r in rejected if r["stage"] == "filter:since"]
    assert len(known) == built["train"] + built["eval"]
    assert all(r["reason"].startswith(f"already in dataset version {built['version'][:12]} as ") for r in known)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"]["since_version"] == built["version"] and made["version"] != built["version"]
    p = cli(ws, *args, "--force", "--since", "ffffffff")
    assert p.returncode == 2 and "no dataset version 'ffffffff'" in p.stderr
