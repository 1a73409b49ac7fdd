"""The real `minions serve` on 127.0.0.1, driven by the official openai client.

Responses are checked against the `openai` package's own response models, and what they say
(finish reasons, which model answered, sampling) against an adapter that learned its one answer.
"""

import json
import re
import time
import urllib.error
import urllib.request

import openai
import pytest
from openai.types import Model
from openai.types.chat import ChatCompletion

from minions.adapters import register_adapter
from minions.config import TrainConfig
from minions.models.base import resolve_base_model
from minions.training.train import train_lora
from minions.workspace import write_jsonl, write_manifest
from serve_helpers import Server, get_json, post_json, start_server

LEARNED = "    hi there"  # leading indentation: generated code must keep it


@pytest.fixture(scope="module")
def server(session_ws, tmp_path_factory):
    ds = tmp_path_factory.mktemp("ds")
    write_jsonl(ds / "train.jsonl", [{"instruction": "Say hi", "input": "", "output": LEARNED}] * 4)
    write_manifest(ds, "dataset", {}, {})
    adapter = tmp_path_factory.mktemp("adapter")
    # enough steps for the tiny model to learn its one answer, so generated text is predictable
    cfg = TrainConfig(base_model="tiny", steps=40, learning_rate=1e-2, lora_dropout=0.0)
    train_lora(ds, resolve_base_model("tiny", session_ws), cfg, adapter, "greeter")
    register_adapter(session_ws, "greeter", adapter, "tiny", None)
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    proc, base_url = start_server(["--adapter", "greeter", "--workspace", str(session_ws.root)], log)
    try:
        yield Server(base_url, proc.pid, log)
    finally:
        proc.terminate()
        proc.wait(timeout=60)  # a request still open is given up to 30 s to finish


def client(base_url):
    return openai.OpenAI(base_url=base_url + "/v1", api_key="not-needed-locally")


def test_health_and_models(server):
    assert get_json(server.url + "/health") == {"status": "ok", "running": 0, "waiting": 0, "models": 2}
    ids = [m.id for m in client(server.url).models.list().data]
    assert ids == ["tiny", "greeter@1", "greeter"], "each version as name@N, each name for its latest"


@pytest.mark.parametrize(("model", "answered_by"), [("tiny", "tiny"), ("base", "tiny"), ("greeter", "greeter@1")])
def test_chat_completion_with_base_and_adapter(server, model, answered_by):
    resp = client(server.url).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Say hi"}], max_tokens=5, temperature=0
    )
    assert resp.model == answered_by and resp.object == "chat.completion"
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
    assert learned.choices[0].message.content == LEARNED and learned.choices[0].finish_reason == "stop"
    cut = c.chat.completions.create(model="greeter", messages=[{"role": "user", "content": "Say hi"}], stop=[" the"])
    assert cut.choices[0].message.content == "    hi" and cut.choices[0].finish_reason == "stop"
    assert cut.usage.completion_tokens < learned.usage.completion_tokens, "generation stopped at the stop"


def test_unknown_model_and_bad_fields_are_refused(server):
    with pytest.raises(openai.NotFoundError):
        client(server.url).chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError, match="messages.0.role"):
        client(server.url).chat.completions.create(model="tiny", messages=[{"role": "robot", "content": "x"}])
    with pytest.raises(openai.BadRequestError, match="n: Input should be less than or equal to 8"):
        client(server.url).chat.completions.create(model="tiny", messages=[{"role": "user", "content": "x"}], n=9)


def test_binds_loopback_only(server):
    import psutil

    listening = [c.laddr for c in psutil.Process(server.pid).net_connections() if c.status == psutil.CONN_LISTEN]
    assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening


def chat(server, model: str, content: str = "Say hi", **params) -> dict:
    body = {"model": model, "messages": [{"role": "user", "content": content}], **params}
    return post_json(server.url + "/v1/chat/completions", body)


def test_responses_match_the_openai_response_models(server):
    before = int(time.time())
    raw = [chat(server, "greeter", max_tokens=6) for _ in range(2)]
    after = int(time.time())
    for r in raw:
        ChatCompletion.model_validate(r)  # every required field present, with the right type
        assert r["object"] == "chat.completion" and r["model"] == "greeter@1"
        assert r["id"].startswith("chatcmpl-") and before <= r["created"] <= after
        assert [c["index"] for c in r["choices"]] == [0]
        usage = r["usage"]
        assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert raw[0]["id"] != raw[1]["id"], "every completion has its own id"
    listed = get_json(server.url + "/v1/models")
    assert listed["object"] == "list"
    for entry in listed["data"]:
        m = Model.model_validate(entry)
        assert m.object == "model" and m.owned_by == "minions" and before - 600 <= m.created <= after


def test_finish_reason_says_why_generation_ended(server):
    whole = chat(server, "greeter")
    assert whole["choices"][0]["message"]["content"] == LEARNED
    assert whole["choices"][0]["finish_reason"] == "stop"
    cut = chat(server, "greeter", max_tokens=1)
    assert cut["choices"][0]["finish_reason"] == "length" and cut["usage"]["completion_tokens"] == 1
    assert cut["choices"][0]["message"]["content"] != LEARNED


def greedy_base_reply(folder, user: str, max_tokens: int) -> str:
    """The base model's greedy reply computed here with plain transformers, no minions code: the
    chatml prompt written out, one argmax per step, stopping at <|im_end|>."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    prompt = f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"
    ids = tok(prompt, add_special_tokens=False, return_tensors="pt").input_ids
    end, new = tok.convert_tokens_to_ids("<|im_end|>"), []
    with torch.no_grad():
        for _ in range(max_tokens):
            nxt = int(model(input_ids=ids).logits[0, -1].argmax())
            if nxt == end:
                break
            new.append(nxt)
            ids = torch.cat([ids, torch.tensor([[nxt]])], dim=1)
    return tok.decode(new, skip_special_tokens=True)


def test_the_base_model_answers_without_the_adapter(server, session_ws):
    base = chat(server, "tiny", max_tokens=8, temperature=0)["choices"][0]["message"]["content"]
    expected = greedy_base_reply(resolve_base_model("tiny", session_ws), "Say hi", 8)
    assert base == expected, "the base model answers as itself, not through the adapter"
    assert chat(server, "greeter", temperature=0)["choices"][0]["message"]["content"] == LEARNED


def test_temperature_and_top_p_change_sampling(server):
    def text(**params) -> str:
        return chat(server, "tiny", "Write code", max_tokens=8, **params)["choices"][0]["message"]["content"]

    greedy = {text(temperature=0) for _ in range(2)}
    assert len(greedy) == 1, "temperature 0 is greedy: the same text every time"
    sampled = {text(temperature=1.5) for _ in range(4)}
    assert len(sampled) > 1, "a high temperature samples (the random tiny model has a flat distribution)"
    nucleus = {text(temperature=1.5, top_p=1e-6) for _ in range(3)}
    assert nucleus == greedy, "a tiny top_p keeps only the most likely token"


def test_a_busy_port_is_a_clear_error(session_ws, tmp_path):
    import socket

    from helpers import run_cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        p = run_cli("serve", "--base-model", "tiny", "--port", str(port), "--workspace", str(session_ws.root))
    assert p.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in p.stderr and "--port" in p.stderr


def test_streaming_chat_gives_the_same_text_in_chunks_the_client_parses(server):
    from openai.types.chat import ChatCompletionChunk

    c = client(server.url)
    whole = c.chat.completions.create(model="greeter", messages=[{"role": "user", "content": "Say hi"}])
    chunks = list(
        c.chat.completions.create(
            model="greeter",
            messages=[{"role": "user", "content": "Say hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert all(isinstance(ch, ChatCompletionChunk) for ch in chunks)
    assert len({ch.id for ch in chunks}) == 1 and chunks[0].choices[0].delta.role == "assistant"
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    assert text == whole.choices[0].message.content == LEARNED
    finishes = [ch.choices[0].finish_reason for ch in chunks if ch.choices and ch.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == whole.usage.completion_tokens


def test_async_clients_run_concurrently_and_get_their_own_answers(server):
    import asyncio

    async def main():
        c = openai.AsyncOpenAI(base_url=server.url + "/v1", api_key="x")
        calls = [
            c.chat.completions.create(model=m, messages=[{"role": "user", "content": "Say hi"}], max_tokens=12)
            for m in ["greeter", "tiny"] * 4
        ]
        return await asyncio.gather(*calls)

    answers = asyncio.run(main())
    assert [a.choices[0].message.content for a in answers[::2]] == [LEARNED] * 4
    base = {a.choices[0].message.content for a in answers[1::2]}
    assert len(base) == 1 and base != {LEARNED}, "the base rows of the mixed batch answer as the base"


def test_text_completions_streamed_and_not_with_n_and_seed(server):
    from openai.types import Completion

    c = client(server.url)
    one = c.completions.create(model="tiny", prompt="def add(a, b):", max_tokens=6)
    assert isinstance(one, Completion) and one.object == "text_completion" and one.model == "tiny"
    assert one.choices[0].finish_reason == "length" and one.usage.completion_tokens == 6
    streamed = "".join(
        ch.choices[0].text
        for ch in c.completions.create(model="tiny", prompt="def add(a, b):", max_tokens=6, stream=True)
        if ch.choices
    )
    assert streamed == one.choices[0].text
    sampled = c.completions.create(model="greeter", prompt="x =", max_tokens=8, temperature=1.5, n=3, seed=11)
    again = c.completions.create(model="greeter", prompt="x =", max_tokens=8, temperature=1.5, n=3, seed=11)
    texts = [ch.text for ch in sampled.choices]
    assert [ch.index for ch in sampled.choices] == [0, 1, 2] and len(set(texts)) > 1
    assert texts == [ch.text for ch in again.choices], "the same seed, the same output"


def test_a_suffix_on_a_base_model_without_fim_tokens_is_a_clear_400(server):
    with pytest.raises(openai.BadRequestError, match="no fill-in-the-middle tokens"):
        client(server.url).completions.create(model="tiny", prompt="def f():", suffix="    return x", max_tokens=4)


def test_a_prompt_longer_than_the_context_is_refused(server):
    with pytest.raises(openai.BadRequestError, match="maximum context length is 2048") as e:
        client(server.url).completions.create(model="tiny", prompt="word " * 3000, max_tokens=4)
    assert e.value.code == "context_length_exceeded"
    with pytest.raises(openai.BadRequestError, match="maximum context length"):
        client(server.url).completions.create(model="tiny", prompt="word " * 1000, max_tokens=1500)


def raw(server, method: str, path: str, body: bytes | None = None, headers=None) -> tuple[int, dict]:
    req = urllib.request.Request(server.url + path, body, headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("GET", "/v1/nothing", None, 404, "no route GET /v1/nothing"),
        ("GET", "/v1/chat/completions", None, 405, "does not take GET"),
        ("POST", "/v1/chat/completions", b"{not json", 400, "not valid JSON"),
        ("POST", "/v1/chat/completions", b'{"model": "tiny"}', 400, "messages: Field required"),
        ("POST", "/v1/chat/completions", b"x" * (1025 * 1024), 413, "the limit is 1048576"),
    ],
)
def test_every_error_is_in_the_openai_shape(server, method, path, body, status, says):
    code, answer = raw(server, method, path, body, {"Content-Type": "application/json"})
    assert code == status
    assert set(answer) == {"error"} and says in answer["error"]["message"], answer
    assert {"message", "type", "code"} <= set(answer["error"])


def test_metrics_count_requests_and_tokens_per_model(server):
    chat(server, "greeter", max_tokens=3)
    with urllib.request.urlopen(server.url + "/metrics", timeout=5) as r:
        text = r.read().decode()
    assert 'minions_requests_total{model="greeter@1",status="200"}' in text
    assert re.search(r'minions_tokens_total\{kind="completion",model="greeter@1"\} [1-9]', text), text[:2000]
    assert "minions_queue_depth 0.0" in text and "minions_request_seconds_bucket" in text


def test_a_client_that_goes_away_frees_its_slot(server):
    import socket

    body = json.dumps(
        {"model": "tiny", "prompt": "go", "max_tokens": 2000, "stream": True, "ignore_eos": True}
    ).encode()
    host, port = server.url.removeprefix("http://").split(":")
    for stream in (True, False):
        payload = body if stream else body.replace(b'"stream": true', b'"stream": false')
        with socket.create_connection((host, int(port))) as s:
            s.sendall(
                b"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            deadline = time.monotonic() + 10
            while get_json(server.url + "/health")["running"] == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert get_json(server.url + "/health")["running"] == 1
        deadline = time.monotonic() + 4  # 2,000 tokens take longer: generation must have stopped
        while get_json(server.url + "/health")["running"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert get_json(server.url + "/health")["running"] == 0, f"stream={stream}: generation stopped"


@pytest.mark.parametrize("last_piece_overflows", [False, True])
def test_a_chunked_body_over_the_limit_is_a_413_too(server, last_piece_overflows):
    import http.client

    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    head = b'{"model": "tiny", "messages": [' + b" " * (1 << 19)
    pieces = (
        [head, b" " * ((1 << 19) + 4096) + b"]}"]
        if last_piece_overflows
        else [head, b" " * (1 << 19), b" " * 4096, b"]}"]
    )
    conn.request(
        "POST",
        "/v1/chat/completions",
        body=iter(pieces),
        headers={"Content-Type": "application/json"},
        encode_chunked=True,
    )
    answer = conn.getresponse()
    assert answer.status == 413 and "the limit is 1048576" in json.loads(answer.read())["error"]["message"]
    conn.close()


def test_empty_prompts_long_stops_and_prompt_usage_with_n(server):
    c = client(server.url)
    with pytest.raises(openai.BadRequestError, match="the prompt is empty"):
        c.completions.create(model="tiny", prompt="", max_tokens=4)
    assert get_json(server.url + "/health")["running"] == 0
    stops = ["</code>", "\n\n\n", "###", "<|endoftext|>", "END OF ANSWER"]
    assert c.completions.create(model="tiny", prompt="x", max_tokens=3, stop=stops).choices
    with pytest.raises(openai.BadRequestError, match="at most 16 stop strings"):
        c.completions.create(model="tiny", prompt="x", max_tokens=3, stop=[str(i) for i in range(17)])
    once = c.completions.create(model="tiny", prompt="def add(a, b):", max_tokens=2)
    thrice = c.completions.create(model="tiny", prompt="def add(a, b):", max_tokens=2, n=3)
    assert thrice.usage.prompt_tokens == once.usage.prompt_tokens, "a prompt counts once, whatever n"
    two = c.completions.create(model="tiny", prompt=["def add(a, b):", "x"], max_tokens=2, n=2)
    assert len(two.choices) == 4 and two.usage.prompt_tokens > once.usage.prompt_tokens
    code, body = raw(server, "POST", "/v1/chat/completions", b"[1]", {"Content-Type": "application/json"})
    assert code == 400 and body["error"]["message"].startswith("body: ")
