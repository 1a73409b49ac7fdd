"""`/health`, `/v1/models` and `/v1/chat/completions` (non-streaming) over one base model.

The base model answers to its own name; each adapter to its registry name. One model sits in
memory; requests take turns (a lock), switching adapters with peft.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from minions.models.templates import choose_template, template_from_meta
from minions.serving import responses


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str | list[TextPart]

    def text(self) -> str:
        return self.content if isinstance(self.content, str) else "".join(p.text for p in self.content)


class ChatRequest(BaseModel):
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(None, ge=1, le=2048)
    max_completion_tokens: int | None = Field(None, ge=1, le=2048)
    temperature: float = Field(0.0, ge=0, le=2)
    top_p: float = Field(1.0, gt=0, le=1)
    stop: str | list[str] | None = None
    n: int = 1
    stream: bool = False

    def stops(self) -> list[str]:
        return [self.stop] if isinstance(self.stop, str) else list(self.stop or [])


@dataclass
class Engine:
    """The transformers engine: a base model with adapters loaded by peft."""

    base_name: str
    tokenizer: object
    model: object
    templates: dict[str, object]  # model name -> prompt template
    system_prompts: dict[str, str]  # adapter name -> the system prompt it was trained with
    default_max_tokens: int = 128

    def __post_init__(self):
        self.lock = threading.Lock()

    def names(self) -> list[str]:
        return list(self.templates)

    def chat(self, req: ChatRequest) -> tuple[str, int, int, str]:
        """Generate a reply: (text, prompt tokens, completion tokens, finish reason)."""
        import contextlib

        import torch

        template = self.templates[req.model]
        messages = [{"role": m.role, "content": m.text()} for m in req.messages]
        if req.model in self.system_prompts and messages[0]["role"] != "system":
            # an adapter answers best in the format it was trained on
            messages.insert(0, {"role": "system", "content": self.system_prompts[req.model]})
        prompt = template.prompt(messages)
        ids = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)["input_ids"]
        max_new = req.max_completion_tokens or req.max_tokens or self.default_max_tokens
        end_ids = [self.tokenizer.eos_token_id, *self._token_ids(template.stop_strings())]
        sampling = {"temperature": req.temperature, "top_p": req.top_p} if req.temperature else {}
        with self.lock:
            is_base = req.model == self.base_name
            adapters = hasattr(self.model, "disable_adapter")
            ctx = self.model.disable_adapter() if (is_base and adapters) else contextlib.nullcontext()
            if adapters and not is_base:
                self.model.set_adapter(req.model)
            with ctx, torch.no_grad():
                out = self.model.generate(
                    input_ids=ids,
                    attention_mask=torch.ones_like(ids),
                    max_new_tokens=max_new,
                    eos_token_id=end_ids,
                    pad_token_id=self.tokenizer.pad_token_id,
                    do_sample=bool(req.temperature),
                    **sampling,
                )
        new = out[0, ids.shape[1] :].tolist()
        finished = bool(new) and new[-1] in end_ids
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        # stops that are special tokens ended generation above; the others are cut from the text here
        cuts = [text.find(s) for s in (*req.stops(), *template.stop_strings()) if s and s in text]
        if cuts:
            text, finished = text[: min(cuts)], True
        return text.strip(), ids.shape[1], len(new), "stop" if finished else "length"

    def _token_ids(self, stops: list[str]) -> list[int]:
        """The ids of the stop strings that are single tokens of the vocabulary."""
        ids = (self.tokenizer.convert_tokens_to_ids(s) for s in stops)
        return [i for i in ids if i is not None and i != self.tokenizer.unk_token_id]


def load_engine(base_name: str, base_folder: Path, adapters: dict[str, Path], threads: int = 1) -> Engine:
    """Load the base model once and every adapter onto it."""
    from peft import PeftModel

    from minions.adapters.meta import read_adapter_meta
    from minions.models.base import load_model

    tokenizer, model = load_model(base_folder, threads)
    templates = {base_name: choose_template("auto", tokenizer)}
    system_prompts = {}
    for i, (name, folder) in enumerate(adapters.items()):
        meta = read_adapter_meta(folder)
        if i == 0:
            model = PeftModel.from_pretrained(model, folder, adapter_name=name)
        else:
            model.load_adapter(folder, adapter_name=name)
        templates[name] = template_from_meta(meta)
        system_prompts[name] = meta["system_prompt"]
    model.eval()
    return Engine(base_name, tokenizer, model, templates, system_prompts)


def create_app(engine: Engine) -> FastAPI:
    app = FastAPI(title="minions", summary="OpenAI-compatible API over a base model and its LoRA adapters")
    started = int(time.time())

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse(responses.error(status, message), status_code=status)

    @app.exception_handler(HTTPException)
    async def _http_error(request, exc: HTTPException):
        return error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request, exc: RequestValidationError):
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"] if x != "body")
        return error(400, f"{where}: {first['msg']}")

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "models": engine.names()}

    @app.get("/v1/models")
    def models() -> dict:
        return responses.model_list(engine.names(), started)

    @app.post("/v1/chat/completions")
    def chat(req: ChatRequest) -> dict:
        if req.stream:
            raise HTTPException(400, "streaming is not supported yet; send stream=false")
        if req.n != 1:
            raise HTTPException(400, "only n=1 is supported")
        if req.model not in engine.templates:
            raise HTTPException(404, f"model {req.model!r} is not served; see /v1/models")
        text, n_prompt, n_new, finish = engine.chat(req)
        return responses.chat_completion(req.model, text, n_prompt, n_new, finish)

    return app
