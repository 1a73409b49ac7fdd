"""The real `minions serve` on 127.0.0.1, driven by the official openai client."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import openai
import pytest

from helpers import ROOT
from minions.adapters import register_adapter
from minions.config import TrainConfig
from minions.training.models import resolve_base_model
from minions.training.train import train_lora
from minions.workspace import write_jsonl, write_manifest


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=2) as r:
        return json.loads(r.read())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(session_ws, tmp_path_factory):
    ds = tmp_path_factory.mktemp("ds")
    write_jsonl(ds / "train.jsonl", [{"instruction": "Say hi", "input": "", "output": "hi there"}] * 4)
    write_manifest(ds, "dataset", {}, {})
    adapter = tmp_path_factory.mktemp("adapter")
    # enough steps for the tiny model to learn its one answer, so generated text is predictable
    cfg = TrainConfig(base_model="tiny", steps=40, learning_rate=1e-2, lora_dropout=0.0)
    train_lora(ds, resolve_base_model("tiny", session_ws), cfg, adapter, "greeter")
    register_adapter(session_ws, "greeter", adapter, "tiny", None)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "minions",
            "serve",
            "--adapter",
            "greeter",
            "--port",
            str(port),
            "--workspace",
            str(session_ws.root),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if proc.poll() is not None:
                raise AssertionError(f"server exited: {proc.stderr.read()}")
            try:
                if get_json(base_url + "/health"):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("server did not start in 60 s")
        yield Server(base_url, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def client(base_url):
    return openai.OpenAI(base_url=base_url + "/v1", api_key="not-needed-locally")


def test_health_and_models(server):
    assert get_json(server.url + "/health") == {"status": "ok", "models": ["tiny", "greeter"]}
    ids = [m.id for m in client(server.url).models.list().data]
    assert ids == ["tiny", "greeter"]


@pytest.mark.parametrize("model", ["tiny", "greeter"])
def test_chat_completion_with_base_and_adapter(server, model):
    resp = client(server.url).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Say hi"}], max_tokens=5, temperature=0
    )
    assert resp.model == model and resp.object == "chat.completion"
    choice = resp.choices[0]
    assert choice.message.role == "assistant" and isinstance(choice.message.content, str)
    assert choice.finish_reason in {"stop", "length"}
    assert 0 < resp.usage.completion_tokens <= 5 and resp.usage.prompt_tokens > 5


def test_adapter_gets_its_training_system_prompt_unless_one_is_sent(server):
    def prompt_tokens(model, messages):
        resp = client(server.url).chat.completions.create(model=model, messages=messages, max_tokens=1)
        return resp.usage.prompt_tokens

    user = [{"role": "user", "content": "Say hi"}]
    assert prompt_tokens("greeter", user) > prompt_tokens("tiny", user) + 5
    own = [{"role": "system", "content": "Be brief."}, *user]
    assert prompt_tokens("greeter", own) == prompt_tokens("tiny", own)


def test_sampling_stop_and_content_parts(server):
    c = client(server.url)
    resp = c.chat.completions.create(
        model="greeter", messages=[{"role": "user", "content": "Say hi"}], temperature=0.7, max_completion_tokens=4
    )
    assert 0 < resp.usage.completion_tokens <= 4
    parts = [{"type": "text", "text": "Say "}, {"type": "text", "text": "hi"}]
    plain = c.chat.completions.create(model="tiny", messages=[{"role": "user", "content": "Say hi"}], max_tokens=8)
    split = c.chat.completions.create(model="tiny", messages=[{"role": "user", "content": parts}], max_tokens=8)
    assert split.choices[0].message.content == plain.choices[0].message.content
    learned = c.chat.completions.create(model="greeter", messages=[{"role": "user", "content": "Say hi"}])
    assert learned.choices[0].message.content == "hi there" and learned.choices[0].finish_reason == "stop"
    cut = c.chat.completions.create(model="greeter", messages=[{"role": "user", "content": "Say hi"}], stop=[" the"])
    assert cut.choices[0].message.content == "hi" and cut.choices[0].finish_reason == "stop"


def test_unknown_model_and_streaming_are_refused(server):
    with pytest.raises(openai.NotFoundError):
        client(server.url).chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError):
        client(server.url).chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": "x"}], stream=True
        )
    with pytest.raises(openai.BadRequestError, match="messages.0.role"):
        client(server.url).chat.completions.create(model="tiny", messages=[{"role": "robot", "content": "x"}])
    with pytest.raises(openai.BadRequestError, match="only n=1"):
        client(server.url).chat.completions.create(model="tiny", messages=[{"role": "user", "content": "x"}], n=2)


def test_binds_loopback_only(server):
    import psutil

    listening = [c.laddr for c in psutil.Process(server.pid).net_connections() if c.status == psutil.CONN_LISTEN]
    assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening
