"""`minions serve` run as a team would: API keys per team, the admin endpoints, a full queue, the
request timeout, SIGTERM, and a load test of mixed adapters (no 5xx, no leaked slot, memory flat)."""

import json
import os
import secrets
import signal
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest

from helpers import run_cli
from minions.adapters import register_adapter
from minions.config import TrainConfig
from minions.models.base import resolve_base_model
from minions.training.train import train_lora
from minions.workspace import write_jsonl, write_manifest
from serve_helpers import get_json, start_server


def train_adapter(ws, tmp, name: str, answer: str) -> None:
    ds = tmp.mktemp(f"ds-{name}")
    write_jsonl(ds / "train.jsonl", [{"instruction": "Say hi", "input": "", "output": answer}] * 4)
    write_manifest(ds, "dataset", {}, {})
    folder = tmp.mktemp(name)
    cfg = TrainConfig(base_model="tiny", steps=30, learning_rate=1e-2, lora_dropout=0.0)
    train_lora(ds, resolve_base_model("tiny", ws), cfg, folder, name)
    register_adapter(ws, name, folder, "tiny", None)


@pytest.fixture(scope="module")
def two_adapters(session_ws, tmp_path_factory):
    train_adapter(session_ws, tmp_path_factory, "hello", "hello friend")
    train_adapter(session_ws, tmp_path_factory, "bye", "bye now")
    return session_ws


def keys_env() -> dict:
    return {"MK_TEAM": "mk-" + secrets.token_hex(16), "MK_OPS": "mk-" + secrets.token_hex(16)}


@pytest.fixture(scope="module")
def keyed(two_adapters, tmp_path_factory):
    """A server with a key file: team `team` may use `hello` only; `ops` is an admin."""
    folder = tmp_path_factory.mktemp("keyed")
    (folder / "keys.yaml").write_text(
        "keys:\n"
        "  - {team: team, key_env: MK_TEAM, adapters: [hello]}\n"
        "  - {team: ops, key_env: MK_OPS, admin: true, adapters: ['*']}\n"
    )
    keys = keys_env()
    env = {**os.environ, **keys, "MINIONS_WORKSPACE": str(two_adapters.root)}
    args = ["--adapter", "hello", "--adapter", "bye", "--api-keys", str(folder / "keys.yaml")]
    proc, url = start_server(args, folder / "serve.log", env)
    try:
        yield url, keys, folder / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def call(url: str, path: str, key: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data, headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def ask(model: str, **more) -> dict:
    return {"model": model, "messages": [{"role": "user", "content": "Say hi"}], "max_tokens": 4, **more}


def test_keys_decide_who_uses_which_adapter(keyed):
    url, keys, log = keyed
    assert call(url, "/v1/models")[0] == 401
    status, body = call(url, "/v1/chat/completions", "mk-" + "0" * 32, ask("tiny"))
    assert status == 401 and body["error"]["code"] == "invalid_api_key"
    ids = [m["id"] for m in call(url, "/v1/models", keys["MK_TEAM"])[1]["data"]]
    assert ids == ["tiny", "hello@1", "hello"], "bye is not in this team's list"
    assert call(url, "/v1/chat/completions", keys["MK_TEAM"], ask("hello"))[0] == 200
    status, body = call(url, "/v1/chat/completions", keys["MK_TEAM"], ask("bye"))
    assert status == 403 and "may not use 'bye'" in body["error"]["message"]
    assert call(url, "/v1/chat/completions", keys["MK_OPS"], ask("bye"))[0] == 200
    c = openai.OpenAI(base_url=url + "/v1", api_key=keys["MK_TEAM"])
    assert c.chat.completions.create(**ask("base")).model == "tiny"
    text = log.read_text()
    assert "API keys for team, ops" in text and keys["MK_TEAM"] not in text


def test_admin_endpoints_need_an_admin_key_and_load_and_unload(keyed):
    url, keys, _ = keyed
    assert call(url, "/admin/adapters", keys["MK_TEAM"])[0] == 403
    listed = call(url, "/admin/adapters", keys["MK_OPS"])[1]["data"]
    assert {m["id"] for m in listed} == {"hello@1", "bye@1"}
    assert call(url, "/admin/adapters/unload", keys["MK_OPS"], {"adapter": "bye"}) == (
        200,
        {"id": "bye@1", "loaded": False},
    )
    assert call(url, "/v1/chat/completions", keys["MK_OPS"], ask("bye"))[0] == 404
    assert call(url, "/admin/adapters/load", keys["MK_OPS"], {"adapter": "bye@1"})[0] == 200
    assert [m["loaded"] for m in call(url, "/admin/adapters", keys["MK_OPS"])[1]["data"] if m["id"] == "bye@1"] == [
        True
    ]
    assert call(url, "/v1/chat/completions", keys["MK_OPS"], ask("bye"))[0] == 200
    status, body = call(url, "/admin/adapters/load", keys["MK_OPS"], {"adapter": "nothing"})
    assert status == 404 and "no adapter 'nothing'" in body["error"]["message"]
    # the metrics name every adapter that answered: with keys, only an admin reads them
    assert call_text(url, "/metrics") == 401 and call_text(url, "/metrics", keys["MK_TEAM"]) == 403
    assert call_text(url, "/metrics", keys["MK_OPS"]) == 200


def call_text(url: str, path: str, key: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url + path, None, headers), timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_another_address_without_keys_is_refused(session_ws):
    p = run_cli("serve", "--base-model", "tiny", "--host", "0.0.0.0", "--workspace", str(session_ws.root))
    assert p.returncode == 2 and "--api-keys FILE" in p.stderr and "Traceback" not in p.stderr


def long_request(model: str = "tiny", tokens: int = 1500) -> dict:
    return {"model": model, "prompt": "go", "max_tokens": tokens, "ignore_eos": True}


def test_a_full_queue_gets_429_and_sigterm_drains_then_exits(session_ws, tmp_path):
    env = {**os.environ, "MINIONS_WORKSPACE": str(session_ws.root)}
    args = ["--base-model", "tiny", "--max-batch", "1", "--max-waiting", "1"]
    proc, url = start_server(args, tmp_path / "serve.log", env)
    try:
        results = {}

        def run(name, body):
            results[name] = call(url, "/v1/completions", body=body)

        first = threading.Thread(target=run, args=("first", long_request()))
        first.start()
        wait_for(lambda: get_json(url + "/health")["running"] == 1)
        second = threading.Thread(target=run, args=("second", long_request(tokens=20)))
        second.start()
        wait_for(lambda: get_json(url + "/health")["waiting"] == 1)
        status, body = call(url, "/v1/completions", body=long_request(tokens=5))
        assert status == 429 and body["error"]["code"] == "queue_full"
        proc.send_signal(signal.SIGTERM)
        first.join(60)
        second.join(60)
        assert results["first"][0] == 200 and results["first"][1]["usage"]["completion_tokens"] == 1500
        assert results["second"][0] == 200, "a queued request is answered before the server stops"
        assert proc.wait(timeout=60) == 0
        assert "minions serve: stopped" in (tmp_path / "serve.log").read_text()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_request_past_its_timeout_gets_504_and_frees_its_slot(session_ws, tmp_path):
    env = {**os.environ, "MINIONS_WORKSPACE": str(session_ws.root)}
    proc, url = start_server(["--base-model", "tiny", "--request-timeout", "1"], tmp_path / "serve.log", env)
    try:
        t0 = time.monotonic()
        status, body = call(url, "/v1/completions", body=long_request(tokens=2000))
        assert status == 504 and "1 s request timeout" in body["error"]["message"]
        assert time.monotonic() - t0 < 10
        wait_for(lambda: get_json(url + "/health")["running"] == 0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_load_of_mixed_adapters_no_5xx_no_leaked_slot_memory_flat(two_adapters, tmp_path):
    import psutil

    env = {**os.environ, "MINIONS_WORKSPACE": str(two_adapters.root)}
    proc, url = start_server(["--adapter", "hello", "--adapter", "bye"], tmp_path / "serve.log", env)
    try:
        models = ["tiny", "hello", "bye@1", "base"]

        def one(i: int) -> int:
            body = ask(models[i % 4], max_tokens=4 + i % 13, temperature=(i % 3) / 2, stream=bool(i % 5 == 0))
            if body["stream"]:
                req = urllib.request.Request(
                    url + "/v1/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
                )
                with urllib.request.urlopen(req, timeout=120) as r:
                    assert r.read().endswith(b"data: [DONE]\n\n")
                    return r.status
            return call(url, "/v1/chat/completions", body=body)[0]

        with ThreadPoolExecutor(20) as pool:
            assert set(pool.map(one, range(40))) == {200}  # warm-up
            warm = psutil.Process(proc.pid).memory_info().rss
            statuses = list(pool.map(one, range(200)))
        assert statuses.count(200) == 200, {s: statuses.count(s) for s in set(statuses)}
        wait_for(
            lambda: (
                get_json(url + "/health") | {"models": 0} == {"status": "ok", "running": 0, "waiting": 0, "models": 0}
            )
        )
        rss = psutil.Process(proc.pid).memory_info().rss
        assert rss < 1.2 * warm, f"RSS {rss / 2**20:.0f} MiB after the load vs {warm / 2**20:.0f} MiB after warm-up"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
