"""`--engine vllm`'s front: the proxy from `create_proxy` on 127.0.0.1 in front of a fake vLLM (a real
HTTP server that answers with the `model` it received), driven by the openai client and raw httpx."""

from __future__ import annotations

import hashlib
import json
import secrets
import socket
from dataclasses import dataclass, field

import httpx
import openai
import pytest
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from openai.types.chat import ChatCompletionChunk

from helpers import run_cli
from minions.serving.auth import load_keys
from minions.serving.proxy import create_proxy
from serve_helpers import InThread

BASE = "tiny-base"
ADAPTERS = {"billing@1": ("billing", 1), "billing@2": ("billing", 2), "tax@1": ("tax", 1)}
PIECES = ["def ", "add(a, b):\n", "    return", " a + b\n"]  # indentation and newlines must arrive intact


@dataclass
class Upstream:
    """What the fake vLLM received: one (path, body, headers) per POST."""

    calls: list[tuple[str, dict, dict]] = field(default_factory=list)


def fake_vllm(seen: Upstream) -> FastAPI:
    """vLLM's OpenAI routes as far as the proxy needs them: the answer names the model it was asked for."""
    app = FastAPI()

    @app.get("/health")
    def health():
        return {}

    @app.get("/v1/models")
    def models():
        ids = [BASE, *ADAPTERS]
        return {"object": "list", "data": [{"id": i, "object": "model", "created": 0, "owned_by": "vllm"} for i in ids]}

    @app.post("/v1/{kind:path}")
    async def generate(kind: str, request: Request):
        body = await request.json()
        seen.calls.append((kind, body, dict(request.headers)))
        chat = kind == "chat/completions"
        head = {"id": "cmpl-1", "created": 0, "model": body["model"]}

        def choice(text: str, end: str | None) -> dict:
            if chat and body.get("stream"):
                return {"index": 0, "delta": {"content": text}, "finish_reason": end}
            if chat:
                return {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": end}
            return {"index": 0, "text": text, "finish_reason": end, "logprobs": None}

        if not body.get("stream"):
            kind_name = "chat.completion" if chat else "text_completion"
            return {**head, "object": kind_name, "choices": [choice("".join(PIECES), "stop")]}

        def events():
            kind_name = "chat.completion.chunk" if chat else "text_completion"
            for i, piece in enumerate(PIECES):
                end = "stop" if i == len(PIECES) - 1 else None
                yield f"data: {json.dumps({**head, 'object': kind_name, 'choices': [choice(piece, end)]})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def new_key() -> str:
    return "mk-" + secrets.token_hex(16)


def sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Setup:
    upstream: Upstream
    url: str  # the proxy with keys
    open_url: str  # the proxy without a key file
    keys: dict[str, str]  # team -> key


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    keys = {"payments": new_key(), "ops": new_key()}
    entries = [
        {"team": "payments", "key_sha256": sha(keys["payments"]), "adapters": ["billing"]},
        {"team": "ops", "key_sha256": sha(keys["ops"]), "adapters": ["*"]},
    ]
    path = tmp_path_factory.mktemp("keys") / "api-keys.yaml"
    path.write_text(yaml.safe_dump({"keys": entries}))
    seen = Upstream()
    upstream = InThread(fake_vllm(seen))
    proxy = InThread(create_proxy(upstream.url, BASE, ADAPTERS, load_keys(path, {})))
    open_proxy = InThread(create_proxy(upstream.url, BASE, ADAPTERS, None))
    yield Setup(seen, proxy.url, open_proxy.url, keys)
    for server in (proxy, open_proxy, upstream):
        server.stop()


def client(url: str, key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0)


def chat(c: openai.OpenAI, model: str, **kwargs):
    return c.chat.completions.create(model=model, messages=[{"role": "user", "content": "add"}], **kwargs)


def test_no_key_or_a_wrong_one_is_401_in_the_openai_shape(setup):
    before = len(setup.upstream.calls)
    wrong = new_key()
    for headers in ({}, {"Authorization": f"Bearer {wrong}"}, {"Authorization": setup.keys["ops"]}):
        r = httpx.post(setup.url + "/v1/chat/completions", json={"model": "base", "messages": []}, headers=headers)
        assert r.status_code == 401, headers
        error = r.json()["error"]
        assert error["type"] == "authentication_error" and error["code"] == "invalid_api_key"
        assert "Authorization: Bearer <key>" in error["message"] and wrong not in r.text
        assert httpx.get(setup.url + "/v1/models", headers=headers).status_code == 401
    with pytest.raises(openai.AuthenticationError):
        chat(client(setup.url, new_key()), "base")
    assert len(setup.upstream.calls) == before, "a refused request never reaches vLLM"
    assert httpx.get(setup.url + "/health").status_code == 200, "health needs no key"


def test_a_key_in_an_api_key_or_x_api_key_header_works_as_on_the_transformers_engine(setup):
    for name in ("api-key", "x-api-key"):
        r = httpx.get(setup.url + "/v1/models", headers={name: setup.keys["payments"]})
        assert r.status_code == 200 and len(r.json()["data"]) == 3, name


def test_a_team_sees_and_uses_only_its_adapters(setup):
    payments, ops = client(setup.url, setup.keys["payments"]), client(setup.url, setup.keys["ops"])
    assert [m.id for m in payments.models.list()] == [BASE, "billing@1", "billing@2"]
    assert [m.id for m in ops.models.list()] == [BASE, *ADAPTERS]
    before = len(setup.upstream.calls)
    for model in ("tax", "tax@1"):
        with pytest.raises(openai.PermissionDeniedError) as err:
            chat(payments, model)
        assert err.value.code == "model_not_allowed" and model in err.value.message
    assert len(setup.upstream.calls) == before
    assert chat(ops, "tax").model == "tax@1"


@pytest.mark.parametrize(
    ("asked", "upstream_id"),
    [("base", BASE), (BASE, BASE), ("billing", "billing@2"), ("billing@1", "billing@1"), ("billing@2", "billing@2")],
)
def test_model_names_are_rewritten_to_vllms_ids_and_the_key_stays_behind(setup, asked, upstream_id):
    key = setup.keys["payments"]
    c = client(setup.url, key)
    answer = chat(c, asked, max_tokens=5)
    assert answer.model == upstream_id and answer.choices[0].message.content == "".join(PIECES)
    kind, body, headers = setup.upstream.calls[-1]
    assert (kind, body["model"], body["max_tokens"]) == ("chat/completions", upstream_id, 5)
    assert key not in json.dumps(headers), "the caller's key is not sent on to vLLM"
    text = c.completions.create(model=asked, prompt="def add", max_tokens=3)
    assert text.model == upstream_id and text.choices[0].text == "".join(PIECES)
    assert setup.upstream.calls[-1][:1] == ("completions",) and setup.upstream.calls[-1][1]["prompt"] == "def add"


def test_an_unknown_model_is_404_without_calling_vllm(setup):
    before = len(setup.upstream.calls)
    for model in ("nope", "billing@3", "tax@"):
        with pytest.raises(openai.NotFoundError) as err:
            chat(client(setup.url, setup.keys["ops"]), model)
        assert err.value.code == "model_not_found" and repr(model) in err.value.message
    assert len(setup.upstream.calls) == before


def test_streamed_chunks_arrive_intact_through_the_proxy(setup):
    c = client(setup.url, setup.keys["payments"])
    chunks = list(chat(c, "billing", stream=True))
    assert all(isinstance(ch, ChatCompletionChunk) for ch in chunks) and len(chunks) == len(PIECES)
    assert [ch.choices[0].delta.content for ch in chunks] == PIECES
    assert {ch.model for ch in chunks} == {"billing@2"} and chunks[-1].choices[0].finish_reason == "stop"
    pieces = [ch.choices[0].text for ch in c.completions.create(model="base", prompt="def", stream=True)]
    assert pieces == PIECES and setup.upstream.calls[-1][1] == {"model": BASE, "prompt": "def", "stream": True}


def test_a_body_that_is_not_json_or_names_no_model_is_400(setup):
    headers = {"Authorization": f"Bearer {setup.keys['ops']}", "Content-Type": "application/json"}
    for content in (b"{not json", b"", b"\xff\xfe"):
        r = httpx.post(setup.url + "/v1/chat/completions", content=content, headers=headers)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json", content
    for body, problem in (([], "a JSON object"), ({"prompt": "x"}, "model"), ({"model": 5}, "model")):
        r = httpx.post(setup.url + "/v1/completions", json=body, headers=headers)
        assert r.status_code == 400 and problem in r.json()["error"]["message"], body


def test_without_a_key_file_everything_is_allowed(setup):
    assert [m["id"] for m in httpx.get(setup.open_url + "/v1/models").json()["data"]] == [BASE, *ADAPTERS]
    r = httpx.post(setup.open_url + "/v1/completions", json={"model": "tax", "prompt": "x"})
    assert r.status_code == 200 and r.json()["model"] == "tax@1"
    assert chat(client(setup.open_url), "billing").model == "billing@2"


def test_vllm_not_answering_is_a_502_in_the_openai_shape():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{s.getsockname()[1]}"  # nobody listens once it is closed
    proxy = InThread(create_proxy(gone, BASE, ADAPTERS, None))
    try:
        for method, path in (("GET", "/health"), ("GET", "/v1/models"), ("POST", "/v1/completions")):
            r = httpx.request(method, proxy.url + path, json={"model": "base", "prompt": "x"})
            assert r.status_code == 502 and "vLLM" in r.json()["error"]["message"], path
    finally:
        proxy.stop()


def test_engine_vllm_on_a_machine_without_it_is_a_one_line_error(session_ws):
    p = run_cli("serve", "--engine", "vllm", "--base-model", "tiny", "--port", "0", "--workspace", str(session_ws.root))
    assert p.returncode != 0
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--engine vllm needs a GPU and pip install vllm" in lines[0], p.stderr
    assert "Traceback" not in p.stderr


def test_an_unknown_route_is_404_in_the_openai_shape(setup):
    r = httpx.get(setup.open_url + "/v1/nothing")
    assert r.status_code in (404, 405) and set(r.json()) == {"error"}
    assert "/v1/nothing" in r.json()["error"]["message"]
