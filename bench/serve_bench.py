"""Serving benchmark: completion tokens/s of `minions serve` with many adapters vs switching `set_adapter`.

Issue 11's benchmark. Random LoRA adapters (minions' default LoRA settings, r=16, B not zero) on the
base model, registered in a bench workspace; a stream of `--requests` chat requests of `--max-tokens`
output tokens, round-robin over 1, 4 and 16 adapters, sent by 1 and 8 concurrent clients (the official
`openai` client, a thread each) to:

- minions: `minions serve --port P --max-loaded N --adapter sb01 ...` (all N adapters in memory) as a
  subprocess, `MINIONS_WORKSPACE` set to the bench workspace, measured through its HTTP API only
  (`/health`, `/v1/models`, `/v1/chat/completions`), so it measures whatever engine the server has;
- naive: a small server in this process (http.server on 127.0.0.1) holding the same PeftModel with the
  same adapters loaded; per request, under a lock, `set_adapter(name)` then greedy `generate`, with the
  adapter's own prompt template and system prompt, as minions renders them.

Greedy; prompts ask for long answers; tokens counted are the responses' `usage.completion_tokens`. One
warm-up request per adapter, then the clock runs from the first request to the last response.

Usage: python bench/serve_bench.py [--requests 64] [--max-tokens 32] [--adapters 1,4,16] [--clients 1,8]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / ".out"
GOAL_CONCURRENCY, GOAL_MIX = 3.0, 0.9
START_TIMEOUT_S = 600
TOPICS = ["a hash map", "a B-tree index", "a thread pool", "an LRU cache", "a JSON parser", "a rate limiter"]
PROMPT = "Explain in detail, step by step and with a long Java code example, how to implement {}."


@dataclass
class Run:
    """One configuration's measurement."""

    server: str
    adapters: int
    clients: int
    requests: int
    completion_tokens: int
    seconds: float
    tokens_per_s: float
    cut_at_max_tokens: int  # responses whose finish_reason is "length": the full --max-tokens


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- adapters ------------------------------------------------------------------------------------------


def make_adapters(ws, base_model: str, base_folder: Path, count: int) -> list[str]:
    """`count` random LoRA adapters `sb01`... registered in `ws`; ones already there for this base are reused."""
    import torch
    from peft import LoraConfig, get_peft_model

    from minions.adapters.meta import read_adapter_meta, write_adapter_meta
    from minions.adapters.registry import default_folder, list_adapters, next_version, register_adapter
    from minions.config import TrainConfig
    from minions.models.base import base_hash, load_model
    from minions.models.templates import choose_template
    from minions.records import SYSTEM_PROMPT

    names = [f"sb{i:02d}" for i in range(1, count + 1)]
    digest = base_hash(base_folder, ws)
    have = {r["name"] for r in list_adapters(ws, latest_only=True) if r["meta"].get("base_hash") == digest}
    missing = [n for n in names if n not in have or not (Path(_folder(ws, n)) / "adapter_config.json").is_file()]
    if not missing:
        return names
    log(f"creating {len(missing)} random LoRA adapter(s) on {base_model} ...")
    tokenizer, model = load_model(base_folder)
    cfg = TrainConfig()
    lora = {"r": cfg.lora_r, "alpha": 2 * cfg.lora_r, "dropout": 0.0, "target_modules": cfg.target_modules}
    peft_args = {"r": cfg.lora_r, "lora_alpha": lora["alpha"], "lora_dropout": 0.0, "task_type": "CAUSAL_LM"}
    for name in missing:
        torch.manual_seed(int(name[2:]))
        # init_lora_weights=False: B random like A (peft's default makes B zero, an adapter that changes nothing)
        config = LoraConfig(**peft_args, target_modules=cfg.target_modules, init_lora_weights=False)
        peft_model = get_peft_model(model, config)
        version = next_version(ws, name)
        folder = default_folder(ws, name, version)
        peft_model.save_pretrained(folder)
        model = peft_model.unload()
        meta = {
            "name": name,
            "version": version,
            "base_model": base_model,
            "base_hash": digest,
            "template": choose_template("auto", tokenizer).to_dict(),
            "system_prompt": SYSTEM_PROMPT,
            "lora": {**lora, "variant": "lora", "modules_to_save": None},
        }
        write_adapter_meta(folder, meta)
        register_adapter(ws, name, folder, version=version, meta=read_adapter_meta(folder))
    return names


def _folder(ws, name: str) -> str:
    from minions.adapters.registry import resolve_adapter

    return resolve_adapter(ws, name)["path"]


# --- clients -------------------------------------------------------------------------------------------


def drive(url: str, stream: list[tuple[str, str]], clients: int, max_tokens: int) -> tuple[int, float, int]:
    """Send the stream with `clients` concurrent clients; (completion tokens, seconds, responses cut at max)."""
    import openai

    # the server needs no key; the client insists on one
    client = openai.OpenAI(base_url=url + "/v1", api_key="bench-" + secrets.token_hex(4), max_retries=0, timeout=900)

    def one(item: tuple[str, str]) -> tuple[int, str]:
        model, prompt = item
        r = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": prompt}], max_tokens=max_tokens, temperature=0
        )
        return r.usage.completion_tokens, r.choices[0].finish_reason

    start = time.perf_counter()
    with client, ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(one, stream))
    seconds = time.perf_counter() - start
    return sum(n for n, _ in done), seconds, sum(f == "length" for _, f in done)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def measure(server: str, url: str, names: list[str], args) -> list[Run]:
    """Check the server lists the adapters, warm each one up, then time the stream at each client count."""
    served = {m["id"] for m in get_json(url + "/v1/models")["data"]}
    if missing := set(names) - served:
        raise SystemExit(f"{server} server does not list {sorted(missing)} in /v1/models")
    drive(url, [(n, PROMPT.format(TOPICS[0])) for n in names], 1, 2)
    # the stream: adapters round-robin, so every client's share mixes them
    stream = [(names[i % len(names)], PROMPT.format(TOPICS[i % len(TOPICS)])) for i in range(args.requests)]
    runs = []
    for clients in args.clients:
        tokens, seconds, cut = drive(url, stream, clients, args.max_tokens)
        runs.append(Run(server, len(names), clients, len(stream), tokens, seconds, tokens / seconds, cut))
        log(f"  {server}: {len(names)} adapter(s), {clients} client(s): {tokens} tokens in {seconds:.1f} s")
    return runs


# --- the two servers -----------------------------------------------------------------------------------


@contextlib.contextmanager
def minions_server(minions: list[str], ws_root: Path, names: list[str], log_file: Path):
    """`minions serve` on a free port of 127.0.0.1 with the adapters; its URL once /health answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free now; taken again by the server a moment later
    # every adapter of the stream in memory, as the naive server holds them (the default keeps 8)
    cmd = [*minions, "serve", "--port", str(port), "--max-loaded", str(max(8, len(names)))]
    cmd += [x for n in names for x in ("--adapter", n)]
    with log_file.open("w") as out:
        proc = subprocess.Popen(cmd, env={**os.environ, "MINIONS_WORKSPACE": str(ws_root)}, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not healthy(url):
            if proc.poll() is not None:
                raise SystemExit(f"minions serve exited with {proc.returncode}:\n{log_file.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"minions serve did not answer /health in {START_TIMEOUT_S} s; see {log_file}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        proc.kill()  # nothing once it has exited
        proc.wait()


def healthy(url: str) -> bool:
    try:
        return get_json(url + "/health") is not None
    except OSError:
        return False


class Naive:
    """The naive way: one PeftModel with every adapter loaded; per request, under a lock, set_adapter + generate."""

    def __init__(self, ws, base_folder: Path, names: list[str]):
        from peft import PeftModel

        from minions.adapters.meta import read_adapter_meta
        from minions.models.base import load_model
        from minions.models.templates import template_from_meta

        self.tokenizer, model = load_model(base_folder, threads=1)
        self.templates, self.systems = {}, {}
        for i, name in enumerate(names):
            folder = Path(_folder(ws, name))
            if i == 0:
                model = PeftModel.from_pretrained(model, folder, adapter_name=name)
            else:
                model.load_adapter(folder, adapter_name=name)
            meta = read_adapter_meta(folder)
            self.templates[name], self.systems[name] = template_from_meta(meta), meta["system_prompt"]
        self.model = model.eval()
        self.lock = threading.Lock()

    def chat(self, body: dict) -> dict:
        import torch

        name, tok = body["model"], self.tokenizer
        template = self.templates[name]
        messages = [{"role": "system", "content": self.systems[name]}, *body["messages"]]
        ids = tok(template.prompt(messages), return_tensors="pt", add_special_tokens=False)["input_ids"]
        stops = [tok.convert_tokens_to_ids(s) for s in template.stop_strings()]
        end = [tok.eos_token_id, *[i for i in stops if i is not None and i != tok.unk_token_id]]
        greedy = {"do_sample": False, "max_new_tokens": body["max_tokens"], "pad_token_id": tok.pad_token_id}
        with self.lock, torch.no_grad():
            self.model.set_adapter(name)
            out = self.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), eos_token_id=end, **greedy)
        new = out[0, ids.shape[1] :].tolist()
        finish = "stop" if new and new[-1] in end else "length"
        message = {"role": "assistant", "content": tok.decode(new, skip_special_tokens=True)}
        usage = {"prompt_tokens": ids.shape[1], "completion_tokens": len(new), "total_tokens": ids.shape[1] + len(new)}
        choice = {"index": 0, "message": message, "finish_reason": finish}
        head = {"id": "chatcmpl-" + secrets.token_hex(8), "object": "chat.completion", "created": int(time.time())}
        return {**head, "model": name, "choices": [choice], "usage": usage}


@contextlib.contextmanager
def naive_server(ws, base_folder: Path, names: list[str]):
    """The naive server on a free port of 127.0.0.1, in a thread of this process; its URL."""
    naive = Naive(ws, base_folder, names)
    models = [{"id": n, "object": "model", "created": 0, "owned_by": "bench"} for n in names]
    pages = {"/health": {"status": "ok"}, "/v1/models": {"object": "list", "data": models}}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, body: dict, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self.reply(pages.get(self.path, {"error": {"message": "not found"}}), 200 if self.path in pages else 404)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.reply(naive.chat(body))

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- report --------------------------------------------------------------------------------------------


def summarize(runs: list[Run], adapters: list[int], clients: list[int], requests: int) -> dict:
    """The ratios the issue's goals need: most vs fewest clients, most vs fewest adapters, minions vs naive."""
    tps = {(r.server, r.adapters, r.clients): r.tokens_per_s for r in runs}
    lo_c, hi_c, lo_a, hi_a = min(clients), max(clients), min(adapters), max(adapters)
    res = {
        "concurrency": {f"{s}/{a}": tps[s, a, hi_c] / tps[s, a, lo_c] for s in ("minions", "naive") for a in adapters},
        "mix": {s: tps[s, hi_a, hi_c] / tps[s, lo_a, hi_c] for s in ("minions", "naive")},
        "vs_naive": {f"{a}/{c}": tps["minions", a, c] / tps["naive", a, c] for a in adapters for c in clients},
    }
    if {1, 8} <= set(clients) and {1, 16} <= set(adapters) and requests >= 64:
        worst = min(tps["minions", a, 8] / tps["minions", a, 1] for a in adapters)
        mix = tps["minions", 16, 8] / tps["minions", 1, 8]
        res["goal"] = {"concurrency": worst >= GOAL_CONCURRENCY, "mix": mix >= GOAL_MIX}
    return res


def markdown(res: dict) -> str:
    a, c = res["settings"]["adapters"], res["settings"]["clients"]
    lines = [
        f"### Serving benchmark: `{res['settings']['base_model']}`, {res['settings']['requests']} requests of "
        f"{res['settings']['max_tokens']} output tokens, greedy, 1 torch thread per server, "
        f"{res['cpus']} CPUs (load average {res['load_avg'][0]:.1f} before, {res['load_avg'][1]:.1f} after)",
        "",
        "| server | adapters | clients | requests | completion tokens | at max | seconds | tokens/s | vs naive |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["runs"]:
        key = f"{r['adapters']}/{r['clients']}"
        vs = f"{res['vs_naive'][key]:.2f}x" if r["server"] == "minions" else ""
        lines.append(
            f"| {r['server']} | {r['adapters']} | {r['clients']} | {r['requests']} | {r['completion_tokens']} "
            f"| {r['cut_at_max_tokens']} | {r['seconds']:.1f} | {r['tokens_per_s']:.1f} | {vs} |"
        )
    conc = ", ".join(f"{k.replace('/', ' ')} adapter(s) {v:.2f}x" for k, v in res["concurrency"].items())
    lines += [
        "",
        f"{max(c)} clients vs {min(c)}: {conc} (goal for minions >= {GOAL_CONCURRENCY}x).",
        f"{max(a)}-adapter mix vs {min(a)} at {max(c)} clients: minions {res['mix']['minions']:.0%}, naive "
        f"{res['mix']['naive']:.0%} (goal for minions >= {GOAL_MIX:.0%}).",
    ]
    if "goal" in res:
        g = res["goal"]
        lines.append(
            f"Goals: concurrency {'met' if g['concurrency'] else 'NOT met'}, mix {'met' if g['mix'] else 'NOT met'}."
        )
    else:
        lines.append("Goals not judged: they need 64 requests, 1 and 8 clients, 1 and 16 adapters (the defaults).")
    lines += ["", f"Reproduce: `{res['command']}`"]
    return "\n".join(lines)


def int_list(text: str) -> list[int]:
    values = sorted({int(x) for x in text.split(",") if x.strip()})
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers from 1")
    return values


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=64, help="requests in the stream (default 64)")
    ap.add_argument("--max-tokens", type=int, default=32, help="max_tokens of each request (default 32)")
    ap.add_argument("--adapters", type=int_list, default=[1, 4, 16], help="adapter counts (default 1,4,16)")
    ap.add_argument("--clients", type=int_list, default=[1, 8], help="concurrent clients (default 1,8)")
    ap.add_argument("--base-model", default="smollm2-135m")
    ap.add_argument("--out", type=Path, default=OUT / "serve-bench", help="working folder (its workspace is reused)")
    ap.add_argument("--json", type=Path, default=OUT / "serve_bench.json")
    ap.add_argument("--minions", default=f"{sys.executable} -m minions", help="how to run the minions CLI")
    args = ap.parse_args(argv)
    if args.requests < 1 or args.max_tokens < 1:
        ap.error("--requests and --max-tokens must be 1 or more")
    args.out, args.json = args.out.resolve(), args.json.resolve()
    for key, value in (("OMP_NUM_THREADS", "1"), ("HF_HUB_OFFLINE", "1"), ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(key, value)  # for this process and the servers it starts

    import torch

    from minions.models.base import resolve_base_model
    from minions.workspace import Workspace

    torch.set_num_threads(1)
    ws = Workspace(args.out / "workspace")
    base_folder = resolve_base_model(args.base_model, ws)
    all_names = make_adapters(ws, args.base_model, base_folder, max(args.adapters))
    runs: list[Run] = []
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    for count in args.adapters:
        names = all_names[:count]
        log(f"minions serve with {count} adapter(s) ...")
        with minions_server(shlex.split(args.minions), ws.root, names, args.out / f"serve-{count}.log") as url:
            runs += measure("minions", url, names, args)
        log(f"naive server with {count} adapter(s) ...")
        with naive_server(ws, base_folder, names) as url:
            runs += measure("naive", url, names, args)
    settings = {k: getattr(args, k) for k in ("base_model", "requests", "max_tokens", "adapters", "clients")}
    command = f"python bench/serve_bench.py --requests {args.requests} --max-tokens {args.max_tokens} "
    command += f"--adapters {','.join(map(str, args.adapters))} --clients {','.join(map(str, args.clients))}"
    command += f" --base-model {args.base_model}" if args.base_model != "smollm2-135m" else ""
    res = {"settings": settings, "runs": [asdict(r) for r in runs], "seconds": time.perf_counter() - started}
    res.update(cpus=os.cpu_count(), load_avg=[load_before, os.getloadavg()[0]], command=command)
    res.update(summarize(runs, args.adapters, args.clients, args.requests))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, indent=1))
    print(markdown(res))
    print(f"\n(JSON: {args.json})")
    return res


if __name__ == "__main__":
    main()
