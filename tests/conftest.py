"""Shared fixtures: CPU-only, offline, one thread, a fixed scrub key; the tiny model prepared once per session."""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
# a fixed pseudonym key, so commands run by tests never make a key file in a default workspace
os.environ["MINIONS_SCRUB_KEY"] = "minions-test-key"
# builds register their dataset version in the workspace catalog: never in a default workspace in the
# checkout (a test that needs its own workspace passes --workspace)
os.environ["MINIONS_WORKSPACE"] = __import__("tempfile").mkdtemp(prefix="minions-test-ws-")

import random  # noqa: E402
import string  # noqa: E402
import subprocess  # noqa: E402
import zlib  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from helpers import ALNUM, UPPER_DIGITS, rand  # noqa: E402


def pytest_collection_modifyitems(config, items):
    try:
        import torch

        has_gpu = torch.cuda.is_available()
    except ImportError:
        has_gpu = False
    for item in items:
        if "gpu" in item.keywords and not has_gpu:
            item.add_marker(pytest.mark.skip(reason="needs a CUDA device"))


FAKE_SEED = pytest.StashKey[int]()


def run_seed(config) -> tuple[int, str]:
    """The run's seed and how to give it again: pytest-randomly's (printed at the top of the run),
    else $MINIONS_TEST_SEED, else 0."""
    base = config.getoption("randomly_seed", None) if config.pluginmanager.has_plugin("randomly") else None
    if isinstance(base, int):
        return base, f"pytest -p randomly --randomly-seed={base}"
    base = int(os.environ.get("MINIONS_TEST_SEED", "0"))
    return base, f"MINIONS_TEST_SEED={base} pytest -p no:randomly"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that used fake credentials says how to make the same ones again."""
    report = yield
    if report.failed and FAKE_SEED in item.stash:
        again = run_seed(item.config)[1]
        report.sections.append(("fake credentials", f"seed {item.stash[FAKE_SEED]}; rerun: {again} '{item.nodeid}'"))
    return report


@pytest.fixture
def rng(request) -> random.Random:
    """A random generator seeded per test: the run's seed mixed with the test's id, so a test is
    reproducible alone; a failure prints the seed (see pytest_runtest_makereport)."""
    seed = zlib.crc32(f"{run_seed(request.config)[0]}:{request.node.nodeid}".encode())
    request.node.stash[FAKE_SEED] = seed
    return random.Random(seed)


@pytest.fixture
def fake(rng):
    """Fake credentials built at test time from a known prefix plus random characters (seeded)."""

    class Fake:
        def aws_key_id(self) -> str:
            return "AK" + "IA" + rand(rng, UPPER_DIGITS, 16)

        def aws_secret(self) -> str:
            return rand(rng, ALNUM + "/+", 40)

        def github(self) -> str:
            return "gh" + "p_" + rand(rng, ALNUM, 36)

        def slack(self) -> str:
            digits = string.digits
            return "xo" + "xb-" + rand(rng, digits, 12) + "-" + rand(rng, digits, 13) + "-" + rand(rng, ALNUM, 24)

        def private_key(self) -> str:
            body = "\n".join(rand(rng, ALNUM + "+/", 64) for _ in range(4))
            kind = "RSA " + "PRIVATE KEY"
            return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----"

        def jwt(self) -> str:
            return (
                "ey"
                + "J"
                + rand(rng, ALNUM, 20)
                + ".ey"
                + "J"
                + rand(rng, ALNUM, 30)
                + "."
                + rand(rng, ALNUM + "_-", 43)
            )

        def password(self) -> str:
            # generated passwords mix letters and digits (the config-secret rule relies on a digit)
            return rand(rng, ALNUM, 12) + rand(rng, string.digits, 2)

    return Fake()


@pytest.fixture(scope="session")
def session_ws(tmp_path_factory):
    """A workspace shared by the tests that need the tiny model (prepared once)."""
    from minions.models.base import resolve_base_model
    from minions.workspace import Workspace

    ws = Workspace(tmp_path_factory.mktemp("ws"))
    resolve_base_model("tiny", ws)
    return ws


@pytest.fixture(scope="session")
def smollm2_ws(tmp_path_factory):
    """A workspace with the built-in SmolLM2 converted from its GGUF (about 30 s, once per session; slow
    tests only)."""
    from minions.models.base import resolve_base_model
    from minions.workspace import Workspace

    ws = Workspace(tmp_path_factory.mktemp("smollm2-ws"))
    resolve_base_model("smollm2-135m", ws)
    return ws


@pytest.fixture
def git_repo(tmp_path):
    """Make a real git repository with the given files, committed; returns its folder."""

    def make(files: dict[str, str | bytes], name: str = "repo") -> Path:
        root = tmp_path / name
        root.mkdir()
        for rel, content in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(content if isinstance(content, bytes) else content.encode())
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        }
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
            subprocess.run(["git", "-C", str(root), *cmd], check=True, env=env, capture_output=True)
        return root

    return make


@pytest.fixture(scope="session")
def tiny_adapter(session_ws, tmp_path_factory):
    """A real LoRA adapter folder, trained a few steps on the tiny model (copy it before changing it)."""
    from minions.config import TrainConfig
    from minions.models.base import resolve_base_model
    from minions.training.train import train_lora
    from minions.workspace import write_jsonl, write_manifest

    ds = tmp_path_factory.mktemp("adapter-ds")
    write_jsonl(ds / "train.jsonl", [{"instruction": f"Say {i}", "input": "", "output": f"v{i}"} for i in range(4)])
    write_manifest(ds, "dataset", {}, {})
    out = tmp_path_factory.mktemp("tiny-adapter")
    cfg = TrainConfig(base_model="tiny", steps=3, learning_rate=1e-2, lora_dropout=0.0)
    train_lora(ds, resolve_base_model("tiny", session_ws), cfg, out, "tiny-adapter")
    return out
