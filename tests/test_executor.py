"""Executors: the same results, in input order, whatever runs the chunks."""

import json
import os
import shutil
import time

import pytest

from minions.config import PipelineConfig, SourceConfig
from minions.errors import UserError
from minions.executor import LocalExecutor, RayExecutor, chunked, make_executor
from minions.pipeline.build import build_dataset


def square_and_pid(chunk):
    time.sleep(0.02)  # long enough that the forked helper gets chunks too
    return [(x * x, os.getpid()) for x in chunk]


def test_chunked_keeps_order_and_leaves_no_chunk_empty():
    assert chunked(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert chunked([1], 8) == [[1]] and chunked([], 4) == []


def test_local_executor_returns_results_in_input_order_from_several_processes():
    chunks = chunked(list(range(400)), 40)
    seen = []
    out = LocalExecutor(2).map(square_and_pid, chunks, progress=seen.append)
    assert [v for part in out for v, _ in part] == [x * x for x in range(400)]
    assert sorted(seen) == list(range(len(chunks)))
    assert len({pid for part in out for _, pid in part}) == 2, "both processes worked"
    assert LocalExecutor(1).map(square_and_pid, chunks) == [[(v, os.getpid()) for v, _ in p] for p in out]


def test_local_executor_lets_an_error_through():
    def boom(chunk):
        raise ValueError(f"bad chunk {chunk}")

    with pytest.raises(ValueError, match="bad chunk"):
        LocalExecutor(2).map(boom, [[1], [2], [3]])


def test_executor_names_are_checked():
    with pytest.raises(UserError, match="unknown executor 'spark'"):
        make_executor("spark")
    with pytest.raises(UserError, match="--ray-address needs --executor ray"):
        make_executor("local", address="auto")
    assert isinstance(make_executor("ray", 2), RayExecutor)


def pricing(i: int) -> str:
    return f"""package com.shop.p{i % 3};

public class Pricing{i} {{
    public long total(long[] items) {{
        long sum = {i};
        for (long item : items) {{
            if (item > {i}) {{
                sum += item * {i + 2};
            }}
        }}
        return sum;
    }}

    public String label(String name) {{
        String trimmed = name.trim();
        return trimmed.isEmpty() ? "item-{i}" : trimmed.toUpperCase();
    }}
}}
"""


@pytest.mark.slow
def test_ray_executor_builds_the_same_bytes_as_the_local_one(git_repo, tmp_path):
    ray = pytest.importorskip("ray")
    files = {f"src/main/java/com/shop/p{i % 3}/Pricing{i}.java": pricing(i) for i in range(24)}
    repo = git_repo(files, name="shop")
    outs = {}
    try:
        for kind in ("local", "ray"):
            cfg = PipelineConfig(
                sources=[SourceConfig(path=repo)],
                tasks={"names": ["implement-method"]},
                executor={"kind": kind, "processes": 2},
            )
            out = tmp_path / kind
            out.mkdir()
            logs = []
            manifest = build_dataset(cfg, out, logs.append)
            outs[kind] = out
            assert "executor" not in manifest["config"], "where it ran is not part of the data"
        assert any(line.startswith("executor: Ray (a local Ray, 2 CPUs)") for line in logs)
        assert not ray.is_initialized(), "the local Ray the build started stops with it"
    finally:
        ray.shutdown()
    data = sorted(p.name for p in outs["local"].iterdir())
    local, remote = (json.loads((outs[k] / "manifest.json").read_text()) for k in ("local", "ray"))
    assert local["id"] == remote["id"], "same data, same dataset id, whatever executor"
    data.remove("manifest.json")
    assert "train.jsonl" in data and "stats.parquet" in data
    for name in data:
        assert (outs["local"] / name).read_bytes() == (outs["ray"] / name).read_bytes(), name
    shutil.rmtree(tmp_path)


@pytest.mark.slow
def test_ray_workers_use_the_detectors_and_filters_registered_here(tmp_path):
    ray = pytest.importorskip("ray")
    from minions.records import SourceFile
    from minions.scrub import DETECTORS, register_detector, scrub_files

    rule = "ticket-token-test"
    register_detector(rule, "secret", r"TKT-[0-9]{8}", "<TICKET_TOKEN>")
    try:
        text = 'class A {\n    String t = "TKT-' + "".join(str(d) for d in range(1, 9)) + '";\n}\n'
        files = [SourceFile(id=f"f{i}", repo="r", commit="c", path=f"A{i}.java", lang="java", text=text,
                            text_hash="h") for i in range(4)]  # fmt: skip
        ex = RayExecutor(num_cpus=2)
        try:
            kept, _, report = scrub_files(files, {}, [], executor=ex)
        finally:
            ex.close()
        assert report.findings[rule] == 4 and all("<TICKET_TOKEN>" in f.text for f in kept)
    finally:
        DETECTORS.pop(rule, None)
        ray.shutdown()
