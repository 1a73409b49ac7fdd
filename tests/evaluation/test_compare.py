"""`minions eval --adapters a,b` end to end on the tiny model: the base and two adapters on the same
records, teacher-forced and generated, deltas with intervals, a report with plots and worst examples,
and scores kept on both adapter versions."""

import json
from pathlib import Path

import pytest

from helpers import run_cli
from minions.workspace import write_jsonl, write_manifest

TASKS = ("implement-method", "text-to-sql", "design-restful-api")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    ds, ws = root / "ds", root / "ws"
    outputs = {
        "implement-method": lambda i: f"int f{i}() {{\n    return {i};\n}}",
        "text-to-sql": lambda i: f"SELECT id FROM t{i} WHERE id = #{{id}}",
        "design-restful-api": lambda i: f"| verb | path |\n|---|---|\n| GET | /api/items{i}/{{id}} |",
    }
    langs = {"implement-method": "java", "text-to-sql": "sql", "design-restful-api": None}
    rows = [
        {"id": f"{t}-{i}", "task": t, "lang": langs[t], "instruction": f"Do {t} {i}", "input": "", "output": out(i)}
        for t, out in outputs.items()
        for i in range(6)
    ]
    write_jsonl(ds / "train.jsonl", rows)
    write_jsonl(ds / "eval.jsonl", rows[::2])
    write_manifest(ds, "dataset", {}, {})
    for name, steps in (("one", "2"), ("two", "4")):
        p = run_cli("train", str(ds), "--name", name, "--base-model", "tiny", "--steps", steps, "--workspace", str(ws))
        assert p.returncode == 0, p.stderr[-2000:]
    return ds, ws


def test_two_adapters_side_by_side_with_deltas_report_and_registry(trained, tmp_path):
    ds, ws = trained
    out = tmp_path / "eval"
    p = run_cli("eval", str(ds), "--adapters", "one,two", "--samples", "6", "--max-new-tokens", "12",
                "--out", str(out), "--workspace", str(ws))  # fmt: skip
    assert p.returncode == 0, p.stderr[-3000:]
    assert Path(p.stdout.strip().splitlines()[-1]) == (out / "report.html").resolve()
    assert "records all, generated samples 6, max new tokens 12, seed 0" in p.stderr, "settings printed at start"
    r = json.loads((out / "results.json").read_text())
    assert r["adapter"] == "one" and [a["name"] for a in r["adapters"]] == ["one", "two"]
    assert set(r["models"]) == set(r["generated"]) == {"base", "one", "two"}
    assert r["eval_records"] == 9 and r["generated_records"] == 6
    assert sorted(s["task"] for s in r["samples"]) == sorted(TASKS * 2), "the sample covers every task"
    for s in r["samples"]:
        assert set(s["outputs"]) == {"base", "one", "two"}
        for scores in s["scores"].values():
            assert {"exact_match", "edit_similarity", "bleu"} <= set(scores)
    by_task = r["by_task"]
    assert set(by_task) == set(TASKS)
    assert "rest_compliance" in by_task["design-restful-api"]["models"]["two"]
    assert {"parses", "sql_compliance"} <= set(by_task["text-to-sql"]["models"]["base"])
    assert {"parses", "codebleu"} <= set(by_task["implement-method"]["models"]["one"])
    for name in ("one", "two"):
        d = r["deltas"][name]["eval_loss"]
        assert d["low"] <= d["delta"] <= d["high"] and d["n"] == 9
        losses = [x["loss"][name] - x["loss"]["base"] for x in r["records"]]
        assert d["delta"] == pytest.approx(sum(losses) / len(losses), abs=1e-3), "the delta is the paired mean"
        assert r["models"][name]["eval_loss"] < r["models"]["base"]["eval_loss"], "trained on these records"
    memo = r["memorisation"]
    assert memo["window_tokens"] == 50 and memo["train_records"] == 18 and set(memo["share"]) == {"base", "one", "two"}
    for name in ("one", "two"):
        assert memo["adapter_minus_base"][name] == pytest.approx(memo["share"][name] - memo["share"]["base"], abs=1e-4)
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2, "metrics by model and the training curves"
    assert 'id="memorisation"' in html
    assert 'id="by-task"' in html and "Worst examples" in html
    shown = json.loads(run_cli("adapters", "show", "two", "--json", "--workspace", str(ws)).stdout)["eval_scores"]
    assert shown["eval_loss"] == r["models"]["two"]["eval_loss"] and "edit_similarity" in shown
    first = json.loads(run_cli("adapters", "show", "one", "--json", "--workspace", str(ws)).stdout)["eval_scores"]
    assert first["evaluation"] == out.name


def test_max_records_spreads_over_tasks_and_tasks_filters(trained, tmp_path):
    ds, ws = trained
    p = run_cli("eval", str(ds), "--adapter", "one", "--max-records", "3", "--samples", "0",
                "--out", str(tmp_path / "a"), "--workspace", str(ws))  # fmt: skip
    assert p.returncode == 0, p.stderr[-2000:]
    r = json.loads((tmp_path / "a" / "results.json").read_text())
    assert set(r["by_task"]) == set(TASKS) and r["generated_records"] == 0 and r["samples"] == []
    p = run_cli("eval", str(ds), "--adapter", "one", "--tasks", "text-to-sql", "--samples", "1",
                "--max-new-tokens", "4", "--out", str(tmp_path / "b"), "--workspace", str(ws))  # fmt: skip
    assert p.returncode == 0, p.stderr[-2000:]
    assert set(json.loads((tmp_path / "b" / "results.json").read_text())["by_task"]) == {"text-to-sql"}
    bad = run_cli("eval", str(ds), "--adapter", "one", "--tasks", "nope", "--workspace", str(ws))
    assert bad.returncode == 2 and "no eval records of task(s) nope; this dataset has:" in bad.stderr
    none = run_cli("eval", str(ds), "--workspace", str(ws))
    assert none.returncode == 2 and "name an adapter" in none.stderr
