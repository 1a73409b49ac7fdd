"""The OpenAI-compatible HTTP API over the batching engine.

`GET /health`, `GET /metrics` (Prometheus), `GET /v1/models`, `POST /v1/chat/completions`,
`POST /v1/completions` (with `suffix`: fill-in-the-middle), streaming over server-sent events in
the chunk format the official client parses, admin endpoints to load and unload adapters, and the
/ui page that compares models side by side (minions.serving.ui_routes).
Every error is an OpenAI error body (`{"error": {...}}`), router errors and bad JSON included.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from minions.models.fim import FimTokens, fim_prompt
from minions.serving import responses
from minions.serving.auth import OPEN, Caller, KeyBook
from minions.serving.catalog import Catalog, ServedModel
from minions.serving.compare import EvalRecord
from minions.serving.engine import Engine, QueueFull, Sampling, Sequence
from minions.serving.metrics import Metrics
from minions.serving.responses import ApiError
from minions.serving.schemas import AdapterRef, ChatRequest, CompletionRequest, Generation
from minions.serving.ui_routes import Hooks, add_ui
from minions.workspace import Workspace


@dataclass(frozen=True)
class Limits:
    """What one request may ask for."""

    context: int  # the base model's context: prompt + output tokens
    max_output_tokens: int = 2048
    default_output_tokens: int = 256
    max_body_bytes: int = 1 << 20
    request_timeout_s: float = 300.0


@dataclass
class Served:
    """Everything a request needs: the engine, what it serves, the keys, the limits, the metrics."""

    engine: Engine
    catalog: Catalog
    limits: Limits
    keys: KeyBook | None = None
    fim: FimTokens | None = None
    metrics: Metrics | None = None
    workspace: Workspace | None = None  # where /ui stores its marks (None: marking is refused)
    eval_records: list[EvalRecord] = field(default_factory=list)  # what /ui offers to pick from

    def __post_init__(self):
        self.metrics = self.metrics or Metrics()


def create_app(served: Served) -> FastAPI:
    app = FastAPI(title="minions", summary="OpenAI-compatible API over a base model and its LoRA adapters")
    started = int(time.time())
    engine, catalog, limits = served.engine, served.catalog, served.limits
    metrics = served.metrics

    def error(status: int, message: str, code: str | None = None) -> JSONResponse:
        return JSONResponse(responses.error(status, message, code), status_code=status)

    @app.exception_handler(ApiError)
    async def _api_error(request, exc: ApiError):
        return error(exc.status, exc.message, exc.code)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return error(404, f"no route {request.method} {request.url.path}; see /docs for the API")
        if exc.status_code == 405:
            return error(405, f"{request.url.path} does not take {request.method}")
        return error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request, exc: RequestValidationError):
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":
            return error(400, "the body is not valid JSON", "invalid_json")
        where = ".".join(str(x) for x in first["loc"] if x != "body") or "body"
        return error(400, f"{where}: {first['msg']}")

    app.add_middleware(BodyLimit, limit=limits.max_body_bytes)

    def caller_of(request: Request) -> Caller:
        if served.keys is None:
            return OPEN
        found = served.keys.caller_of_headers(request.headers)
        if found is None:
            raise ApiError(401, "a valid API key is needed: send Authorization: Bearer <key>", "invalid_api_key")
        return found

    def may_use(caller: Caller, model: ServedModel) -> bool:
        return model.is_base or caller.may_use(model.name, model.version)

    def model_for(caller: Caller, ref: str) -> ServedModel:
        model = catalog.find(ref)
        if model is None:
            raise ApiError(404, f"model {ref!r} is not served; see /v1/models", "model_not_found")
        if not may_use(caller, model):
            raise ApiError(403, f"your key may not use {ref!r}; see /v1/models for those it may", "model_not_allowed")
        return model

    @app.get("/health")
    def health() -> dict:
        s = engine.stats
        return {"status": "ok", "running": s.running, "waiting": s.waiting, "models": len(catalog.adapters()) + 1}

    @app.get("/metrics")
    def prometheus(request: Request) -> PlainTextResponse:
        if served.keys is not None:
            admin(request)  # the metrics name every adapter that answered
        s = engine.stats
        body = metrics.render(s.waiting, s.running, s.loaded_adapters)
        return PlainTextResponse(body, media_type="text/plain; version=0.0.4")

    @app.get("/v1/models")
    def models(request: Request) -> dict:
        caller = caller_of(request)
        return responses.model_list(catalog.ids(lambda m: may_use(caller, m)), started)

    @app.post("/v1/chat/completions")
    async def chat(req: ChatRequest, request: Request):
        return await chat_answer(req, request, caller_of(request))

    async def chat_answer(req: ChatRequest, request: Request, caller: Caller):
        """A chat completion for a caller: the adapter's template and system prompt, its stops."""
        model = model_for(caller, req.model)
        messages = [{"role": "system" if m.role == "developer" else m.role, "content": m.text()} for m in req.messages]
        if model.system_prompt and messages[0]["role"] != "system":
            # an adapter answers best in the format it was trained on
            messages.insert(0, {"role": "system", "content": model.system_prompt})
        prompt = tokenize(model.template.prompt(messages), special=False)
        stops = tuple(req.stops()) + tuple(model.template.stop_strings())
        end_ids = frozenset(special_ids(model.template.stop_strings()))
        return await answer("chat", req, request, model, [prompt] * req.n, stops, end_ids)

    @app.post("/v1/completions")
    async def completions(req: CompletionRequest, request: Request):
        model = model_for(caller_of(request), req.model)
        texts = req.prompts()
        if not texts or len(texts) * req.n > 16:
            raise ApiError(400, "prompt: send 1 to 16 prompts (times n)")
        if req.suffix is not None:
            if served.fim is None:
                raise ApiError(
                    400,
                    f"suffix: the base model of {req.model!r} has no fill-in-the-middle tokens; "
                    "send the prompt without a suffix, or serve a code model with FIM tokens",
                )
            texts = [fim_prompt(t, req.suffix, served.fim) for t in texts]
        prompts = [tokenize(t, special=req.suffix is None) for t in texts for _ in range(req.n)]
        return await answer("text", req, request, model, prompts, tuple(req.stops()), frozenset(), per_prompt=req.n)

    def tokenize(text: str, special: bool) -> list[int]:
        return engine.tokenizer(text, add_special_tokens=special)["input_ids"]

    def special_ids(stops: list[str]) -> list[int]:
        """The ids of stop strings that are single special tokens (decoding drops those, so text
        matching cannot see them: they end a sequence by id)."""
        tok = engine.tokenizer
        ids = (tok.convert_tokens_to_ids(s) for s in stops)
        return [i for i in ids if isinstance(i, int) and i != tok.unk_token_id]

    async def answer(kind, req: Generation, request, model: ServedModel, prompts, stops, end_ids, per_prompt=None):
        """Generate every choice (n per prompt) and answer whole or as a stream."""
        if any(not p for p in prompts):
            raise ApiError(400, "the prompt is empty: send some text to continue")
        longest = max(len(p) for p in prompts)
        asked = req.output_limit()
        if asked is not None and asked > limits.max_output_tokens:
            raise ApiError(400, f"max_tokens: {asked} is above this server's limit of {limits.max_output_tokens}")
        room = limits.context - longest
        if room < 1 or (asked is not None and asked > room):
            raise ApiError(
                400,
                f"this model's maximum context length is {limits.context} tokens; the prompt is {longest} "
                f"tokens and {asked or 1} more were asked for: shorten the prompt or lower max_tokens",
                "context_length_exceeded",
            )
        max_new = asked or min(limits.default_output_tokens, room)
        loop = asyncio.get_running_loop()
        events: asyncio.Queue = asyncio.Queue()

        def on_event(seq: Sequence, what: str) -> None:  # the engine thread
            text = seq.text.delta(final=what != "token")
            loop.call_soon_threadsafe(events.put_nowait, (seq, what, text))

        seqs = [
            engine.new_sequence(
                model.folder,
                p,
                Sampling(
                    max_new=max_new,
                    temperature=req.temperature,
                    top_p=req.top_p,
                    seed=None if req.seed is None else req.seed + i,
                    stops=stops,
                    end_ids=end_ids,
                    ignore_eos=req.ignore_eos,
                ),
                on_event,
            )
            for i, p in enumerate(prompts)
        ]
        try:
            engine.submit(seqs)
        except QueueFull as e:
            metrics.requests.labels(model.id, "429").inc()
            raise ApiError(429, f"the server is busy ({e}); retry in a moment", "queue_full") from None
        t0 = time.monotonic()
        # usage counts each prompt once (chat: its n choices share one prompt)
        n_prompt = sum(len(p) for p in prompts[:: per_prompt or len(prompts)])
        stream = pieces(seqs, events, request, t0)
        if req.stream:
            return StreamingResponse(
                streamed(kind, req, model, stream, seqs, n_prompt, t0),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        texts = {i: [] for i in range(len(seqs))}
        try:
            async for i, text, _ in stream:
                texts[i].append(text)
        except ApiError:
            metrics.requests.labels(model.id, "504").inc()
            raise
        finally:
            for s in seqs:
                s.cancelled.set()
        failed = [s.error for s in seqs if s.finish == "error"]
        if failed:
            metrics.requests.labels(model.id, "500").inc()
            raise ApiError(500, failed[0])
        n_new = finished(model, seqs, n_prompt, t0, "200")
        choices = [responses.Choice("".join(texts[i]), reason(s)) for i, s in enumerate(seqs)]
        if kind == "chat":
            return responses.chat_completion(model.id, choices, n_prompt, n_new)
        return responses.text_completion(model.id, choices, n_prompt, n_new)

    def finished(model: ServedModel, seqs: list[Sequence], n_prompt: int, t0: float, status: str) -> int:
        n_new = sum(s.generated for s in seqs)
        metrics.requests.labels(model.id, status).inc()
        metrics.tokens.labels(model.id, "prompt").inc(n_prompt)
        metrics.tokens.labels(model.id, "completion").inc(n_new)
        metrics.latency.labels(model.id).observe(time.monotonic() - t0)
        return n_new

    async def pieces(seqs, events: asyncio.Queue, request: Request, t0: float) -> AsyncIterator:
        """(choice index, new text, finish) as the engine produces them, until every sequence ended;
        the client gone or the request timeout cancels them (their slots are freed at the next step)."""
        index = {id(s): i for i, s in enumerate(seqs)}
        open_ = len(seqs)
        deadline = t0 + limits.request_timeout_s
        next_look = time.monotonic() + 0.25
        while open_:
            now = time.monotonic()
            if now > deadline:
                for s in seqs:
                    s.cancelled.set()
                raise ApiError(504, f"generation took longer than the {limits.request_timeout_s:g} s request timeout")
            if now > next_look:  # every quarter second, whether or not tokens flow
                next_look = now + 0.25
                if await request.is_disconnected():
                    for s in seqs:
                        s.cancelled.set()
                    return
            try:
                seq, what, text = await asyncio.wait_for(events.get(), timeout=0.25)
            except TimeoutError:
                continue
            if what != "token":
                open_ -= 1
            yield index[id(seq)], text, None if what == "token" else seq.finish

    async def streamed(kind, req: Generation, model, stream, seqs, n_prompt, t0) -> AsyncIterator[str]:
        id_, created = responses.new_id(kind), int(time.time())
        started_choice: set[int] = set()
        try:
            if kind == "chat":
                for i in range(len(seqs)):
                    started_choice.add(i)
                    yield responses.sse(responses.chunk(kind, id_, model.id, created, i, "", None, first=True))
            async for i, text, finish in stream:
                if finish == "error":
                    yield responses.sse(responses.error(500, seqs[i].error))
                    continue
                if text or finish:
                    fr = reason(seqs[i]) if finish else None
                    yield responses.sse(responses.chunk(kind, id_, model.id, created, i, text, fr))
            n_new = finished(model, seqs, n_prompt, t0, "200")
            if req.include_usage():
                yield responses.sse(responses.usage_chunk(kind, id_, model.id, created, n_prompt, n_new))
            yield responses.sse("[DONE]")
        except ApiError as e:
            metrics.requests.labels(model.id, str(e.status)).inc()
            yield responses.sse(responses.error(e.status, e.message))
        finally:
            for s in seqs:  # a client gone mid-stream: stop generating for it
                s.cancelled.set()

    def admin(request: Request) -> Caller:
        caller = caller_of(request)
        if not caller.admin:
            raise ApiError(403, "the admin endpoints need an admin key", "not_admin")
        return caller

    @app.get("/admin/adapters")
    def admin_list(request: Request) -> dict:
        admin(request)
        loaded = engine.loaded_now
        return {
            "data": [
                {"id": m.id, "name": m.name, "version": m.version, "loaded": m.folder in loaded}
                for m in catalog.adapters()
            ]
        }

    @app.post("/admin/adapters/load")
    async def admin_load(ref: AdapterRef, request: Request) -> dict:
        admin(request)
        if catalog.resolve is None:
            raise ApiError(400, "this server cannot look adapters up; restart it with the adapter")
        try:
            model = catalog.resolve(ref.adapter)
        except Exception as e:  # noqa: BLE001 - a UserError from the registry: its one line
            raise ApiError(404, str(e)) from None
        try:
            await asyncio.to_thread(engine.load, model.folder)
        except Exception as e:  # noqa: BLE001 - the adapter's own problem, in one line
            raise ApiError(400, f"cannot load {ref.adapter!r}: {type(e).__name__}: {e}") from None
        catalog.add(model)
        return {"id": model.id, "loaded": True}

    @app.post("/admin/adapters/unload")
    async def admin_unload(ref: AdapterRef, request: Request) -> dict:
        admin(request)
        model = catalog.remove(ref.adapter)
        if model is None:
            raise ApiError(404, f"adapter {ref.adapter!r} is not served")
        await asyncio.to_thread(engine.unload, model.folder)
        return {"id": model.id, "loaded": False}

    add_ui(app, served, Hooks(caller_of, model_for, chat_answer))
    return app


class BodyLimit:
    """ASGI middleware: a body over `limit` bytes gets a 413 before the app sees it. The body is read
    and dropped first (up to DRAIN_CAP bytes), so the client can read the answer instead of a broken
    pipe. A body without a length (chunked) is read here first, then handed on."""

    DRAIN_CAP = 64 << 20

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        size = headers.get(b"content-length", b"").decode()
        if size.isdigit():
            if int(size) > self.limit:
                await self._drain(receive, int(size))
                return await self._refuse(send, f"the body is {int(size)} bytes")
            return await self.app(scope, receive, send)
        if b"chunked" not in headers.get(b"transfer-encoding", b""):
            return await self.app(scope, receive, send)
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            seen += len(message.get("body", b""))
            if seen > self.limit:
                if message.get("more_body"):  # the last piece already read: nothing left to drain
                    await self._drain(receive, seen)
                return await self._refuse(send, "the body is larger than that")
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _drain(self, receive, seen: int) -> None:
        while seen <= self.DRAIN_CAP:
            message = await receive()
            seen += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body"):
                return

    async def _refuse(self, send, what: str) -> None:
        body = json.dumps(responses.error(413, f"{what}; the limit is {self.limit} bytes")).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})


def reason(seq: Sequence) -> str:
    """OpenAI's finish reason: `length` at the token limit, else `stop`."""
    return "length" if seq.finish == "length" else "stop"


def served_model_of(folder: Path, name: str, version: int | None, meta: dict) -> ServedModel:
    """A ServedModel for an adapter folder and its `minions-adapter.json`."""
    from minions.models.templates import template_from_meta

    id_ = f"{name}@{version}" if version else name
    return ServedModel(id_, name, version, folder, template_from_meta(meta), meta.get("system_prompt") or "")


@contextlib.contextmanager
def running(engine: Engine):
    """The engine, closed (running work finished) on the way out."""
    try:
        yield engine
    finally:
        engine.close(timeout=30)
