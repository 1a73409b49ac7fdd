"""The request bodies the server accepts, as pydantic models of the OpenAI API's fields.

Unknown fields are ignored (clients send many we do not use); a field we use with a bad value is a
400 that names it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

MAX_CHOICES = 8
MAX_STOPS = 16  # OpenAI takes 4; IDE plugins send more


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer"]
    content: str | list[TextPart]

    def text(self) -> str:
        return self.content if isinstance(self.content, str) else "".join(p.text for p in self.content)


class StreamOptions(BaseModel):
    include_usage: bool = False


class Generation(BaseModel):
    """The sampling fields shared by chat and text completions."""

    model: str
    max_tokens: int | None = Field(None, ge=1)
    temperature: float = Field(0.0, ge=0, le=2)
    top_p: float = Field(1.0, gt=0, le=1)
    n: int = Field(1, ge=1, le=MAX_CHOICES)
    seed: int | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    stream_options: StreamOptions | None = None
    ignore_eos: bool = False  # vLLM's extension: generate max_tokens even past end tokens

    @field_validator("stop")
    @classmethod
    def _few_stops(cls, v):
        if isinstance(v, list) and len(v) > MAX_STOPS:
            raise ValueError(f"at most {MAX_STOPS} stop strings")
        return v

    def stops(self) -> list[str]:
        return [self.stop] if isinstance(self.stop, str) else [s for s in self.stop or [] if s]

    def output_limit(self) -> int | None:
        return self.max_tokens

    def include_usage(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)


class ChatRequest(Generation):
    messages: list[ChatMessage] = Field(min_length=1)
    max_completion_tokens: int | None = Field(None, ge=1)

    def output_limit(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


class CompletionRequest(Generation):
    prompt: str | list[str]
    suffix: str | None = None
    echo: bool = False

    def prompts(self) -> list[str]:
        return [self.prompt] if isinstance(self.prompt, str) else list(self.prompt)


class AdapterRef(BaseModel):
    """An admin request naming an adapter: `name`, `name@N` or an adapter folder."""

    adapter: str = Field(min_length=1)


class CompareRequest(BaseModel):
    """/ui: generate for two or more models on an eval record (`record_id`) or typed text."""

    models: list[str] = Field(min_length=2, max_length=MAX_CHOICES)
    record_id: str | None = None
    instruction: str | None = None
    input: str = ""
    task: str | None = Field(None, max_length=64)
    max_tokens: int | None = Field(None, ge=1)


class MarkRequest(BaseModel):
    """/ui: which output of a comparison is better (`chosen`: its model id), or `tie`."""

    comparison: str = Field(min_length=1, max_length=64)
    chosen: str | None = None
    tie: bool = False
