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
    [(400, "invalid_request_error"), (404, "invalid_request_error"), (499, "invalid_request_error")]
    + [(500, "server_error"), (503, "server_error")],
)
def test_errors_have_the_openai_error_shape(status, kind):
    assert responses.error(status, "model 'x' is not served") == {
        "error": {"message": "model 'x' is not served", "type": kind, "code": status}
    }
