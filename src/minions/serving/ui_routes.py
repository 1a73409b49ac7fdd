"""The /ui page: compare models side by side on an eval record or typed text, and mark the better output.

`GET /ui` is one plain HTML page (with `ui.js`, `ui.css` and an icon from the package's `serving/ui/` folder;
nothing from the internet). Its JSON API, under the same keys and allow-lists as /v1:

| route | what |
|---|---|
| `GET /ui/api/info` | `{"auth": bool}`: whether the page must ask for a key (open) |
| `GET /ui/api/records[?task=T]` | `tasks` (name, count) and `data` (id, task, instruction, input preview) |
| `GET /ui/api/records/{id}` | one record: instruction, input, reference output |
| `POST /ui/api/compare` | `{models, record_id}` or `{models, instruction, input, task}`: outputs, scores |
| `POST /ui/api/marks` | `{comparison, chosen}` or `{comparison, tie: true}`: stored in the workspace |

Generation is the /v1/chat/completions path itself (the same template, system prompt, stops and
engine), greedy, at most `UI_MAX_TOKENS` tokens; all models of a comparison run in one batch.
A comparison waits in memory (the last `KEPT_COMPARISONS`) until it is marked, so a mark names
outputs the server produced, for the team that asked for them.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from minions.serving.auth import Caller
from minions.serving.catalog import ServedModel
from minions.serving.compare import TYPED_TASK, EvalRecord, output_scores, prompt_messages
from minions.serving.preferences import Mark, Output, store_mark
from minions.serving.responses import ApiError
from minions.serving.schemas import ChatRequest, CompareRequest, MarkRequest

if TYPE_CHECKING:
    from minions.serving.server import Served

UI_MAX_TOKENS = 512
UI_DEFAULT_TOKENS = 128
KEPT_COMPARISONS = 256
STATIC = {"ui.js": "text/javascript", "ui.css": "text/css", "favicon.svg": "image/svg+xml"}
# the page loads nothing from elsewhere, and nothing may frame it
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Hooks:
    """The server's own request path, lent to the page: who calls, which model, a chat completion."""

    caller_of: Callable[[Request], Caller]
    model_for: Callable[[Caller, str], ServedModel]
    chat: Callable[[ChatRequest, Request, Caller], Awaitable[dict]]


@dataclass(frozen=True)
class Comparison:
    """Outputs generated for one caller, waiting for a mark."""

    team: str
    record_id: str | None
    task: str
    prompt: list[dict]
    outputs: list[Output]


def _asset(name: str) -> str:
    return resources.files("minions.serving").joinpath("ui", name).read_text(encoding="utf-8")


def add_ui(app: FastAPI, served: Served, hooks: Hooks) -> None:
    """Register /ui and /ui/api/* on the server's app."""
    page = _asset("index.html")
    assets = {name: _asset(name) for name in STATIC}
    records = {}
    for r in served.eval_records:
        records.setdefault(r.id, r)
    pending: OrderedDict[str, Comparison] = OrderedDict()

    @app.get("/ui", include_in_schema=False)
    def ui_page() -> HTMLResponse:
        return HTMLResponse(page, headers=PAGE_HEADERS)

    @app.get("/ui/{name}", include_in_schema=False)
    def ui_asset(name: str) -> Response:
        if name not in assets:
            raise ApiError(404, f"no route GET /ui/{name}; the page is /ui")
        return Response(assets[name], media_type=STATIC[name], headers=PAGE_HEADERS)

    @app.get("/ui/api/info")
    def ui_info() -> dict:
        return {"auth": served.keys is not None}

    @app.get("/ui/api/records")
    def ui_records(request: Request, task: str | None = None) -> dict:
        hooks.caller_of(request)
        counts: dict[str, int] = {}
        for r in records.values():
            counts[r.task] = counts.get(r.task, 0) + 1
        chosen = [r.preview() for r in records.values() if task is None or r.task == task]
        return {"tasks": [{"task": t, "count": n} for t, n in sorted(counts.items())], "data": chosen}

    @app.get("/ui/api/records/{record_id}")
    def ui_record(record_id: str, request: Request) -> dict:
        hooks.caller_of(request)
        r = _record(records, record_id)
        return {"id": r.id, "task": r.task, "instruction": r.instruction, "input": r.input, "reference": r.output}

    @app.post("/ui/api/compare")
    async def ui_compare(req: CompareRequest, request: Request) -> dict:
        caller = hooks.caller_of(request)
        models = [hooks.model_for(caller, m) for m in req.models]  # 404 / 403 before any generation
        if len({m.id for m in models}) < len(models):
            raise ApiError(400, "models: the same model is named twice; pick different models to compare")
        record, task, prompt = _prompt_of(req, records)
        room = min(UI_MAX_TOKENS, served.limits.max_output_tokens)
        max_tokens = min(req.max_tokens or UI_DEFAULT_TOKENS, room)
        chats = [
            ChatRequest.model_validate({"model": m.id, "messages": prompt, "max_tokens": max_tokens, "temperature": 0})
            for m in models
        ]
        t0 = time.monotonic()
        answers = await asyncio.gather(*(hooks.chat(c, request, caller) for c in chats))
        seconds = time.monotonic() - t0
        reference = record.output if record else None
        lang = record.instruction_lang if record else "en"
        texts = [a["choices"][0]["message"]["content"] for a in answers]
        # scoring is plain CPU work: off the event loop, so a long output never stalls other requests
        scores = await asyncio.to_thread(lambda: [output_scores(t, reference, task, lang) for t in texts])
        outputs = [
            {
                "model": answer["model"],
                "output": text,
                "finish_reason": answer["choices"][0]["finish_reason"],
                "tokens": answer["usage"]["completion_tokens"],
                "scores": score,
            }
            for answer, text, score in zip(answers, texts, scores, strict=True)
        ]
        comparison_id = uuid.uuid4().hex
        pending[comparison_id] = Comparison(
            caller.team,
            record.id if record else None,
            task,
            prompt,
            [Output(o["model"], o["output"]) for o in outputs],
        )
        while len(pending) > KEPT_COMPARISONS:
            pending.popitem(last=False)
        return {
            "comparison": comparison_id,
            "record_id": record.id if record else None,
            "task": task,
            "prompt": prompt,
            "reference": reference,
            "max_tokens": max_tokens,
            "seconds": round(seconds, 3),
            "outputs": outputs,
        }

    @app.post("/ui/api/marks")
    async def ui_mark(req: MarkRequest, request: Request) -> dict:
        caller = hooks.caller_of(request)
        found = pending.get(req.comparison)
        if found is None or found.team != caller.team:
            raise ApiError(404, "no such comparison (the server keeps the latest ones): generate again, then mark")
        if req.tie == (req.chosen is not None):
            raise ApiError(400, "send chosen (the better output's model) or tie: true, one of them")
        if req.chosen is not None and req.chosen not in {o.model for o in found.outputs}:
            raise ApiError(400, f"chosen: {req.chosen!r} is not one of this comparison's models")
        if served.workspace is None:
            raise ApiError(400, "this server has no workspace to keep marks in; start it with --workspace")
        mark = Mark(
            id=req.comparison,
            record_id=found.record_id,
            task=found.task,
            prompt=found.prompt,
            outputs=found.outputs,
            chosen=req.chosen,
            team=found.team,
        )
        await asyncio.to_thread(store_mark, served.workspace, mark)
        return {"id": mark.id, "chosen": mark.chosen, "tie": mark.chosen is None}


def _record(records: dict[str, EvalRecord], record_id: str) -> EvalRecord:
    found = records.get(record_id)
    if found is None:
        hint = "see /ui/api/records" if records else "this server has no eval records (start it with --eval-data DIR)"
        raise ApiError(404, f"no eval record {record_id!r}; {hint}")
    return found


def _prompt_of(req: CompareRequest, records: dict[str, EvalRecord]) -> tuple[EvalRecord | None, str, list[dict]]:
    """(the record or None, the task, the prompt messages) of a compare request."""
    if req.record_id is not None:
        if req.instruction:
            raise ApiError(400, "send record_id or instruction (typed input), not both")
        r = _record(records, req.record_id)
        return r, r.task, prompt_messages(r.instruction, r.input, r.system)
    if not (req.instruction or "").strip():
        raise ApiError(400, "instruction: type an instruction, or pick an eval record (record_id)")
    task = (req.task or "").strip() or TYPED_TASK
    return None, task, prompt_messages(req.instruction, req.input)
