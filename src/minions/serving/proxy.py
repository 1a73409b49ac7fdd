"""`--engine vllm`: `vllm serve` on a loopback port, and in front of it the same API keys, allow-lists
and model names (`base`, `name` for the latest version, `name@N`) as the transformers engine."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from minions.serving import responses
from minions.serving.auth import OPEN, Caller, KeyBook
from minions.serving.catalog import BASE_ALIAS


def resolve_id(ref: str, base: str, adapters: dict[str, tuple[str, int | None]]) -> str | None:
    """The upstream model id of a requested one: the base by either name, an adapter id, or an
    adapter name (its latest version); None when it is not served."""
    if ref in (base, BASE_ALIAS):
        return base
    if ref in adapters:
        return ref
    versions = [(v or 0, i) for i, (name, v) in adapters.items() if name == ref]
    return max(versions)[1] if versions else None


def create_proxy(
    upstream: str, base: str, adapters: dict[str, tuple[str, int | None]], keys: KeyBook | None
) -> FastAPI:
    """An app that checks the caller, rewrites `model` and forwards to the upstream OpenAI server.
    `adapters`: upstream id (name@N) -> (name, version)."""
    import httpx

    client = httpx.AsyncClient(base_url=upstream, timeout=httpx.Timeout(None, connect=10))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        await client.aclose()

    app = FastAPI(title="minions (vllm)", lifespan=lifespan)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request, exc: StarletteHTTPException):
        return JSONResponse(
            responses.error(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}"), exc.status_code
        )

    def error(status: int, message: str, code: str | None = None) -> JSONResponse:
        return JSONResponse(responses.error(status, message, code), status_code=status)

    @app.exception_handler(httpx.TransportError)
    async def _upstream_gone(request: Request, exc: httpx.TransportError) -> JSONResponse:
        return error(502, "the vLLM server behind this one is not answering; see the serve log", "upstream_error")

    def caller_of(request: Request) -> Caller | None:
        return OPEN if keys is None else keys.caller_of_headers(request.headers)

    def allowed(caller: Caller) -> Callable[[str], bool]:
        return lambda i: i == base or (i in adapters and caller.may_use(*adapters[i]))

    @app.get("/health")
    async def health():
        r = await client.get("/health")
        return Response(r.content, r.status_code, media_type=r.headers.get("content-type"))

    @app.get("/v1/models")
    async def models(request: Request):
        caller = caller_of(request)
        if caller is None:
            return error(401, "a valid API key is needed: send Authorization: Bearer <key>", "invalid_api_key")
        ok = allowed(caller)
        r = await client.get("/v1/models")
        body = r.json()
        body["data"] = [m for m in body.get("data", []) if ok(m.get("id"))]
        return JSONResponse(body, status_code=r.status_code)

    @app.post("/v1/{path:path}")
    async def forward(path: str, request: Request):
        caller = caller_of(request)
        if caller is None:
            return error(401, "a valid API key is needed: send Authorization: Bearer <key>", "invalid_api_key")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return error(400, "the body is not valid JSON", "invalid_json")
        if not isinstance(body, dict):
            return error(400, "the body must be a JSON object (see the OpenAI API reference)")
        ref = body.get("model")
        if not isinstance(ref, str) or not ref:
            return error(400, "model: name a served model as a string; see /v1/models")
        target = resolve_id(ref, base, adapters)
        if target is None:
            return error(404, f"model {ref!r} is not served; see /v1/models", "model_not_found")
        if not allowed(caller)(target):
            return error(403, f"your key may not use {ref!r}; see /v1/models for those it may", "model_not_allowed")
        body["model"] = target
        upstream_req = client.build_request("POST", f"/v1/{path}", json=body)
        r = await client.send(upstream_req, stream=True)

        async def relay():
            try:
                async for piece in r.aiter_bytes():  # decoded: only content-type is passed on
                    yield piece
            finally:
                await r.aclose()

        return StreamingResponse(relay(), r.status_code, media_type=r.headers.get("content-type"))

    return app


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_vllm(base_model: str, base_folder: Path, models: dict, host: str, port: int, keys, max_loras: int) -> None:
    """Start `vllm serve` on a free loopback port and the checking proxy on host:port; stop both on exit.
    `models`: id -> (name, version, folder, meta)."""
    import tempfile

    import uvicorn

    from minions.cli.common import log
    from minions.serving.vllm import check_vllm_available, vllm_command, wait_ready

    check_vllm_available()
    inner = free_loopback_port()
    command = vllm_command(
        base_folder,
        {i: f for i, (_, _, f, _) in models.items()},
        "127.0.0.1",
        inner,
        served_name=base_model,
        max_loras=max_loras,
    )
    log("minions serve: starting " + " ".join(command[:3]) + f" ... on 127.0.0.1:{inner}")
    with tempfile.NamedTemporaryFile("w", prefix="vllm-", suffix=".log", delete=False) as out:
        stderr_log = Path(out.name)
    with stderr_log.open("w") as err:
        process = subprocess.Popen(command, stdout=err, stderr=subprocess.STDOUT)
    try:
        wait_ready(f"http://127.0.0.1:{inner}", 900, process, log=stderr_log)
        adapters = {i: (name, version) for i, (name, version, _, _) in models.items()}
        app = create_proxy(f"http://127.0.0.1:{inner}", base_model, adapters, keys)
        log(f"serving {base_model} and {len(models)} adapter(s) through vLLM on http://{host}:{port}/v1")
        uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).run()
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
