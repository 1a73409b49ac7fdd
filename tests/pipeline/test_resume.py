"""A build killed mid-stage (SIGKILL) and restarted with --resume finishes with the same bytes."""

import json
import os
import signal
import subprocess

import pytest

from helpers import EXAMPLE, MINIONS, ROOT, run_cli

pytestmark = pytest.mark.slow


def data_files(folder):
    out = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "manifest.json"}
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.pop("created")
    return out, manifest


def test_a_killed_build_resumes_to_byte_identical_data(tmp_path):
    ws, config = tmp_path / "ws", str(ROOT / "configs" / "quickstart.yaml")
    common = ["--config", config, "--workspace", str(ws)]
    ref = tmp_path / "ref"
    done = run_cli("build", str(EXAMPLE), "--out", str(ref), *common)
    assert done.returncode == 0, done.stderr

    out = tmp_path / "ds"
    proc = subprocess.Popen(
        [*MINIONS, "build", str(EXAMPLE), "--out", str(out), *common],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ},
    )
    for line in proc.stderr:
        if "scrubbed:" in line:  # scrub is done, parsing starts: kill it there
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    partial = out.with_name("ds.partial")
    assert partial.is_dir() and not (out / "manifest.json").exists(), "a killed build releases nothing"

    again = run_cli("build", str(EXAMPLE), "--out", str(out), "--resume", *common)
    assert again.returncode == 0, again.stderr
    assert not partial.exists()
    got, want = data_files(out), data_files(ref)
    assert sorted(got[0]) == sorted(want[0]) and "train.jsonl" in got[0]
    for name, data in want[0].items():
        assert got[0][name] == data, f"{name} differs after the resumed build"
    assert got[1] == want[1], "the manifest (but its time) is the same"
    lines = got[0]["train.jsonl"].splitlines()
    assert len(lines) == len(set(lines)), "nothing duplicated"
