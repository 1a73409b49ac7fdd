"""Prompt templates per base family: each against its family's documented format (hand-written strings),
against the family's own chat template rendered by `apply_chat_template`, auto-detection, and the
spec an adapter stores.

The official chat templates are fixture data (tests/models/fixtures/chat_templates/, each file says
where it came from); no model hub is reachable here, so each is set on a copy of the `tiny` model's
tokenizer with the family's special tokens added. SmolLM2's own tokenizer ships its template.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from minions.errors import UserError
from minions.models.examples import IGNORE, encode_example
from minions.models.templates import (
    DEEPSEEK_CODER_SYSTEM,
    TEMPLATES,
    PromptTemplate,
    choose_template,
    detect_template,
    template_from_meta,
)

FIXTURES = Path(__file__).parent / "fixtures" / "chat_templates"
EOS = "</s>"

SYSTEM, USER, ANSWER, USER2, ANSWER2 = "Be brief.", "Add one.", "x + 1", "And two?", "x + 2"
SINGLE = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER}]
HISTORY = [*SINGLE, {"role": "assistant", "content": ANSWER}, {"role": "user", "content": USER2}]

# Each family's documented format written out by hand: the prompt for SINGLE + the answer + its end,
# and the prompt for HISTORY (an earlier exchange, then a second question) + the second answer + its end.
EXPECTED = {
    "chatml": (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nAdd one.<|im_end|>\n"
        "<|im_start|>assistant\nx + 1<|im_end|>",
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nAdd one.<|im_end|>\n"
        "<|im_start|>assistant\nx + 1<|im_end|>\n<|im_start|>user\nAnd two?<|im_end|>\n"
        "<|im_start|>assistant\nx + 2<|im_end|>",
    ),
    "llama-3": (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nAdd one.<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nx + 1<|eot_id|>",
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nAdd one.<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nx + 1<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nAnd two?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nx + 2<|eot_id|>",
    ),
    "llama-2": (
        "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nAdd one. [/INST] x + 1 </s>",
        "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nAdd one. [/INST] x + 1 </s><s>[INST] And two? [/INST] x + 2 </s>",
    ),
    "alpaca": (
        "Be brief.\n\n### Instruction:\nAdd one.\n\n### Response:\nx + 1</s>",
        "Be brief.\n\n### Instruction:\nAdd one.\n\n### Response:\nx + 1\n\n"
        "### Instruction:\nAnd two?\n\n### Response:\nx + 2</s>",
    ),
    "glm-4": (
        "[gMASK]<sop><|system|>\nBe brief.<|user|>\nAdd one.<|assistant|>\nx + 1<|user|>",
        "[gMASK]<sop><|system|>\nBe brief.<|user|>\nAdd one.<|assistant|>\nx + 1<|user|>\n"
        "And two?<|assistant|>\nx + 2<|user|>",
    ),
    "deepseek-coder": (
        "<｜begin▁of▁sentence｜>Be brief.\n### Instruction:\nAdd one.\n### Response:\nx + 1\n<|EOT|>",
        "<｜begin▁of▁sentence｜>Be brief.\n### Instruction:\nAdd one.\n### Response:\nx + 1\n<|EOT|>\n"
        "### Instruction:\nAnd two?\n### Response:\nx + 2\n<|EOT|>",
    ),
    "plain": (
        "### system:\nBe brief.\n\n### user:\nAdd one.\n\n### assistant:\nx + 1</s>",
        "### system:\nBe brief.\n\n### user:\nAdd one.\n\n### assistant:\nx + 1\n\n"
        "### user:\nAnd two?\n\n### assistant:\nx + 2</s>",
    ),
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_each_family_renders_its_documented_format(name):
    t = TEMPLATES[name]
    single, history = EXPECTED[name]
    assert t.prompt(SINGLE) + t.completion(ANSWER, EOS) == single
    assert t.prompt(HISTORY) + t.completion(ANSWER2, EOS) == history


def test_every_template_has_a_documented_expectation():
    assert set(EXPECTED) == set(TEMPLATES)


def test_alpaca_with_its_preamble_is_the_stanford_alpaca_prompt():
    preamble = (
        "Below is an instruction that describes a task. Write a response that appropriately completes the request."
    )
    messages = [{"role": "system", "content": preamble}, {"role": "user", "content": "Add one."}]
    assert TEMPLATES["alpaca"].prompt(messages) == f"{preamble}\n\n### Instruction:\nAdd one.\n\n### Response:\n"


def test_families_without_a_system_turn():
    user_only = [{"role": "user", "content": USER}]
    assert TEMPLATES["llama-2"].prompt(user_only) == "<s>[INST] Add one. [/INST]"
    assert TEMPLATES["llama-3"].prompt(user_only) == (
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nAdd one.<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    # DeepSeek-Coder puts its own system prompt in when there is none
    assert TEMPLATES["deepseek-coder"].prompt(user_only) == (
        f"<｜begin▁of▁sentence｜>{DEEPSEEK_CODER_SYSTEM}\n### Instruction:\nAdd one.\n### Response:\n"
    )


def test_llama_families_strip_contents_as_their_chat_templates_do():
    messages = [{"role": "system", "content": " Be brief.\n"}, {"role": "user", "content": "Add one.  "}]
    assert TEMPLATES["llama-2"].prompt(messages) + TEMPLATES["llama-2"].completion("x + 1\n", EOS) == EXPECTED[
        "llama-2"
    ][0].replace("<<SYS>>\nBe brief.", "<<SYS>>\n Be brief.\n")
    assert (
        TEMPLATES["llama-3"].prompt(messages) + TEMPLATES["llama-3"].completion("x + 1\n", EOS)
        == (EXPECTED["llama-3"][0])
    )
    assert TEMPLATES["chatml"].completion("x + 1\n", EOS) == "x + 1\n<|im_end|>", "chatml keeps whitespace"


def test_stop_strings_include_the_end_marker():
    assert TEMPLATES["glm-4"].stop_strings() == ["<|user|>", "<|observation|>", "<|endoftext|>"]
    assert TEMPLATES["chatml"].stop_strings() == ["<|im_end|>"]
    assert TEMPLATES["plain"].stop_strings() == ["### user:"], "plain ends with the eos token: no end text"


# --- stored with the adapter ---


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_a_template_round_trips_through_adapter_metadata(name):
    t = TEMPLATES[name]
    meta = json.loads(json.dumps({"template": t.to_dict()}))
    assert template_from_meta(meta) == t
    assert template_from_meta({"template": name}) is t, "an adapter made before specs were stored names it"


def test_a_stored_spec_renders_as_stored_not_as_todays_table():
    spec = {**TEMPLATES["chatml"].to_dict(), "assistant_prefix": "<|im_start|>assistant (v1)\n"}
    t = template_from_meta({"template": spec})
    assert t.name == "chatml" and t.prompt(SINGLE).endswith("<|im_start|>assistant (v1)\n")


def test_bad_template_metadata_names_the_fix():
    with pytest.raises(UserError, match=r"unknown prompt template 'llama'; use one of chatml, .* or retrain"):
        template_from_meta({"template": "llama"})
    with pytest.raises(UserError, match=r"unknown fields colour; the adapter was made by a newer minions"):
        template_from_meta({"template": {**TEMPLATES["plain"].to_dict(), "colour": "red"}})
    with pytest.raises(UserError, match=r"lacks assistant_prefix, end"):
        template_from_meta({"template": {"name": "x", "turn": "{content}"}})
    old = {"name": "mini", "turn": "{content}|", "assistant_prefix": ">", "end": "#"}
    assert template_from_meta({"template": old}) == PromptTemplate("mini", "{content}|", ">", "#")


# --- auto: the family from the tokenizer ---


class VocabOnly:
    """A tokenizer with special tokens and no chat template (a base model's)."""

    chat_template = None

    def __init__(self, *specials: str):
        self.specials = specials

    def get_vocab(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(["a", "b", *self.specials])}


@pytest.mark.parametrize(
    ("specials", "name"),
    [
        (("<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"), "llama-3"),
        (("[gMASK]", "<sop>", "<|user|>", "<|assistant|>"), "glm-4"),
        (("<｜begin▁of▁sentence｜>", "<|EOT|>"), "deepseek-coder"),
        (("<|im_start|>", "<|im_end|>"), "chatml"),
        (("<s>", "</s>"), "plain"),
    ],
)
def test_auto_falls_back_to_the_vocabulary(specials, name):
    choice = detect_template(VocabOnly(*specials))
    assert choice.name == name
    assert ("vocabulary has" in choice.reason) == (name != "plain")
    assert choose_template("auto", VocabOnly(*specials)) is TEMPLATES[name]


def test_auto_reads_a_named_default_among_several_chat_templates():
    tok = VocabOnly("<|im_start|>", "<|im_end|>")
    tok.chat_template = {"default": _official("llama-3"), "tool_use": "{{ tools }}"}
    assert detect_template(tok).name == "llama-3"


def test_alpaca_style_chat_template_is_alpaca():
    tok = VocabOnly()
    tok.chat_template = "{% for m in messages %}### Instruction:\n{{ m['content'] }}\n\n### Response:\n{% endfor %}"
    assert detect_template(tok).name == "alpaca"


# --- against each family's own chat template ---

# name -> (bos, eos, more special tokens) the family's tokenizer has
FAMILY_TOKENS = {
    "llama-3": ("<|begin_of_text|>", "<|eot_id|>", ["<|start_header_id|>", "<|end_header_id|>", "<|end_of_text|>"]),
    "llama-2": ("<s>", "</s>", []),
    "deepseek-coder": ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", ["<|EOT|>"]),
    "glm-4": (
        None,
        "<|endoftext|>",
        ["[gMASK]", "<sop>", "<|system|>", "<|user|>", "<|assistant|>", "<|observation|>"],
    ),
}


def _official(name: str) -> str:
    """A fixture's chat template without its leading source comment."""
    return re.sub(r"^\{#.*?#\}\n", "", (FIXTURES / f"{name}.jinja").read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def family_tokenizers(session_ws):
    from minions.models.base import load_tokenizer, resolve_base_model

    tiny = load_tokenizer(resolve_base_model("tiny", session_ws))
    out = {"chatml": tiny}
    for name, (bos, eos, extra) in FAMILY_TOKENS.items():
        tok = copy.deepcopy(tiny)
        tokens = {"eos_token": eos, "additional_special_tokens": extra} | ({"bos_token": bos} if bos else {})
        tok.add_special_tokens(tokens)
        tok.chat_template = _official(name)
        out[name] = tok
    return out


def _matches_chat_template(t: PromptTemplate, tok, gap: str = "", system_suffix: str = "") -> None:
    """Our prompt is the family's generation prompt (+ `gap`), with and without a history; and the text we
    train on (prompt, answer, end) is how the family writes that exchange in a longer conversation."""

    def theirs(messages):  # the family's input: the system turn as its jinja needs it to say the same
        return [{**m, "content": m["content"] + system_suffix} if m["role"] == "system" else m for m in messages]

    for messages in (SINGLE, HISTORY):
        assert (
            t.prompt(messages)
            == tok.apply_chat_template(theirs(messages), tokenize=False, add_generation_prompt=True) + gap
        )
    conversation = tok.apply_chat_template(theirs(HISTORY), tokenize=False)
    assert conversation.startswith(t.prompt(SINGLE) + t.completion(ANSWER, tok.eos_token))
    spaced = [*SINGLE, {"role": "assistant", "content": ANSWER + "\n"}, HISTORY[-1]]
    assert tok.apply_chat_template(theirs(spaced), tokenize=False).startswith(
        t.prompt(SINGLE) + t.completion(ANSWER + "\n", tok.eos_token)
    ), "an answer's surrounding whitespace is kept or stripped as the family does"


def test_llama_3_matches_its_chat_template(family_tokenizers):
    _matches_chat_template(TEMPLATES["llama-3"], family_tokenizers["llama-3"])


def test_llama_2_matches_its_chat_template(family_tokenizers):
    _matches_chat_template(TEMPLATES["llama-2"], family_tokenizers["llama-2"])


def test_glm_4_matches_its_chat_template(family_tokenizers):
    # Known difference: GLM-4's generation prompt stops at <|assistant|>; every answer in its history
    # starts with "\n", which we put in the prompt so that the trained answer starts at its content.
    _matches_chat_template(TEMPLATES["glm-4"], family_tokenizers["glm-4"], gap="\n")


def test_deepseek_coder_matches_its_chat_template(family_tokenizers):
    # Known difference: DeepSeek-Coder's jinja writes a given system turn with no newline after it
    # ("Be brief.### Instruction:"); its own default system prompt ends with one, and so do we always.
    t, tok = TEMPLATES["deepseek-coder"], family_tokenizers["deepseek-coder"]
    _matches_chat_template(t, tok, system_suffix="\n")
    user_only = [{"role": "user", "content": USER}]
    assert t.prompt(user_only) == tok.apply_chat_template(user_only, tokenize=False, add_generation_prompt=True)


def test_tiny_chatml_matches_its_chat_template(family_tokenizers):
    _matches_chat_template(TEMPLATES["chatml"], family_tokenizers["chatml"])


@pytest.mark.parametrize("name", sorted(FAMILY_TOKENS) + ["chatml"])
def test_auto_detects_each_family_from_its_chat_template(family_tokenizers, name):
    choice = detect_template(family_tokenizers[name])
    assert choice.name == name and choice.reason.startswith("chat template has")


def test_a_family_template_encodes_with_its_own_special_tokens(family_tokenizers):
    tok = family_tokenizers["llama-3"]
    record = {"instruction": "Add one.", "input": "def f(x):", "output": "return x + 1"}
    ids, labels = encode_example(tok, TEMPLATES["llama-3"], record, 512)
    n_prompt = labels.count(IGNORE)
    assert ids[0] == tok.convert_tokens_to_ids("<|begin_of_text|>"), "the template brings the family's BOS"
    assert ids[-1] == labels[-1] == tok.convert_tokens_to_ids("<|eot_id|>")
    assert tok.decode(ids[n_prompt:]) == "return x + 1<|eot_id|>"


@pytest.mark.slow
def test_smollm2_matches_its_shipped_chat_template(smollm2_ws):
    from minions.models.base import load_tokenizer, resolve_base_model

    tok = load_tokenizer(resolve_base_model("smollm2-135m", smollm2_ws))
    assert detect_template(tok).name == "chatml"
    _matches_chat_template(TEMPLATES["chatml"], tok)
    # Known difference: with no system turn SmolLM2's template adds its own ("You are a helpful AI
    # assistant named SmolLM, ..."); chatml is shared with Qwen, whose default differs, so we add none.
    # Records always carry a system turn (record_messages), so training never meets this.
    user_only = [{"role": "user", "content": USER}]
    assert tok.apply_chat_template(user_only, tokenize=False, add_generation_prompt=True).endswith(
        TEMPLATES["chatml"].prompt(user_only)
    )
