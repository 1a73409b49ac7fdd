"""The engine in-process: a template's stop strings end the reply (special tokens as eos ids, plain
text cut from the reply), with the real tiny model."""

from dataclasses import replace

import pytest

from minions.models.base import load_model, resolve_base_model
from minions.models.templates import TEMPLATES
from minions.serving.server import ChatMessage, ChatRequest, Engine


@pytest.fixture(scope="module")
def engine(session_ws):
    tokenizer, model = load_model(resolve_base_model("tiny", session_ws))
    return Engine("tiny", tokenizer, model.eval(), {"tiny": TEMPLATES["plain"]}, {})


def reply(engine, template, max_tokens=12):
    engine.templates["tiny"] = template
    req = ChatRequest(
        model="tiny", messages=[ChatMessage(role="user", content="Write code")], max_tokens=max_tokens, temperature=0
    )
    return engine.chat(req)


def test_special_token_stops_become_eos_ids_and_text_ones_do_not(engine):
    tok = engine.tokenizer
    assert engine._token_ids(["<|im_end|>", "<|endoftext|>", "### user:"]) == [
        tok.convert_tokens_to_ids("<|im_end|>"),
        tok.convert_tokens_to_ids("<|endoftext|>"),
    ]


def test_a_template_stop_string_cuts_the_reply(engine):
    plain = replace(TEMPLATES["plain"], stop=())
    text, _, n_new, finish = reply(engine, plain)
    assert finish == "length" and n_new == 12 and len(text) > 4, "the random model rambles to the limit"
    stop = next(text[i : i + 3] for i in range(len(text) // 2, len(text) - 2) if text[i : i + 3].strip())
    cut, _, _, finish = reply(engine, replace(plain, stop=(stop,)))
    assert cut == text[: text.index(stop)].strip() and finish == "stop"
