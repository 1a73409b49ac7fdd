"""The server's JSON bodies against the `openai` package's own response models, in-process."""

import time

import pytest
from openai.types import Model
from openai.types.chat import ChatCompletion

from minions.serving import responses


@pytest.mark.parametrize("finish", ["stop", "length"])
def test_chat_completion_is_a_valid_openai_chat_completion(finish):
    before = int(time.time())
    body = responses.chat_completion("greeter", "  return 1;", 12, 5, finish)
    parsed = ChatCompletion.model_validate(body)
    assert parsed.object == "chat.completion" and parsed.model == "greeter"
    assert parsed.id.startswith("chatcmpl-") and len(parsed.id) > len("chatcmpl-") + 16
    assert before <= parsed.created <= int(time.time())
    [choice] = parsed.choices
    assert choice.index == 0 and choice.finish_reason == finish
    assert choice.message.role == "assistant" and choice.message.content == "  return 1;"
    assert (parsed.usage.prompt_tokens, parsed.usage.completion_tokens, parsed.usage.total_tokens) == (12, 5, 17)
    assert set(body) == {"id", "object", "created", "model", "choices", "usage"}


def test_every_completion_has_its_own_id_and_an_explicit_created_is_kept():
    a, b = (responses.chat_completion("m", "x", 1, 1, "stop", created=1_700_000_000) for _ in range(2))
    assert a["id"] != b["id"]
    assert a["created"] == b["created"] == 1_700_000_000


def test_model_list_is_a_list_of_openai_models():
    body = responses.model_list(["tiny", "greeter"], 1_700_000_000)
    assert body["object"] == "list"
    models = [Model.model_validate(m) for m in body["data"]]
    assert [m.id for m in models] == ["tiny", "greeter"]
    assert all(m.object == "model" and m.owned_by == "minions" and m.created == 1_700_000_000 for m in models)
    assert responses.model_list([], 1)["data"] == []


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, "invalid_request_error"), (401, "authentication_error"), (403, "permission_error")]
    + [(404, "not_found_error"), (429, "rate_limit_error"), (499, "invalid_request_error")]
    + [(500, "server_error"), (503, "server_error")],
)
def test_errors_have_the_openai_error_shape(status, kind):
    assert responses.error(status, "model 'x' is not served") == {
        "error": {"message": "model 'x' is not served", "type": kind, "param": None, "code": status}
    }
    assert responses.error(status, "m", "model_not_found")["error"]["code"] == "model_not_found"


def test_chunks_and_text_completions_are_valid_openai_objects():
    from openai.types import Completion
    from openai.types.chat import ChatCompletionChunk

    first = ChatCompletionChunk.model_validate(responses.chunk("chat", "chatcmpl-1", "m", 1, 0, "", None, first=True))
    assert first.choices[0].delta.role == "assistant" and first.choices[0].delta.content == ""
    last = ChatCompletionChunk.model_validate(responses.chunk("chat", "chatcmpl-1", "m", 1, 0, "", "stop"))
    assert last.choices[0].delta.content is None and last.choices[0].finish_reason == "stop"
    usage = ChatCompletionChunk.model_validate(responses.usage_chunk("chat", "chatcmpl-1", "m", 1, 5, 3))
    assert usage.choices == [] and usage.usage.total_tokens == 8
    done = Completion.model_validate(
        responses.text_completion("m", [responses.Choice("  x", "length"), responses.Choice("y", "stop")], 4, 2)
    )
    assert [c.text for c in done.choices] == ["  x", "y"] and done.usage.completion_tokens == 2
    assert responses.sse({"a": 1}) == 'data: {"a": 1}\n\n' and responses.sse("[DONE]") == "data: [DONE]\n\n"
