"""The serving benchmark (bench/serve_bench.py) end to end at toy size on the `tiny` model.

Checks the adapters it makes, the report's keys and that its numbers agree with each other, not the
goals: the benchmark's numbers come from `make bench`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import serve_bench  # noqa: E402


def test_adapters_are_random_registered_on_the_base_and_reused(tmp_path: Path):
    from safetensors.torch import load_file

    from minions.adapters.registry import resolve_adapter
    from minions.models.base import base_hash, resolve_base_model
    from minions.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    folder = resolve_base_model("tiny", ws)
    names = serve_bench.make_adapters(ws, "tiny", folder, 2)
    assert names == ["sb01", "sb02"]
    rows = [resolve_adapter(ws, n) for n in names]
    assert all(r["meta"]["base_hash"] == base_hash(folder, ws) and r["meta"]["lora"]["r"] == 16 for r in rows)
    weights = [load_file(Path(r["path"]) / "adapter_model.safetensors") for r in rows]
    b = [w for k, w in weights[0].items() if "lora_B" in k]
    assert b and all(t.abs().sum() > 0 for t in b)  # B not zero: the adapter changes the model's output
    assert not all((weights[0][k] == weights[1][k]).all() for k in weights[0])  # each adapter its own weights
    # asked again for more: the two are kept (same versions), one more is made
    assert serve_bench.make_adapters(ws, "tiny", folder, 3) == ["sb01", "sb02", "sb03"]
    assert [resolve_adapter(ws, n)["version"] for n in names] == [r["version"] for r in rows]


def run(server: str, adapters: int, clients: int, tps: float) -> serve_bench.Run:
    return serve_bench.Run(server, adapters, clients, 64, 2048, 2048 / tps, tps, 64)


@pytest.mark.parametrize(("batched", "mixed", "goal"), [(40.0, 38.0, (True, True)), (12.0, 10.0, (False, False))])
def test_goals_are_judged_at_the_issues_settings(batched: float, mixed: float, goal: tuple[bool, bool]):
    runs = [run(s, a, 1, 10.0) for s in ("minions", "naive") for a in (1, 4, 16)]
    runs += [run("minions", 1, 8, batched), run("minions", 4, 8, batched), run("minions", 16, 8, mixed)]
    runs += [run("naive", a, 8, 10.0) for a in (1, 4, 16)]
    res = serve_bench.summarize(runs, [1, 4, 16], [1, 8], 64)
    assert res["concurrency"]["minions/1"] == pytest.approx(batched / 10.0)
    assert res["mix"]["minions"] == pytest.approx(mixed / batched)
    assert res["vs_naive"]["16/8"] == pytest.approx(mixed / 10.0)
    assert (res["goal"]["concurrency"], res["goal"]["mix"]) == goal
    assert "goal" not in serve_bench.summarize(runs, [1, 4, 16], [1, 8], 16)  # fewer requests than the issue's


@pytest.mark.slow
def test_toy_run_reports_consistent_numbers(tmp_path: Path, capsys):
    out = tmp_path / "out.json"
    argv = ["--base-model", "tiny", "--requests", "4", "--max-tokens", "4", "--adapters", "1,2", "--clients", "1,2"]
    res = serve_bench.main([*argv, "--out", str(tmp_path / "work"), "--json", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(res))
    runs = res["runs"]
    assert [(r["server"], r["adapters"], r["clients"]) for r in runs] == [
        (s, a, c) for a in (1, 2) for s in ("minions", "naive") for c in (1, 2)
    ]
    for r in runs:
        assert r["requests"] == 4 and 0 < r["completion_tokens"] <= 16 and r["seconds"] > 0
        assert r["tokens_per_s"] == pytest.approx(r["completion_tokens"] / r["seconds"])
    tps = {(r["server"], r["adapters"], r["clients"]): r["tokens_per_s"] for r in runs}
    assert res["vs_naive"]["2/2"] == pytest.approx(tps["minions", 2, 2] / tps["naive", 2, 2])
    assert res["concurrency"]["naive/1"] == pytest.approx(tps["naive", 1, 2] / tps["naive", 1, 1])
    assert res["mix"]["minions"] == pytest.approx(tps["minions", 2, 2] / tps["minions", 1, 2])
    assert "goal" not in res
    printed = capsys.readouterr().out
    assert printed.startswith("### Serving benchmark") and res["command"] in printed
