"""Tokenized (prompt, completion) examples rendered with a prompt template, and their batches.

Training and evaluation both encode records here, so teacher-forced eval scores what was trained.
The loss is taken on completion tokens only (the labels of prompt tokens are -100).
"""

from __future__ import annotations

from minions.models.templates import PromptTemplate, record_messages

IGNORE = -100


def encode_example(tokenizer, template: PromptTemplate, record: dict, max_length: int) -> tuple[list[int], list[int]]:
    """Input ids and labels (-100 on the prompt) for one record, at most `max_length` tokens.

    When too long, the completion keeps at least half the budget and the prompt loses its start:
    the code right before the answer matters more than the header. A cut completion still ends with
    the end token: a model trained on answers cut off mid-way would learn never to stop.
    """
    end = template.end or tokenizer.eos_token
    body = template.completion(record["output"], tokenizer.eos_token).removesuffix(end)
    end_ids = tokenizer(end, add_special_tokens=False)["input_ids"]
    completion = tokenizer(body, add_special_tokens=False)["input_ids"] + end_ids
    if record.get("fim_prompt") and len(record.get("fim_tokens") or []) == 3:
        return _encode_fim(tokenizer, record, completion, max_length, len(end_ids))
    # a fim-form record brings its own prompt (prefix and suffix between the base model's FIM tokens)
    text = record["fim_prompt"] if record.get("fim_prompt") else template.prompt(record_messages(record))
    prompt = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(prompt) + len(completion) > max_length:
        completion = cut(completion, max(max_length - len(prompt), max_length // 2), len(end_ids))
        room = max_length - len(completion)
        if record.get("fim_prompt") and room > 1:  # keep the leading FIM token; the prefix text loses its start
            prompt = prompt[:1] + prompt[len(prompt) - (room - 1) :]
        else:
            prompt = prompt[len(prompt) - room :] if room > 0 else []
    return prompt + completion, [IGNORE] * len(prompt) + completion


def cut(completion: list[int], keep: int, end_len: int) -> list[int]:
    """The first `keep` tokens of a completion, its last `end_len` (the end marker) always among them."""
    if len(completion) <= keep:
        return completion
    body = max(0, keep - end_len)
    return completion[:body] + completion[len(completion) - end_len :]


def _encode_fim(
    tokenizer, record: dict, completion: list[int], max_length: int, end_len: int
) -> tuple[list[int], list[int]]:
    """A fill-in-the-middle example cut to `max_length` with its three FIM tokens kept: the prefix text
    loses its start and the suffix text its end (the code nearest the gap stays), the completion at
    least half the budget."""
    p, s, m = record["fim_tokens"]
    body = record["fim_prompt"].removeprefix(p).removesuffix(m)
    prefix_text, _, suffix_text = body.partition(s)
    ids = [tokenizer(x, add_special_tokens=False)["input_ids"] for x in (p, prefix_text, s, suffix_text, m)]
    marks, pre, suf = len(ids[0]) + len(ids[2]) + len(ids[4]), ids[1], ids[3]
    if marks + len(pre) + len(suf) + len(completion) > max_length:
        completion = cut(completion, max(max_length - marks - len(pre) - len(suf), max_length // 2), end_len)
        room = max(0, max_length - len(completion) - marks)
        keep_pre = min(len(pre), max(room - len(suf), room // 2))
        keep_suf = min(len(suf), room - keep_pre)
        pre, suf = pre[len(pre) - keep_pre :] if keep_pre else [], suf[:keep_suf]
    prompt = ids[0] + pre + ids[2] + suf + ids[4]
    return prompt + completion, [IGNORE] * len(prompt) + completion


def collate(batch: list[tuple[list[int], list[int]]], pad_id: int):
    """Right-padded tensors: input_ids, attention_mask, labels."""
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for i, (x, y) in enumerate(batch):
        ids[i, : len(x)] = torch.tensor(x)
        labels[i, : len(y)] = torch.tensor(y)
        mask[i, : len(x)] = 1
    return ids, mask, labels
