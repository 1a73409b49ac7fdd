"""`/v1/completions` with `suffix`: the prompt is rendered in prefix-suffix-middle order with the base
model's FIM tokens (here a made-up set on the real tiny model and engine, served over real HTTP)."""

import openai
import pytest

from minions.models.base import load_model, model_facts, resolve_base_model
from minions.models.fim import FimTokens, fim_prompt
from minions.models.templates import TEMPLATES
from minions.serving.catalog import Catalog, ServedModel
from minions.serving.engine import Engine
from minions.serving.server import Limits, Served, create_app
from serve_helpers import InThread

TOKENS = FimTokens("<pre>", "<suf>", "<mid>")


@pytest.fixture(scope="module")
def url(session_ws):
    folder = resolve_base_model("tiny", session_ws)
    tokenizer, model = load_model(folder)
    engine = Engine(tokenizer, model, end_ids={tokenizer.eos_token_id})
    catalog = Catalog(ServedModel("tiny", "", None, None, TEMPLATES["chatml"]))
    served = Served(engine, catalog, Limits(context=model_facts(folder)["context"]), fim=TOKENS)
    server = InThread(create_app(served))
    yield server.url, tokenizer
    server.stop()
    engine.close(5)


def test_a_suffix_is_rendered_with_the_fim_tokens(url):
    base, tokenizer = url
    c = openai.OpenAI(base_url=base + "/v1", api_key="x")
    prefix, suffix = "def area(r):\n    ", "\n    return result\n"
    filled = c.completions.create(model="tiny", prompt=prefix, suffix=suffix, max_tokens=5)
    rendered = fim_prompt(prefix, suffix, TOKENS)
    assert rendered == "<pre>def area(r):\n    <suf>\n    return result\n<mid>"
    assert filled.usage.prompt_tokens == len(tokenizer(rendered, add_special_tokens=False)["input_ids"])
    plain = c.completions.create(model="tiny", prompt=prefix, max_tokens=5)
    assert plain.usage.prompt_tokens == len(tokenizer(prefix)["input_ids"])
    assert filled.choices[0].text != plain.choices[0].text, "the model sees the suffix"
