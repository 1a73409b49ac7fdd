"""The JSON bodies the server sends, in the shapes of the OpenAI API reference.

Kept apart from the HTTP app and the engine so they can be checked in-process against the
`openai` package's own response models.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass


class ApiError(Exception):
    """An error answered in the OpenAI shape."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


@dataclass(frozen=True)
class Choice:
    """One generated choice: its text and why it ended."""

    text: str
    finish_reason: str  # stop or length


def new_id(kind: str) -> str:
    return {"chat": "chatcmpl-", "text": "cmpl-"}[kind] + uuid.uuid4().hex


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def chat_completion(
    model: str,
    text: str | list[Choice],
    prompt_tokens: int,
    completion_tokens: int,
    finish_reason: str = "stop",
    created: int | None = None,
) -> dict:
    """A `chat.completion` object: one choice per generated text, and the token usage."""
    choices = [Choice(text, finish_reason)] if isinstance(text, str) else text
    return {
        "id": new_id("chat"),
        "object": "chat.completion",
        "created": int(time.time()) if created is None else created,
        "model": model,
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": c.text}, "finish_reason": c.finish_reason}
            for i, c in enumerate(choices)
        ],
        "usage": usage(prompt_tokens, completion_tokens),
    }


def text_completion(model: str, choices: list[Choice], prompt_tokens: int, completion_tokens: int) -> dict:
    """A `text_completion` object (`/v1/completions`)."""
    return {
        "id": new_id("text"),
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": i, "text": c.text, "logprobs": None, "finish_reason": c.finish_reason}
            for i, c in enumerate(choices)
        ],
        "usage": usage(prompt_tokens, completion_tokens),
    }


def chunk(
    kind: str, id_: str, model: str, created: int, index: int, text: str | None, finish: str | None, first=False
) -> dict:
    """One streamed piece: a `chat.completion.chunk` (delta) or a `text_completion` (text)."""
    if kind == "chat":
        delta: dict = {"role": "assistant", "content": text or ""} if first else {}
        if text and not first:
            delta["content"] = text
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
        obj = "chat.completion.chunk"
    else:
        choice = {"index": index, "text": text or "", "logprobs": None, "finish_reason": finish}
        obj = "text_completion"
    return {"id": id_, "object": obj, "created": created, "model": model, "choices": [choice]}


def usage_chunk(kind: str, id_: str, model: str, created: int, prompt_tokens: int, completion_tokens: int) -> dict:
    """The last streamed piece when `stream_options.include_usage` is set: no choices, the usage."""
    obj = "chat.completion.chunk" if kind == "chat" else "text_completion"
    return {
        "id": id_,
        "object": obj,
        "created": created,
        "model": model,
        "choices": [],
        "usage": usage(prompt_tokens, completion_tokens),
    }


def sse(data: dict | str) -> str:
    """One server-sent event as the openai client reads it: `data: <json>` and a blank line."""
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n"


def model_list(names: list[str], created: int) -> dict:
    """The `/v1/models` list: every served model, base first."""
    return {
        "object": "list",
        "data": [{"id": n, "object": "model", "created": created, "owned_by": "minions"} for n in names],
    }


def error(status: int, message: str, code: str | None = None) -> dict:
    """An error body as OpenAI clients read it: `{"error": {"message", "type", "param", "code"}}`."""
    kind = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}
    default = "invalid_request_error" if status < 500 else "server_error"
    return {"error": {"message": message, "type": kind.get(status, default), "param": None, "code": code or status}}
