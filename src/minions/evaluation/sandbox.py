"""Run generated code in a separate process with CPU, memory, process-count, output, file-size and
wall-clock limits and no network, so a fork bomb, an infinite loop or a 1 GB print costs one failed
sample, never the run.

How each limit holds (checked on a Linux machine where the tests run as root, cgroup v1 with a
read-only pids hierarchy):
- The child starts a new session (its own process group); on any limit the whole group is killed
  with `os.killpg`, grandchildren included.
- Process limits (RLIMIT_NPROC) do not bind uid 0, and the pids cgroup is not writable here, so as
  root the child drops, after setting its limits, to a fresh unprivileged uid/gid drawn per run from
  `SANDBOX_UIDS` (no passwd entry needed). A uid of its own means RLIMIT_NPROC counts only this run's
  processes, and after the run every process with that uid is killed, so a child that left the
  process group (setsid) goes too. The working dir is chowned to that uid; every folder above it
  must be enterable by others (a `tempfile.mkdtemp()` under /tmp is). Not root: the limits bind the
  caller's own uid, and RLIMIT_NPROC is raised by the processes the user already runs.
- No network: `unshare(CLONE_NEWNET)` in the child (root), or `unshare(CLONE_NEWUSER|CLONE_NEWNET)`
  (non-root, where user namespaces are allowed): a fresh namespace has only a loopback that is down,
  so even 127.0.0.1 is unreachable. Where neither is permitted the program runs with the network and
  `RunResult.network_isolated` is False (a warning is logged once per call).
- Memory is RLIMIT_AS (address space). The JVM reserves far more address space than it uses (heap,
  code cache, class space, one stack per thread), so Java runs with `memory_mb=None` (no RLIMIT_AS)
  and bounds its heap itself (`JVM_FLAGS`: -Xmx256m, serial GC); see `JVM_LIMITS`.
- Output: stdout and stderr are read through pipes as they come; once their sum passes
  `output_bytes` the group is killed, and no more than the cap is ever kept.
- Files: RLIMIT_FSIZE caps each file; as root, what the run's uid left in /tmp and /dev/shm is
  removed afterwards.
- Not covered: there is no mount namespace, so a program can read what the unprivileged uid may read
  and reach host services on world-writable Unix sockets (a network namespace does not cover
  filesystem sockets); memory is bounded per process (RLIMIT_AS), so a run may use up to `processes`
  times `memory_mb`, and Java runs only by the JVM's heap flag. A memory cgroup would bound the
  whole run; it needs a writable cgroup hierarchy, which these machines do not give.
- The child's environment is built here (PATH, HOME and TMPDIR in the working dir, LANG, and what
  the caller passes): the caller's environment, which may hold credentials, is not inherited.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import math
import os
import resource
import secrets
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from minions.errors import UserError

log = logging.getLogger(__name__)

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SANDBOX_UIDS = (3_000_000, 4_000_000)  # [first, last): far above login and subordinate-uid ranges
JVM_FLAGS = ("-Xmx256m", "-Xss1m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto")
_CHUNK = 65536


@dataclass(frozen=True)
class Limits:
    """What one sandboxed run may use; None switches a limit off."""

    cpu_seconds: float = 10.0
    memory_mb: int | None = 512  # RLIMIT_AS; None for the JVM (see JVM_LIMITS)
    processes: int = 32  # RLIMIT_NPROC: processes and threads
    output_bytes: int = 1 << 20  # stdout + stderr together
    wall_seconds: float = 30.0
    file_size_bytes: int | None = 16 << 20  # RLIMIT_FSIZE: the largest file it may write
    network: bool = False


# javac and java: no RLIMIT_AS (the heap is bounded by -Xmx in JVM_FLAGS), room for the JVM's threads
JVM_LIMITS = Limits(cpu_seconds=60.0, memory_mb=None, processes=256, wall_seconds=120.0)


@dataclass(frozen=True)
class RunResult:
    """What came back from one run; stdout and stderr are cut at the output cap."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool  # killed by the wall-clock or the CPU limit
    killed_reason: str | None  # None | 'wall' | 'cpu' | 'memory' | 'output' | 'signal'
    seconds: float
    cpu_seconds: float = 0.0
    network_isolated: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.killed_reason is None


def run_sandboxed(
    argv: list[str],
    cwd: Path,
    limits: Limits = Limits(),
    stdin: bytes = b"",
    env: dict[str, str] | None = None,
) -> RunResult:
    """Run argv in cwd under `limits` (module docstring: how each holds) and return what it did."""
    cwd = Path(cwd).resolve()
    uid = _sandbox_uid() if os.geteuid() == 0 else None
    if uid is not None:
        _hand_over(cwd, uid)
    child_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(cwd), "TMPDIR": str(cwd), "LANG": "C.UTF-8"}
    child_env.update(env or {})
    modes = [None] if limits.network else [CLONE_NEWNET] if uid is not None else [CLONE_NEWUSER | CLONE_NEWNET]
    if not limits.network:
        modes.append(None)  # the fallback: run with the network, say so in the result
    with tempfile.TemporaryFile() as stdin_file:
        stdin_file.write(stdin)
        stdin_file.seek(0)
        for mode in modes:
            try:
                proc = subprocess.Popen(
                    argv,
                    cwd=cwd,
                    env=child_env,
                    stdin=stdin_file,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                    preexec_fn=_child_setup(limits, uid, mode),
                )
                break
            except subprocess.SubprocessError:
                if mode is None:
                    raise
                log.warning("sandbox: no network namespace could be made; the program runs with the network")
    try:
        return _watch(proc, limits, uid, network_isolated=mode is not None)
    finally:
        # the group was killed before the leader was reaped; after that only the uid sweep is safe
        _kill_all(proc.pid if proc.returncode is None else None, uid)
        if uid is not None:
            _remove_files_of(uid, keep=cwd)


def _remove_files_of(uid: int, keep: Path, places: tuple[str, ...] = ("/tmp", "/dev/shm")) -> None:
    """Remove what a run's own uid left in the shared temporary folders (RLIMIT_FSIZE caps each file,
    not how many a program writes there), except the working dir and the folders holding it."""
    for place in places:
        with contextlib.suppress(OSError):
            for entry in os.scandir(place):
                with contextlib.suppress(OSError):
                    path = Path(entry.path).resolve()
                    if entry.stat(follow_symlinks=False).st_uid != uid or path == keep or path in keep.parents:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)


def sandbox_python() -> tuple[str, dict[str, str]]:
    """The Python interpreter a sandboxed run can execute, and the env it needs.

    As root the run drops to an unprivileged uid, which cannot run an interpreter kept under a
    private folder (pyenv under /root): then the system python3 of the same minor version runs,
    with this environment's site-packages on PYTHONPATH (pure-Python tools such as pytest), and
    pytest plugin autoloading off."""
    here = os.path.realpath(sys.executable)
    if os.geteuid() != 0 or (_others_can_enter(here) and _others_can_enter(sys.base_prefix)):
        return sys.executable, {}
    system = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    if not os.path.exists(system):
        raise UserError(
            f"no Python an unprivileged user can run: {here} sits in a private folder and {system} is "
            "missing; install python3 from the system packages or run outside root"
        )
    site = [p for p in sys.path if p.endswith("site-packages") and _others_can_enter(p)]
    return system, {"PYTHONPATH": os.pathsep.join(site), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def _sandbox_uid() -> int:
    return SANDBOX_UIDS[0] + secrets.randbelow(SANDBOX_UIDS[1] - SANDBOX_UIDS[0])


def _others_can_enter(path: str | Path) -> bool:
    """Whether every folder on the way to path lets others pass (and path itself read or run)."""
    p = Path(os.path.realpath(path))
    for folder in [*reversed(p.parents)]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    return bool(os.stat(p).st_mode & (stat.S_IROTH | stat.S_IXOTH))


def _hand_over(cwd: Path, uid: int) -> None:
    """Make the working dir the sandbox user's (refusing one it could not reach)."""
    if not all(os.stat(f).st_mode & stat.S_IXOTH for f in cwd.parents):
        raise UserError(
            f"sandbox working dir {cwd.name!r} sits under a folder others cannot enter; "
            "use a folder made with tempfile.mkdtemp() under /tmp"
        )
    for folder, dirs, files in os.walk(cwd):
        os.chown(folder, uid, uid)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def _child_setup(limits: Limits, uid: int | None, unshare_flags: int | None) -> Callable[[], None]:
    """The function the child runs between fork and exec (after setsid): namespace, limits, user."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    nproc = limits.processes
    if uid is None and nproc is not None:
        nproc += _processes_of(os.getuid())  # RLIMIT_NPROC counts the user's other processes too
    rlimits = [(resource.RLIMIT_CORE, 0)]
    if limits.cpu_seconds is not None:
        rlimits.append((resource.RLIMIT_CPU, max(1, math.ceil(limits.cpu_seconds))))
    if limits.memory_mb is not None:
        rlimits.append((resource.RLIMIT_AS, limits.memory_mb << 20))
    if nproc is not None:
        rlimits.append((resource.RLIMIT_NPROC, nproc))
    if limits.file_size_bytes is not None:
        rlimits.append((resource.RLIMIT_FSIZE, limits.file_size_bytes))

    def setup() -> None:
        if unshare_flags is not None and libc.unshare(unshare_flags) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
        for which, value in rlimits:
            # CPU: SIGXCPU at the soft limit, SIGKILL one second later if it is caught
            hard = value + 1 if which == resource.RLIMIT_CPU else value
            resource.setrlimit(which, (value, hard))
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)

    return setup


def _processes_of(uid: int) -> int:
    return sum(1 for pid in _pids() if _uid_of(pid) == uid)


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _uid_of(pid: int) -> int | None:
    """The real uid of a live (not zombie) process, None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            status = f.read()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields.get("State", "").strip().startswith("Z"):
        return None
    return int(fields["Uid"].split()[0])


def _watch(proc: subprocess.Popen, limits: Limits, uid: int | None, network_isolated: bool) -> RunResult:
    """Read the output as it comes, enforce the wall clock and the output cap, reap the child."""
    start = time.monotonic()
    deadline = start + limits.wall_seconds if limits.wall_seconds is not None else math.inf
    cap = limits.output_bytes
    out = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    sel = selectors.DefaultSelector()
    for fd in out:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    reason = None
    status = rusage = None
    kept = 0
    while status is None or sel.get_map():
        if status is None:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage = st, ru
                _kill_all(proc.pid, uid)  # the program is done: what it left behind goes, so the pipes close
        now = time.monotonic()
        if now >= deadline:
            if reason is not None or status is not None:
                break  # pipes still held after the kill or after the program ended: stop reading
            reason = "wall"
            _kill_all(proc.pid, uid)
            deadline = now + 2.0  # only to drain the pipes of killed writers
            continue
        if not sel.get_map():
            time.sleep(0.02)
            continue
        for key, _ in sel.select(timeout=min(0.05, max(0.0, deadline - now))):
            chunk = os.read(key.fd, _CHUNK)
            if not chunk:
                sel.unregister(key.fd)
                continue
            room = max(0, cap - kept) if cap is not None else len(chunk)
            out[key.fd] += chunk[:room]
            kept += min(len(chunk), room)
            if len(chunk) > room and reason is None:
                reason = "output"
                _kill_all(proc.pid, uid)
    sel.close()
    if status is None:
        _kill_all(proc.pid, uid)
        _, status, rusage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = (bytes(b).decode("utf-8", "replace") for b in out.values())
    proc.stdout.close()
    proc.stderr.close()
    cpu = rusage.ru_utime + rusage.ru_stime
    reason = reason or _reason(proc.returncode, cpu, stderr, limits)
    return RunResult(
        returncode=proc.returncode,
        stdout=stdout,
        stderr=stderr,
        timed_out=reason in ("wall", "cpu"),
        killed_reason=reason,
        seconds=round(time.monotonic() - start, 3),
        cpu_seconds=round(cpu, 3),
        network_isolated=network_isolated,
    )


_OUT_OF_MEMORY = ("MemoryError", "java.lang.OutOfMemoryError", "std::bad_alloc", "Cannot allocate memory")


def _reason(returncode: int, cpu: float, stderr: str, limits: Limits) -> str | None:
    """Why a run that ended by itself failed, when a limit made it fail."""
    cpu_hit = limits.cpu_seconds is not None and cpu >= math.ceil(limits.cpu_seconds) - 0.2
    if returncode == -signal.SIGXCPU or (returncode == -signal.SIGKILL and cpu_hit):
        return "cpu"
    if returncode != 0 and any(m in stderr for m in _OUT_OF_MEMORY):
        return "memory"
    if returncode < 0:
        return "signal"
    return None


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _kill_all(pgid: int | None, uid: int | None) -> None:
    """Kill the process group and, with a sandbox uid, every process of that uid, until none is left
    (a fork bomb forks between two sweeps; RLIMIT_NPROC bounds how many there can be)."""
    for _ in range(200):
        if pgid is not None:
            _kill_group(pgid)
        if uid is None:
            return
        left = [pid for pid in _pids() if _uid_of(pid) == uid]
        if not left:
            return
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)
