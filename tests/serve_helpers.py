"""Start `minions serve` as a real process on 127.0.0.1 and talk to it with plain HTTP."""

import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from helpers import ROOT, run_cli

START_TIMEOUT_S = 120  # loading the tiny model takes a few seconds; a slow CI machine gets headroom


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    log: Path


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def post_json(url: str, body: dict) -> dict:
    """The raw JSON a POST returns (the openai client would hide missing or extra fields)."""
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def start_server(args: list[str], log: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`minions serve ARGS --port 0`, its output in a file (a pipe nobody reads would block it);
    returns the process and its base URL, read from the log once the socket is bound."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "minions", "serve", *args, "--port", "0"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if found := re.search(r"on (http://127\.0\.0\.1:\d+)/v1", log.read_text()):
            base_url = found.group(1)
            while time.monotonic() < deadline:
                try:
                    get_json(base_url + "/health")
                    return proc, base_url
                except OSError:
                    time.sleep(0.2)
            break
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"server did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


class InThread:
    """An ASGI app served by uvicorn in a thread on 127.0.0.1 (a free port)."""

    def __init__(self, app):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "uvicorn did not start"
            time.sleep(0.01)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def workspace_with_tiny(shared, folder: Path) -> Path:
    """A new workspace at `folder` holding a copy of `shared`'s prepared tiny model (no rebuild)."""
    import shutil

    shutil.copytree(shared.dir("models", "tiny"), folder / "models" / "tiny")
    return folder


def ui_server_args(adapters: dict[str, Path], eval_data: Path, ws: Path) -> list[str]:
    """`minions serve` arguments for the /ui tests: tiny, the adapters by folder, the eval records."""
    served = [x for folder in adapters.values() for x in ("--adapter", str(folder))]
    return ["--base-model", "tiny", *served, "--eval-data", str(eval_data), "--workspace", str(ws)]


def export_preferences(ws: Path, out: Path) -> tuple[list[dict], str]:
    """The pairs `minions preferences export` writes for a workspace, and its stderr."""
    p = run_cli("preferences", "export", "--out", str(out), "--workspace", str(ws))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(out.resolve())
    return [json.loads(line) for line in out.read_text().splitlines()], p.stderr
