"""`--engine vllm` on CPU: the `vllm serve` command line, the refusal without a GPU, and the wait for
/health against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from minions.errors import UserError
from minions.serving.vllm import check_vllm_available, vllm_command, vllm_rank, wait_ready


def adapter(tmp_path: Path, name: str, r: int | None, **config) -> Path:
    """A peft adapter folder with an adapter_config.json of rank r."""
    folder = tmp_path / name
    folder.mkdir()
    config = {"peft_type": "LORA", "r": r, "lora_alpha": 2 * (r or 1), **config}
    (folder / "adapter_config.json").write_text(json.dumps(config))
    return folder


BASE_FLAGS = ["--served-model-name", "smollm2-135m", "--host", "127.0.0.1", "--port", "8001"]


def test_no_adapters_no_lora_flags(tmp_path):
    cmd = vllm_command(tmp_path / "base", {}, "127.0.0.1", 8001, served_name="smollm2-135m", max_loras=4)
    assert cmd == ["vllm", "serve", str(tmp_path / "base"), *BASE_FLAGS]


def test_one_adapter(tmp_path):
    billing = adapter(tmp_path, "billing", 8)
    cmd = vllm_command(tmp_path / "base", {"billing": billing}, "127.0.0.1", 8001, served_name="smollm2-135m",
                       max_loras=1)  # fmt: skip
    module = json.dumps({"name": "billing", "path": str(billing), "base_model_name": "smollm2-135m"})
    assert cmd == [
        "vllm", "serve", str(tmp_path / "base"), *BASE_FLAGS,
        "--enable-lora", "--lora-modules", module, "--max-lora-rank", "8", "--max-loras", "1",
    ]  # fmt: skip


def test_three_adapters_one_lora_modules_flag_largest_rank_rounded_up(tmp_path):
    # a path holding '=' and ',' is why the JSON form is used: vLLM's name=path form splits on them
    folders = {"billing": adapter(tmp_path, "billing", 8), "tax@2": adapter(tmp_path, "tax=v2,b", 16),
               "ops": adapter(tmp_path, "ops", 40)}  # fmt: skip
    extra = ["--gpu-memory-utilization", "0.8"]
    cmd = vllm_command(tmp_path / "base", folders, "0.0.0.0", 9000, served_name="base-x", max_loras=2, extra=extra)
    assert cmd.count("--lora-modules") == 1  # vLLM keeps only the last occurrence of the flag
    start = cmd.index("--lora-modules") + 1
    modules = [json.loads(v) for v in cmd[start : start + 3]]
    assert modules == [{"name": n, "path": str(p), "base_model_name": "base-x"} for n, p in folders.items()]
    assert cmd[start + 3 :] == ["--max-lora-rank", "64", "--max-loras", "2", *extra]
    assert cmd[:9] == ["vllm", "serve", str(tmp_path / "base"), "--served-model-name", "base-x", "--host", "0.0.0.0",
                       "--port", "9000"]  # fmt: skip
    assert "--enable-lora" in cmd


def test_rank_pattern_counts_towards_the_rank(tmp_path):
    folder = adapter(tmp_path, "a", 8, rank_pattern={"model.layers.0.self_attn.q_proj": 100})
    cmd = vllm_command(tmp_path / "base", {"a": folder}, "127.0.0.1", 8001, served_name="b", max_loras=1)
    assert cmd[cmd.index("--max-lora-rank") + 1] == "128"


@pytest.mark.parametrize(
    ("rank", "flag"), [(1, 1), (2, 8), (8, 8), (9, 16), (16, 16), (33, 64), (129, 256), (300, 320), (321, 512),
                       (512, 512)]
)  # fmt: skip
def test_rank_rounds_up_to_a_value_vllm_accepts(rank, flag):
    assert vllm_rank(rank) == flag


def test_rank_above_vllms_largest_is_refused(tmp_path):
    with pytest.raises(UserError, match=r"LoRA rank 513 is above the largest vLLM serves \(512\)"):
        vllm_rank(513)
    folders = {"small": adapter(tmp_path, "small", 8), "huge": adapter(tmp_path, "huge", 1024)}
    with pytest.raises(UserError, match="rank 1024 .*retrain with r <= 512"):
        vllm_command(tmp_path / "base", folders, "127.0.0.1", 8001, served_name="b", max_loras=1)


def test_bad_adapter_folders_and_arguments_are_refused(tmp_path):
    def command(folder, served_name="b", max_loras=1):
        return vllm_command(tmp_path / "base", {"a": folder}, "127.0.0.1", 1, served_name=served_name,
                            max_loras=max_loras)  # fmt: skip

    with pytest.raises(UserError, match="cannot read .*adapter_config.json"):
        command(tmp_path)
    with pytest.raises(UserError, match="no whole-number LoRA rank"):
        command(adapter(tmp_path, "no-r", None))
    with pytest.raises(UserError, match="no whole-number LoRA rank"):
        command(adapter(tmp_path, "bad-pattern", 8, rank_pattern={"q": "big"}))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "adapter_config.json").write_text("{")
    with pytest.raises(UserError, match="not valid JSON"):
        command(broken)
    good = adapter(tmp_path, "good", 8)
    with pytest.raises(UserError, match="at least 1"):
        command(good, max_loras=0)
    with pytest.raises(UserError, match="also the base model's served name"):
        command(good, served_name="a")


@pytest.fixture
def no_gpu():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device")


def test_refused_without_vllm(no_gpu):
    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vllm is installed (the no-CUDA case below covers it)")
    with pytest.raises(UserError, match=r"^--engine vllm needs a GPU and pip install vllm; use --engine transformers"):
        check_vllm_available()


def test_refused_with_vllm_installed_but_no_cuda_device(no_gpu, tmp_path, monkeypatch):
    (tmp_path / "vllm").mkdir()
    (tmp_path / "vllm" / "__init__.py").write_text("")  # an importable package named vllm
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(UserError, match=r"needs a GPU and pip install vllm.*\(no CUDA device\)"):
        check_vllm_available()


class Health:
    """A real HTTP server on 127.0.0.1 whose /health answers 503 `fails` times, then 200."""

    def __init__(self, fails: int):
        self.fails, self.hits = fails, 0
        health = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status = 404
                if self.path == "/health":
                    health.hits += 1
                    status = 503 if health.hits <= health.fails else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def health(request):
    servers = []

    def make(fails: int) -> Health:
        servers.append(Health(fails))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def python(code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], **kwargs)


def test_wait_ready_polls_until_200(health):
    server = health(fails=2)
    proc = python("import time; time.sleep(60)")
    try:
        wait_ready(server.url + "/", 30, proc, poll_s=0.05)
        assert server.hits == 3
        assert proc.poll() is None  # a ready server is left running
    finally:
        proc.kill()
        proc.wait()


def test_wait_ready_times_out(health):
    server = health(fails=10**6)
    proc = python("import time; time.sleep(60)")
    try:
        with pytest.raises(UserError, match=r"did not answer 200 on http://127\.0\.0\.1:\d+/health within 0\.5 s"):
            wait_ready(server.url, 0.5, proc, poll_s=0.05)
        assert server.hits >= 2
    finally:
        proc.kill()
        proc.wait()


EXITS = "import sys, time; time.sleep(0.3); [print(f'line {i}', file=sys.stderr) for i in range(9)]; sys.exit(3)"


def test_wait_ready_fails_when_the_process_exits_first_with_its_last_stderr_lines(health):
    server = health(fails=10**6)
    proc = python(EXITS, stderr=subprocess.PIPE)
    with pytest.raises(UserError) as err:
        wait_ready(server.url, 30, proc, poll_s=0.05)
    message = str(err.value)
    assert "exited with code 3" in message and "\n" not in message
    assert message.endswith("line 4 | line 5 | line 6 | line 7 | line 8")
    assert server.hits >= 1


def test_wait_ready_reads_the_last_lines_from_the_log_file(tmp_path):
    log = tmp_path / "vllm.log"
    with log.open("w") as out:
        proc = python(EXITS.replace("0.3", "0"), stderr=out)
    proc.wait()
    with pytest.raises(UserError, match=r"code 3 .*line 8$"):
        wait_ready("http://127.0.0.1:9", 30, proc, log=log)  # nothing listens there
