"""Compile and run many small Java programs (a `public class Main` each) with few JVMs.

JVM start-up dominates: one JVM per worker compiles every program in-process (javax.tools) and runs
each from a class loader of its own (src/minions/evaluation/java/HumanEvalHarness.java). A program that
times out, exhausts memory or calls System.exit ends that JVM; the worker starts a new one for the
programs left, so one bad program fails only itself.

Every process starts through `_run`, the one place to put a sandbox (resource limits, no network).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from minions.errors import UserError

HARNESS = Path(__file__).parent / "java" / "HumanEvalHarness.java"
KINDS = ("pass", "compile", "runtime", "assertion", "timeout")
# C1 only: javac and short tests need no C2, whose compiler threads took half the CPU time on 2 cores
JVM_OPTIONS = ["-ea", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]
START_MARGIN_S = 60.0  # JVM start-up and javac's first (cold) compile, on a busy machine
COMPILE_ALLOWANCE_S = 30.0  # a program's compile is not under the per-program timeout


@dataclass(frozen=True)
class JavaOutcome:
    """How one program ended: kind is one of KINDS; detail is a one-line message (empty on pass)."""

    kind: str
    detail: str

    @property
    def passed(self) -> bool:
        return self.kind == "pass"


def _run(argv: list[str], cwd: Path, timeout: float, stdin: bytes = b"") -> tuple[int, str, str, bool]:
    """Run argv in the evaluation sandbox (its own process group, no network, an unprivileged uid when
    root, a process and output cap) with a wall-clock and CPU budget of `timeout` seconds;
    (returncode, stdout, stderr, timed_out). The JVM's heap is capped by its own flags, not RLIMIT_AS."""
    from minions.evaluation.sandbox import Limits, run_sandboxed

    limits = Limits(
        cpu_seconds=timeout * 2,  # two busy threads (the program and the JIT) for the whole budget
        memory_mb=None,
        processes=512,  # the JVM's threads count as processes
        output_bytes=8 << 20,
        wall_seconds=timeout,
        file_size_bytes=64 << 20,
    )
    run = run_sandboxed(argv, cwd, limits, stdin=stdin)
    return run.returncode, run.stdout, run.stderr, run.timed_out or run.killed_reason in ("wall", "cpu")


def java_tools() -> tuple[str, str]:
    """The javac and java commands, or a UserError saying to install a JDK."""
    javac, java = shutil.which("javac"), shutil.which("java")
    if javac is None or java is None:
        raise UserError("javac and java are needed to run Java programs; install a JDK (17 or later)")
    return javac, java


def compile_harness(javac: str, into: Path) -> None:
    """Compile the harness class into `into` (about a second)."""
    into.mkdir(parents=True, exist_ok=True)
    rc, _, err, timed_out = _run([javac, "-d", str(into), str(HARNESS)], into, 120)
    if rc != 0 or timed_out:
        raise RuntimeError(f"compiling {HARNESS.name} failed: {err.strip()[:500]}")


def run_java_programs(
    sources: list[str],
    timeout: float = 10.0,
    workers: int = 2,
    on_result: Callable[[int, JavaOutcome], None] | None = None,
) -> list[JavaOutcome]:
    """Compile and run each source (a file holding `public class Main` with a main method); one
    outcome per source, in order. A program passes when main returns; `timeout` (seconds) bounds each
    run; `workers` JVMs share the programs. `on_result(index, outcome)` is called as results arrive."""
    if not sources:
        return []
    javac, java = java_tools()
    with tempfile.TemporaryDirectory(prefix="minions-java-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # the sandbox's unprivileged user must pass through to its own folder
        compile_harness(javac, work / "harness")
        shards = [list(range(w, len(sources), workers)) for w in range(max(1, min(workers, len(sources))))]
        folders: list[Path] = [work] * len(sources)
        for k, shard in enumerate(shards):  # a folder per JVM: the sandbox hands each to its own uid
            for i in shard:
                folders[i] = work / f"w{k}" / f"p{i:05d}"
                folders[i].mkdir(parents=True)
                (folders[i] / "Main.java").write_text(sources[i], encoding="utf-8")
        outcomes: list[JavaOutcome | None] = [None] * len(sources)

        def record(i: int, outcome: JavaOutcome) -> None:
            outcomes[i] = outcome
            if on_result:
                on_result(i, outcome)

        argv = [java, *JVM_OPTIONS, "-cp", str(work / "harness"), "HumanEvalHarness", str(int(timeout * 1000))]
        argv.append(str(int(COMPILE_ALLOWANCE_S * 1000)))
        with ThreadPoolExecutor(len(shards)) as pool:
            jobs = [
                pool.submit(_worker, argv, work / f"w{k}", shard, folders, timeout, record)
                for k, shard in enumerate(shards)
            ]
            for f in jobs:
                f.result()
    return outcomes  # type: ignore[return-value]


def _worker(
    argv: list[str],
    work: Path,
    indices: list[int],
    folders: list[Path],
    timeout: float,
    record: Callable[[int, JavaOutcome], None],
) -> None:
    """Run the programs `indices` in one JVM, and in a new one after each that ended the JVM."""
    left = list(indices)
    attempt = 0
    while left:
        attempt += 1
        listing = work / f"list-{indices[0]}-{attempt}.txt"
        listing.write_text("".join(f"{folders[i]}\n" for i in left), encoding="utf-8")
        budget = START_MARGIN_S + len(left) * (timeout + COMPILE_ALLOWANCE_S)
        nonce = secrets.token_hex(16)  # the harness reads it from stdin: a program cannot forge its lines
        rc, out, err, timed_out = _run([*argv, str(listing)], work, budget, stdin=f"{nonce}\n".encode())
        started, done = _parse(out, left, record, nonce)
        unfinished = [i for i in started if i not in done]
        if not started:
            raise RuntimeError(f"the Java harness did not start (exit {rc}): {err.strip()[:500]}")
        for i in unfinished:  # the program the JVM was running when it ended
            if timed_out:
                record(i, JavaOutcome("timeout", f"the JVM ran past its {budget:.0f} s budget"))
            else:
                record(i, JavaOutcome("runtime", f"the JVM exited with code {rc} (System.exit or a crash)"))
        left = [i for i in left if i not in started]


def _parse(
    out: str, left: list[int], record: Callable[[int, JavaOutcome], None], nonce: str
) -> tuple[set[int], set[int]]:
    """Read the harness's @@START / @@RESULT lines (positions in `left`) that carry this run's nonce;
    a RESULT counts only for the program started last, once. Record each result."""
    started, done = set(), set()
    current = None
    for line in out.splitlines():
        parts = line.split(" ", 4)
        if len(parts) < 3 or parts[0] not in ("@@START", "@@RESULT") or parts[1] != nonce or not parts[2].isdigit():
            continue  # not the harness's (a program writing to the real stdout)
        position = int(parts[2])
        if position >= len(left):
            continue
        i = left[position]
        if parts[0] == "@@START":
            started.add(i)
            current = i
        elif i == current and len(parts) > 3 and parts[3] in KINDS and i not in done:
            done.add(i)
            record(i, JavaOutcome(parts[3], parts[4] if len(parts) > 4 else ""))
    return started, done
