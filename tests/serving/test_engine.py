"""The batching engine in-process with the real tiny model and real LoRA adapters: a sequence
generated in a mixed batch (other adapters, other lengths, joining mid-way) is token for token the
one it would be alone, adapters load on first use and are evicted, and a cancelled sequence leaves."""

import threading
import time

import pytest
import torch

from minions.models.base import load_model, resolve_base_model
from minions.serving.engine import Engine, QueueFull, Sampling, wait_until


@pytest.fixture(scope="module")
def setup(session_ws, tmp_path_factory):
    from peft import LoraConfig, get_peft_model

    base = resolve_base_model("tiny", session_ws)
    folders = []
    for k in range(3):
        torch.manual_seed(k)
        _, model = load_model(base)
        lora = LoraConfig(r=8, target_modules=["q_proj", "v_proj", "down_proj"], init_lora_weights=False)
        folder = tmp_path_factory.mktemp(f"adapter{k}")
        get_peft_model(model, lora).save_pretrained(folder)
        folders.append(folder)
    return base, folders


def make_engine(base, **kw) -> Engine:
    tokenizer, model = load_model(base)  # a fresh model: peft injects adapters into it in place
    return Engine(tokenizer, model, end_ids={tokenizer.eos_token_id}, **kw)


def generate(engine: Engine, requests, delay_s: float = 0.0, sampling=None) -> list[list[int]]:
    """Submit (adapter, prompt, max_new) requests (one by one, `delay_s` apart) and wait for all."""
    done = threading.Semaphore(0)
    seqs = []
    for adapter, prompt, max_new in requests:
        ids = engine.tokenizer(prompt)["input_ids"]
        s = sampling or Sampling(max_new=max_new)
        seq = engine.new_sequence(adapter, ids, s, lambda q, e: done.release() if e != "token" else None)
        seqs.append(seq)
        engine.submit([seq])
        time.sleep(delay_s)
    for _ in seqs:
        assert done.acquire(timeout=60)
    assert all(s.finish in {"stop", "length"} for s in seqs), [(s.finish, s.error) for s in seqs]
    return [s.tokens for s in seqs]


REQUESTS = [
    (None, "hello world", 10),
    (0, "class Foo {", 12),
    (1, "def f(x):\n    return", 8),
    (2, "x", 15),
    (0, "a much longer prompt with many words in it, so the batch needs padding", 5),
]


def resolve(folders, requests):
    return [(None if a is None else folders[a], p, n) for a, p, n in requests]


def test_a_mixed_batch_generates_what_each_request_would_alone(setup):
    base, folders = setup
    engine = make_engine(base)
    requests = resolve(folders, REQUESTS)
    alone = [generate(engine, [r])[0] for r in requests]
    assert len({tuple(t) for t in alone}) == len(alone), "the adapters change the output"
    assert generate(engine, requests) == alone, "all at once"
    assert generate(engine, requests * 3, delay_s=0.003) == alone * 3, "joining running batches mid-way"
    assert wait_until(lambda: engine.stats.running == 0 and engine.stats.waiting == 0, 5), "no slot leaked"
    engine.close(5)


def test_adapters_beyond_the_limit_are_evicted_and_still_answer_right(setup):
    base, folders = setup
    requests = resolve(folders, REQUESTS)
    roomy = make_engine(base)
    expected = generate(roomy, requests)
    roomy.close(5)
    tight = make_engine(base, max_loaded=1)
    assert generate(tight, requests * 2, delay_s=0.002) == expected * 2
    assert len(tight.loaded) == 1
    tight.close(5)


def test_a_cancelled_sequence_leaves_the_batch_and_the_queue_is_bounded(setup):
    base, _ = setup
    engine = make_engine(base, max_batch=1, max_waiting=2)
    ended = threading.Event()
    ids = engine.tokenizer("go")["input_ids"]
    long = engine.new_sequence(None, ids, Sampling(max_new=100_000), lambda q, e: e != "token" and ended.set())
    engine.submit([long])
    while not long.tokens:
        time.sleep(0.005)
    waiting = [engine.new_sequence(None, ids, Sampling(max_new=4), lambda q, e: None) for _ in range(2)]
    engine.submit(waiting)
    with pytest.raises(QueueFull):
        engine.submit([engine.new_sequence(None, ids, Sampling(max_new=4), lambda q, e: None)])
    time.sleep(0.2)
    long.cancelled.set()
    assert ended.wait(10) and long.finish == "cancelled"
    assert 0 < len(long.tokens) < 100_000
    deadline = time.monotonic() + 10
    while any(s.finish is None for s in waiting) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [s.finish for s in waiting] == ["length", "length"], "the freed slot serves the queue"
    engine.close(5)


def test_the_same_seed_samples_the_same_tokens(setup):
    base, folders = setup
    engine = make_engine(base)

    def sample(seed):
        s = Sampling(max_new=12, temperature=1.5, top_p=0.95, seed=seed)
        return generate(engine, [(folders[0], "Write code", 12)], sampling=s)[0]

    assert sample(7) == sample(7)
    assert sample(7) != sample(8)
    engine.close(5)


def wait_all(seqs, timeout=30):
    assert wait_until(lambda: all(s.finish for s in seqs), timeout), [s.finish for s in seqs]


def one(engine, adapter, prompt="hello", max_new=6, **kw):
    return engine.new_sequence(adapter, engine.tokenizer(prompt)["input_ids"], Sampling(max_new=max_new, **kw), noop)


def noop(seq, event):
    pass


def test_unloading_the_last_adapter_gives_back_the_plain_base_model(setup):
    base, folders = setup
    engine = make_engine(base)
    before = generate(engine, [(None, "hello", 8)])
    generate(engine, [(folders[0], "hello", 8)])
    assert engine.unload(folders[0]) and not engine.loaded
    assert generate(engine, [(None, "hello", 8)]) == before, "the base answers as before"
    assert generate(engine, [(folders[1], "hello", 8)]) == generate(make_engine(base), [(folders[1], "hello", 8)])
    engine.close(5)


def test_a_broken_or_dora_adapter_fails_its_own_request_and_leaves_the_model_as_it_was(setup, tmp_path):
    import shutil

    from peft import LoraConfig, get_peft_model

    base, folders = setup
    broken = tmp_path / "broken"
    shutil.copytree(folders[2], broken)
    (broken / "adapter_model.safetensors").write_bytes(b"not safetensors")
    _, model = load_model(base)
    dora = tmp_path / "dora"
    get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj"], use_dora=True)).save_pretrained(dora)
    engine = make_engine(base)
    before = generate(engine, [(None, "hello", 8), (folders[0], "hello", 8)])
    running = one(engine, folders[0], max_new=200, ignore_eos=True)
    engine.submit([running])
    bad = [one(engine, broken), one(engine, dora)]
    engine.submit(bad)
    wait_all(bad + [running])
    assert [s.finish for s in bad] == ["error", "error"] and "DoRA" in bad[1].error
    assert running.finish == "length", "a bad adapter never fails the other requests"
    assert generate(engine, [(None, "hello", 8), (folders[0], "hello", 8)]) == before
    assert len(engine.bank.used) == len(engine.loaded) == 1, "nothing half-loaded is left"
    with pytest.raises(Exception, match="DoRA"):
        engine.load(dora)
    engine.close(5)


def test_a_waiting_request_whose_client_left_gives_its_queue_place_back(setup):
    base, _ = setup
    engine = make_engine(base, max_batch=1, max_waiting=2)
    running = one(engine, None, max_new=100_000, ignore_eos=True)
    engine.submit([running])
    assert wait_until(lambda: running.tokens, 10)
    gave_up = [one(engine, None), one(engine, None)]
    engine.submit(gave_up)
    for s in gave_up:
        s.cancelled.set()
    fresh = one(engine, None)
    engine.submit([fresh])  # no QueueFull: the two cancelled ones left the queue
    assert [s.finish for s in gave_up] == ["cancelled", "cancelled"]
    running.cancelled.set()
    wait_all([running, fresh])
    assert fresh.finish == "length"
    engine.close(5)
