"""Encoded examples: templates, completion-only labels, truncation and batching, against a stub tokenizer.

The stub gives one id per character (its code point), knows a few special tokens as single ids,
has an eos token distinct from every template marker, and puts a BOS in front when asked for
special tokens (the Hugging Face default), so exact ids and labels can be written out here.
"""

from __future__ import annotations

import pytest
import torch

from minions.errors import UserError
from minions.models.examples import IGNORE, collate, encode_example
from minions.models.templates import TEMPLATES, PromptTemplate, choose_template, record_messages
from minions.records import SYSTEM_PROMPT

BOS, EOS = 1, 2


class StubTokenizer:
    eos_token = "</s>"

    def __init__(self, specials=("<s>", "</s>")):
        self.specials = {s: i + 1 for i, s in enumerate(specials)}

    def get_vocab(self) -> dict[str, int]:
        return {**self.specials, **{chr(c): c for c in range(32, 127)}}

    def __call__(self, text: str, add_special_tokens: bool = True) -> dict[str, list[int]]:
        ids = [BOS] if add_special_tokens else []
        i = 0
        while i < len(text):
            special = next((s for s in self.specials if text.startswith(s, i)), None)
            if special:
                ids.append(self.specials[special])
                i += len(special)
            else:
                ids.append(ord(text[i]))
                i += 1
        return {"input_ids": ids}


def chars(text: str) -> list[int]:
    return [ord(c) for c in text]


RECORD = {"instruction": "Add one.", "input": "def f(x):", "output": "return x + 1"}

CHATML_PROMPT = (
    f"<|im_start|>system\n{SYSTEM_PROMPT}<|im_end|>\n"
    "<|im_start|>user\nAdd one.\n\ndef f(x):<|im_end|>\n"
    "<|im_start|>assistant\n"
)
PLAIN_PROMPT = f"### system:\n{SYSTEM_PROMPT}\n\n### user:\nAdd one.\n\ndef f(x):\n\n### assistant:\n"


def test_record_messages_join_instruction_and_input():
    assert record_messages(RECORD) == [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "Add one.\n\ndef f(x):"},
    ]
    for no_input in ({"instruction": "Add one."}, {"instruction": "Add one.", "input": ""}):
        assert record_messages(no_input) == [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": "Add one."},
        ]


def test_prompts_render_exactly_for_both_templates():
    assert TEMPLATES["chatml"].prompt(record_messages(RECORD)) == CHATML_PROMPT
    assert TEMPLATES["plain"].prompt(record_messages(RECORD)) == PLAIN_PROMPT
    bare = {"instruction": "Add one."}
    assert TEMPLATES["chatml"].prompt(record_messages(bare)) == (
        f"<|im_start|>system\n{SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\nAdd one.<|im_end|>\n<|im_start|>assistant\n"
    )
    assert TEMPLATES["plain"].prompt(record_messages(bare)) == (
        f"### system:\n{SYSTEM_PROMPT}\n\n### user:\nAdd one.\n\n### assistant:\n"
    )


def test_choose_template_auto_follows_the_vocabulary():
    chatml_tok = StubTokenizer(specials=("<s>", "</s>", "<|im_start|>", "<|im_end|>"))
    assert choose_template("auto", chatml_tok) is TEMPLATES["chatml"]
    assert choose_template("auto", StubTokenizer()) is TEMPLATES["plain"]
    assert choose_template("chatml", StubTokenizer()) is TEMPLATES["chatml"]
    assert choose_template("plain", chatml_tok) is TEMPLATES["plain"]


def test_choose_template_rejects_an_unknown_name():
    names = "chatml, llama-3, llama-2, alpaca, glm-4, deepseek-coder, plain"
    with pytest.raises(UserError, match=rf"^unknown prompt template 'llama'; use auto, {names}$"):
        choose_template("llama", StubTokenizer())


def test_plain_template_ends_the_completion_with_the_eos_token():
    ids, labels = encode_example(StubTokenizer(), TEMPLATES["plain"], RECORD, 10_000)
    completion = [*chars("return x + 1"), EOS]
    assert ids == chars(PLAIN_PROMPT) + completion
    assert labels == [IGNORE] * len(PLAIN_PROMPT) + completion


def test_chatml_template_ends_the_completion_with_its_own_marker():
    tok = StubTokenizer(specials=("<s>", "</s>", "<|im_start|>", "<|im_end|>"))
    start, end = 3, 4
    ids, labels = encode_example(tok, TEMPLATES["chatml"], RECORD, 10_000)
    prompt = (
        [start, *chars("system\n" + SYSTEM_PROMPT), end, *chars("\n")]
        + [start, *chars("user\nAdd one.\n\ndef f(x):"), end, *chars("\n")]
        + [start, *chars("assistant\n")]
    )
    assert ids == prompt + [*chars("return x + 1"), end]
    assert labels == [IGNORE] * len(prompt) + [*chars("return x + 1"), end]


# a short template keeps the truncation cases readable: the prompt is SYSTEM_PROMPT + "|u|>"
TINY = PromptTemplate("tiny", "{content}|", ">", "#")
TINY_PROMPT = chars(f"{SYSTEM_PROMPT}|u|>")
P = len(TINY_PROMPT)


def encode_tiny(output: str, max_length: int):
    return encode_example(StubTokenizer(), TINY, {"instruction": "u", "output": output}, max_length)


def test_exact_fit_is_not_truncated():
    completion = chars("abcdefghi#")
    for max_length in (P + len(completion), P + len(completion) + 1):
        ids, labels = encode_tiny("abcdefghi", max_length)
        assert ids == TINY_PROMPT + completion
        assert labels == [IGNORE] * P + completion


def test_long_completion_keeps_the_whole_prompt_when_the_budget_allows():
    output = "x" * 300
    ids, labels = encode_tiny(output, 3 * P)
    kept = chars(output)[: 2 * P - 1] + chars("#")  # cut, and still ends with the end marker
    assert ids == TINY_PROMPT + kept
    assert labels == [IGNORE] * P + kept


def test_completion_keeps_half_the_budget_and_the_prompt_loses_its_start():
    output = "".join(chr(ord("a") + i % 26) for i in range(100))
    max_length = P // 2 + 10  # the prompt alone does not fit
    half = max_length // 2
    ids, labels = encode_tiny(output, max_length)
    tail = TINY_PROMPT[P - (max_length - half) :]
    assert ids == tail + chars(output)[: half - 1] + chars("#")
    assert labels == [IGNORE] * len(tail) + chars(output)[: half - 1] + chars("#")
    assert len(ids) == max_length


def test_prompt_just_over_the_budget_loses_only_its_start():
    ids, labels = encode_tiny("ok", P + 1)  # completion "ok#" needs 3, the prompt 1 token less
    assert ids == TINY_PROMPT[2:] + chars("ok#")
    assert labels == [IGNORE] * (P - 2) + chars("ok#")


def test_budget_shorter_than_the_completion_keeps_half_of_it():
    output = "0123456789" * 3
    ids, labels = encode_tiny(output, 9)  # completion 31 tokens > 9, prompt far longer
    assert ids == TINY_PROMPT[-5:] + chars("012#")
    assert labels == [IGNORE] * 5 + chars("012#")


@pytest.mark.parametrize("max_length", [8, 9, 17, 40, 64])
def test_a_cut_completion_always_ends_with_the_end_token(max_length):
    """Regression: truncation cut the EOS off, teaching the model never to stop."""
    tok = StubTokenizer(specials=("<s>", "</s>", "<|im_start|>", "<|im_end|>"))
    ids, labels = encode_example(tok, TEMPLATES["chatml"], {**RECORD, "output": "y = x * 2\n" * 20}, max_length)
    assert len(ids) <= max(max_length, 1) and labels[-1] == ids[-1] == tok.specials["<|im_end|>"]
    ids, labels = encode_example(StubTokenizer(), TEMPLATES["plain"], {**RECORD, "output": "z" * 200}, max_length)
    assert labels[-1] == EOS


def test_collate_pads_right_with_mask_and_ignored_labels():
    batch = [([5, 6, 7], [IGNORE, 6, 7]), ([8], [8]), ([9, 10], [IGNORE, IGNORE])]
    ids, mask, labels = collate(batch, pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0], [9, 10, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0], [1, 1, 0]]
    assert labels.tolist() == [[IGNORE, 6, 7], [8, IGNORE, IGNORE], [IGNORE, IGNORE, IGNORE]]
    assert ids.dtype == mask.dtype == labels.dtype == torch.long


def test_collate_uses_the_given_pad_id_and_a_single_row():
    ids, mask, labels = collate([([3, 4], [3, 4]), ([7], [IGNORE])], pad_id=99)
    assert ids.tolist() == [[3, 4], [7, 99]]
    assert mask.tolist() == [[1, 1], [1, 0]]
    assert labels.tolist() == [[3, 4], [IGNORE, IGNORE]]
    ids, mask, labels = collate([([3], [3])], pad_id=99)
    assert (ids.tolist(), mask.tolist(), labels.tolist()) == ([[3]], [[1]], [[3]])


def test_training_reads_alpaca_and_chat_records_and_names_a_bad_line(tmp_path):
    import json

    import pytest

    from minions.datasets.read import load_records
    from minions.errors import UserError
    from minions.models.templates import record_messages

    chat = {
        "id": "c",
        "task": "t",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Write f.\n\nclass A {}"},
            {"role": "assistant", "content": "void f() {}"},
        ],
    }
    alpaca = {"id": "a", "instruction": "Write g.", "input": "", "output": "void g() {}"}
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(chat) + "\n" + json.dumps(alpaca) + "\n")
    c, a = load_records(path)
    assert (c["instruction"], c["output"], c["task"]) == ("Write f.\n\nclass A {}", "void f() {}", "t")
    assert record_messages(c)[0] == {"role": "system", "content": "Be brief."}, "the record's own system turn"
    assert record_messages(a)[0]["content"].startswith("You are a coding assistant")
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "no answer"}]}) + "\n")
    with pytest.raises(UserError, match="line 1 is not an instruction record"):
        load_records(path)


def test_a_long_fim_prompt_keeps_its_leading_fim_token():
    """Review finding: truncating a fill-in-the-middle prompt from the left cut `<fim_prefix>` off."""
    tok = StubTokenizer(specials=("<s>", "</s>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"))
    prompt = "<fim_prefix>int f(){\n" + "a++;\n" * 50 + "<fim_suffix>\n}<fim_middle>"
    record = {"instruction": "", "output": "b++;", "fim_prompt": prompt}
    ids, labels = encode_example(tok, TINY, record, 64)
    assert len(ids) == 64 and ids[0] == tok.specials["<fim_prefix>"]
    assert ids[-5 - len("b++;") : -len("b++;") - 1] == [
        tok.specials["<fim_suffix>"],
        ord("\n"),
        ord("}"),
        tok.specials["<fim_middle>"],
    ]
    assert labels[-5:] == chars("b++;") + [ord("#")]


def test_a_fim_prompt_cut_to_fit_keeps_all_three_fim_tokens():
    """Review finding: with a short prefix and a long suffix, the cut ran into the suffix token."""
    tok = StubTokenizer(specials=("<s>", "</s>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>"))
    marks = ["<fim_prefix>", "<fim_suffix>", "<fim_middle>"]
    record = {
        "instruction": "",
        "output": "MID",
        "fim_prompt": "<fim_prefix>ab<fim_suffix>" + "S" * 30 + "<fim_middle>",
    }
    ids, labels = encode_example(tok, TINY, {**record, "fim_tokens": marks}, 20)
    p, s, m = (tok.specials[x] for x in marks)
    assert len(ids) == 20 and ids[0] == p and s in ids and ids[ids.index(s) - 2 : ids.index(s)] == chars("ab")
    assert ids[ids.index(m) + 1 :] == chars("MID#") and ids[ids.index(s) + 1 : ids.index(m)] == chars("S" * 11)
    assert labels[-4:] == chars("MID#")
