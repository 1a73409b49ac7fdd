"""Executors: how a stage's work is spread over processes or a Ray cluster; stages never know which.

A stage cuts its work into chunks and calls `executor.map(fn, chunks)`; it gets `fn(chunk)` for every
chunk, in input order, whatever ran it. `fn` must depend only on its chunk (and what it closes over),
so any executor gives the same, byte-identical, result.

- `LocalExecutor`: this process and forked helpers (every core by default). All claim the next chunk
  from one shared counter, so they finish together; a helper writes each result to a private
  temporary folder and says which (a pipe would make it wait for this busy process), a thread here
  loads them as they come. A chunk a helper did not finish (it died) is done here. Without `fork`
  (or with one process) chunks run here, one after another.
- `RayExecutor`: Ray Data over a local Ray (`ray.init(num_cpus=...)`) or an existing cluster
  (`address`, e.g. `ray://head:10001` or `auto`). `fn` and the chunks are pickled (cloudpickle) to the
  workers, so they must be importable there: install minions on every node.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from minions.errors import UserError

Progress = Callable[[int], None]  # called with a finished chunk's index, in this process


class Executor(Protocol):
    name: str

    def width(self) -> int: ...

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any], progress: Progress | None = None) -> list: ...


def cores() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunked(items: Sequence, parts: int) -> list[list]:
    """`items` cut into about `parts` consecutive chunks (none empty)."""
    step = max(1, -(-len(items) // max(1, parts)))
    return [list(items[i : i + step]) for i in range(0, len(items), step)]


@dataclass
class LocalExecutor:
    """This process and forked helpers: `processes` in all (0: one per core)."""

    processes: int = 0
    name: str = "local"

    def width(self) -> int:
        """Processes that work at once (1 without fork)."""
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return 1
        return max(1, self.processes or cores())

    def size(self, work: int) -> int:
        return max(1, min(self.width(), work))

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any], progress: Progress | None = None) -> list:
        processes = self.size(len(chunks))
        if processes == 1:
            out = []
            for i, chunk in enumerate(chunks):
                out.append(fn(chunk))
                if progress:
                    progress(i)
            return out
        return _forked(fn, chunks, processes, progress)


def _forked(fn: Callable[[Any], Any], chunks: Sequence[Any], processes: int, progress: Progress | None) -> list:
    import multiprocessing
    import pickle
    import tempfile
    import threading

    mp = multiprocessing.get_context("fork")
    following = mp.Value("i", 0)
    parts: dict[int, Any] = {}
    reported: set[int] = set()

    def claim() -> int:
        with following.get_lock():
            following.value += 1
            return following.value - 1

    def report() -> None:  # progress for every chunk done so far, called from this thread only
        for i in sorted(i for i in list(parts) if i not in reported):
            reported.add(i)
            if progress:
                progress(i)

    with tempfile.TemporaryDirectory(prefix="minions-pool-") as tmp:

        def helper(conn) -> None:  # a forked process: `chunks` and `fn` are here already, nothing is sent
            while (i := claim()) < len(chunks):
                Path(tmp, f"{i}.pickle").write_bytes(pickle.dumps(fn(chunks[i]), pickle.HIGHEST_PROTOCOL))
                conn.send(i)
            conn.close()

        def receive(conn) -> None:
            try:
                while True:
                    i = conn.recv()
                    path = Path(tmp, f"{i}.pickle")
                    parts[i] = pickle.loads(path.read_bytes())
                    path.unlink()
            except Exception:  # the helper is done, or died: what it did not hand over is done here
                pass

        helpers: list = []
        try:
            for _ in range(processes - 1):
                here, there = mp.Pipe(duplex=False)
                proc = mp.Process(target=helper, args=(there,), daemon=True)
                proc.start()
                there.close()
                thread = threading.Thread(target=receive, args=(here,), daemon=True)
                thread.start()
                helpers.append((proc, here, thread))
            while (i := claim()) < len(chunks):
                parts[i] = fn(chunks[i])
                report()
        except BaseException:  # stop the helpers before their folder goes, then let the error through
            for proc, _, _ in helpers:
                proc.terminate()
            raise
        finally:
            for proc, conn, thread in helpers:
                proc.join()
                conn.close()
                thread.join()
    for i in range(len(chunks)):
        if i not in parts:  # a helper died before finishing it
            parts[i] = fn(chunks[i])
    report()
    return [parts[i] for i in range(len(chunks))]


@dataclass
class RayExecutor:
    """Ray Data: a local Ray with `num_cpus` (0: every core), or the cluster at `address`."""

    address: str | None = None
    num_cpus: int = 0
    name: str = "ray"

    def width(self) -> int:
        """CPUs of the cluster (of the local Ray: `num_cpus` or every core)."""
        if not self.address:
            return self.num_cpus or cores()
        import ray

        self.start()
        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    def start(self) -> None:
        try:
            import ray
        except ImportError:
            raise UserError("--executor ray needs Ray: pip install 'minions-lora[ray]' (make install does)") from None
        if ray.is_initialized():
            return
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if self.address:
            options["address"] = self.address
        else:
            options["num_cpus"] = self.num_cpus or cores()
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as e:
            where = self.address or "a local Ray"
            raise UserError(f"cannot start or join {where} ({e}); check --ray-address (see the README)") from None
        from ray.data import DataContext

        ctx = DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any], progress: Progress | None = None) -> list:
        import pickle

        import ray.data

        if not chunks:
            return []
        self.start()
        payload = [pickle.dumps(c, pickle.HIGHEST_PROTOCOL) for c in chunks]

        def run(batch: dict) -> dict:
            return {
                "i": batch["i"],
                "out": [pickle.dumps(fn(pickle.loads(b)), pickle.HIGHEST_PROTOCOL) for b in batch["chunk"]],
            }

        items = [{"i": i, "chunk": p} for i, p in enumerate(payload)]
        ds = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(run, batch_size=1)
        parts: dict[int, Any] = {}
        for row in ds.iter_rows():
            i = int(row["i"])
            parts[i] = pickle.loads(row["out"])
            if progress:
                progress(i)
        missing = [i for i in range(len(chunks)) if i not in parts]
        if missing:
            raise RuntimeError(f"Ray returned no result for {len(missing)} chunk(s)")
        return [parts[i] for i in range(len(chunks))]


def make_executor(kind: str = "local", processes: int = 0, address: str | None = None) -> Executor:
    """The executor named `kind` (local or ray); `processes` for local (0: every core) and for a local
    Ray; `address` joins an existing Ray cluster."""
    if kind == "local":
        if address:
            raise UserError("--ray-address needs --executor ray")
        return LocalExecutor(processes)
    if kind == "ray":
        return RayExecutor(address, processes)
    raise UserError(f"unknown executor {kind!r}; use local or ray")
