"""Executors: how a stage's work is spread over processes or a Ray cluster; stages never know which.

A stage cuts its work into chunks and calls `executor.map(fn, chunks)`; it gets `fn(chunk)` for every
chunk, in input order, whatever ran it. `fn` must depend only on its chunk (and what it closes over),
so any executor gives the same, byte-identical, result.

- `LocalExecutor`: this process and forked helpers (every core by default). All claim the next chunk
  from one shared counter, so they finish together; a helper writes each result into an anonymous
  in-memory file and hands over its descriptor (a pipe would make it wait for this busy process to
  read; a file on disk could outlive a killed run, holding what scrub found), a thread here loads
  them as they come. Helpers die with this process. A chunk a helper did not finish (it died or
  failed) is done here, so an error is raised here, once. Without `fork` (or with one process)
  chunks run here, one after another.
- `RayExecutor`: Ray Data over a local Ray (`ray.init(num_cpus=...)`) or an existing cluster
  (`address`, e.g. `ray://head:10001` or `auto`). `fn` and the chunks are pickled (cloudpickle) to the
  workers, so they must be importable there: install minions on every node.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from minions.errors import UserError

Progress = Callable[[int], None]  # called with a finished chunk's index, in this process


class Executor(Protocol):
    name: str

    def width(self) -> int: ...

    def close(self) -> None: ...

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

    def close(self) -> None:
        """Nothing outlives a `map` call."""

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
    import threading
    from multiprocessing import reduction

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

    def helper(conn) -> None:  # a forked process: `chunks` and `fn` are here already, nothing is sent
        _die_with_parent()
        try:
            while (i := claim()) < len(chunks):
                data = pickle.dumps(fn(chunks[i]), pickle.HIGHEST_PROTOCOL)
                # an anonymous in-memory file handed over by descriptor: the helper never waits for this
                # busy process to read a pipe, and nothing is left on disk if either side is killed
                fd = _anonymous_file()
                try:
                    _write_all(fd, data)
                    conn.send(i)
                    reduction.send_handle(conn, fd, os.getppid())
                finally:
                    os.close(fd)
        except BaseException:  # noqa: BLE001  (this process redoes the chunk and raises the error once)
            os._exit(1)
        conn.close()
        os._exit(0)

    def receive(conn) -> None:
        try:
            while True:
                i = conn.recv()
                fd = reduction.recv_handle(conn)
                try:
                    parts[i] = pickle.loads(_read_all(fd))
                finally:
                    os.close(fd)
        except Exception:  # the helper is done, or died: what it did not hand over is done here
            pass

    helpers: list = []
    try:
        for _ in range(processes - 1):
            here, there = mp.Pipe(duplex=True)  # a socket pair: it carries descriptors
            proc = mp.Process(target=helper, args=(there,), daemon=True)
            proc.start()
            there.close()
            thread = threading.Thread(target=receive, args=(here,), daemon=True)
            thread.start()
            helpers.append((proc, here, thread))
        while (i := claim()) < len(chunks):
            parts[i] = fn(chunks[i])
            report()
    except BaseException:  # stop the helpers, then let the error through
        for proc, _, _ in helpers:
            proc.terminate()
        raise
    finally:
        for proc, conn, thread in helpers:
            proc.join()
            thread.join()
            conn.close()
    for i in range(len(chunks)):
        if i not in parts:  # a helper died (or failed) before handing it over: done here, errors raised here
            parts[i] = fn(chunks[i])
    report()
    return [parts[i] for i in range(len(chunks))]


def _anonymous_file() -> int:
    """A descriptor of a file with no name: in memory on Linux, else a temporary file unlinked at once."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("minions-chunk")
    import tempfile

    with tempfile.TemporaryFile() as f:  # already unlinked on POSIX
        return os.dup(f.fileno())


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    out = bytearray(size)
    view, got = memoryview(out), 0
    while got < size:
        n = os.preadv(fd, [view[got:]], got)
        if n <= 0:
            raise OSError("short read from a helper's result")
        got += n
    return bytes(out)


def _die_with_parent() -> None:
    """Ask Linux to kill this helper when its parent dies (a SIGKILLed build leaves no orphan working)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the helper stops when its next send finds no reader
        pass


@dataclass
class RayExecutor:
    """Ray Data: a local Ray with `num_cpus` (0: every core), or the cluster at `address`."""

    address: str | None = None
    num_cpus: int = 0
    name: str = "ray"
    started: bool = False  # this executor called ray.init, so close() shuts Ray down

    def width(self) -> int:
        """CPUs of the cluster (of the local Ray: `num_cpus` or every core)."""
        if not self.address:
            return self.num_cpus or cores()
        import ray

        self.start()
        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    def start(self) -> None:
        ray = ray_module()
        if ray.is_initialized():
            return
        options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if self.address:
            _reachable(self.address)
            options["address"] = self.address
        else:
            options["num_cpus"] = self.num_cpus or cores()
        try:
            ray.init(**options)
        except (ConnectionError, RuntimeError, ValueError) as e:
            where = self.address or "a local Ray"
            first = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise UserError(f"cannot start or join {where} ({first}); check --ray-address (see the README)") from None
        self.started = True
        from ray.data import DataContext

        ctx = DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any], progress: Progress | None = None) -> list:
        import pickle

        if not chunks:
            return []
        self.start()
        import ray.data

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

    def close(self) -> None:
        """Shut down the Ray this executor started (a cluster it joined stays up)."""
        if self.started:
            import ray

            ray.shutdown()
            self.started = False


def ray_module():
    """The `ray` package, or a UserError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise UserError("--executor ray needs Ray: pip install 'minions-lora[ray]' (make install does)") from None
    return ray


def _reachable(address: str, timeout: float = 5.0) -> None:
    """A UserError, at once, when a HOST:PORT or ray://HOST:PORT address does not answer (Ray itself
    retries for minutes); `auto` and other forms are left to Ray."""
    import socket

    hostport = address.removeprefix("ray://")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise UserError(
            f"Ray cluster {address} does not answer ({e.strerror or type(e).__name__}); check --ray-address "
            "(ray://HOST:10001 from outside the cluster, auto on a node)"
        ) from None


def make_executor(kind: str = "local", processes: int = 0, address: str | None = None) -> Executor:
    """The executor named `kind` (local or ray); `processes` for local (0: every core) and for a local
    Ray; `address` joins an existing Ray cluster."""
    if kind == "local":
        if address:
            raise UserError("--ray-address needs --executor ray")
        return LocalExecutor(processes)
    if kind == "ray":
        ray_module()  # missing Ray is refused before any work
        return RayExecutor(address, processes)
    raise UserError(f"unknown executor {kind!r}; use local or ray")
