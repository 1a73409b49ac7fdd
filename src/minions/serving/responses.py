"""The JSON bodies the server sends, in the shapes of the OpenAI API reference.

Kept apart from the HTTP app and the engine so they can be checked in-process against the
`openai` package's own response models.
"""

from __future__ import annotations

import time
import uuid


def chat_completion(
    model: str,
    text: str,
    prompt_tokens: int,
    completion_tokens: int,
    finish_reason: str,
    created: int | None = None,
) -> dict:
    """A `chat.completion` object with one choice and its token usage."""
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex,
        "object": "chat.completion",
        "created": int(time.time()) if created is None else created,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def model_list(names: list[str], created: int) -> dict:
    """The `/v1/models` list: every served model, base first."""
    return {
        "object": "list",
        "data": [{"id": n, "object": "model", "created": created, "owned_by": "minions"} for n in names],
    }


def error(status: int, message: str) -> dict:
    """An error body as OpenAI clients read it: `{"error": {"message", "type", "code"}}`."""
    kind = "invalid_request_error" if status < 500 else "server_error"
    return {"error": {"message": message, "type": kind, "code": status}}
