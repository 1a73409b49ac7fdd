"""The sandbox against real adversarial programs: each test fails when its limit does not hold."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import psutil
import pytest

from minions.errors import UserError
from minions.evaluation.sandbox import JVM_FLAGS, JVM_LIMITS, SANDBOX_UIDS, Limits, run_sandboxed, sandbox_python


@pytest.fixture
def box():
    """A working dir the unprivileged sandbox user can reach (pytest's tmp_path sits in a 0700 folder)."""
    path = Path(tempfile.mkdtemp(prefix="sandbox-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def py(box: Path, code: str, limits: Limits = Limits(), **kw):
    python, env = sandbox_python()
    return run_sandboxed([python, "-c", code], box, limits, env={**env, **kw.pop("env", {})}, **kw)


def live_with(marker: str) -> list[psutil.Process]:
    """Live (not zombie) processes whose command line holds marker."""
    found = []
    for p in psutil.process_iter(["cmdline", "status"]):
        if p.info["status"] != psutil.STATUS_ZOMBIE and marker in " ".join(p.info["cmdline"] or []):
            found.append(p)
    return found


def test_a_normal_program_comes_back_intact(box):
    (box / "data.txt").write_text("abc")
    code = "import sys; print(open('data.txt').read() + sys.stdin.read()); print('err', file=sys.stderr); sys.exit(3)"
    r = py(box, code, stdin=b"def")
    assert (r.returncode, r.stdout, r.stderr, r.killed_reason, r.timed_out) == (3, "abcdef\n", "err\n", None, False)
    assert not r.ok and r.seconds < 10


def test_the_callers_environment_is_not_inherited(box, monkeypatch):
    monkeypatch.setenv("MINIONS_TEST_SECRET", "s" + "3cr3t")
    r = py(box, "import os; print(os.environ.get('MINIONS_TEST_SECRET'), os.environ['HOME'])", env={"EXTRA": "1"})
    assert r.stdout.split() == ["None", str(box.resolve())]


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid drop happens only as root")
def test_as_root_the_program_runs_as_an_unprivileged_uid_that_owns_the_working_dir(box):
    r = py(box, "import os; open('out.txt', 'w').write('x'); print(os.getuid(), os.getgid(), os.getgroups())")
    uid, gid, groups = r.stdout.split(maxsplit=2)
    assert SANDBOX_UIDS[0] <= int(uid) < SANDBOX_UIDS[1] and gid == uid and groups.strip() == "[]"
    assert (box / "out.txt").stat().st_uid == int(uid)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root has a working dir others may not reach")
def test_a_working_dir_the_sandbox_user_cannot_reach_is_refused(tmp_path):
    private = Path(tempfile.mkdtemp())
    try:
        os.chmod(private, 0o700)
        (private / "w").mkdir()
        with pytest.raises(UserError, match="cannot enter"):
            run_sandboxed(["true"], private / "w")
    finally:
        shutil.rmtree(private)


def test_a_fork_bomb_is_one_failed_run_in_bounded_time_and_leaves_nothing_behind(box):
    marker = f"FORKBOMB-{os.getpid()}-{time.monotonic_ns()}"
    # fork failures are swallowed so it never ends by itself: only the limits stop it
    code = f"import os  # {marker}\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    start = time.monotonic()
    r = py(box, code, Limits(processes=16, wall_seconds=2))
    assert time.monotonic() - start < 10
    assert r.killed_reason in ("wall", "cpu") and r.returncode != 0
    assert live_with(marker) == []


def test_a_child_that_leaves_the_process_group_is_still_killed(box):
    marker = f"ESCAPE-{os.getpid()}-{time.monotonic_ns()}"
    code = (
        f"import os, time  # {marker}\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\nprint('parent done')\n"
    )
    r = py(box, code, Limits(wall_seconds=5))
    assert r.returncode == 0 and "parent done" in r.stdout
    if os.geteuid() == 0:  # the uid sweep catches it at once; a non-root caller has no such sweep
        assert live_with(marker) == [] and r.seconds < 4


def test_a_background_child_holding_the_pipes_does_not_keep_the_run_alive(box):
    r = py(box, "import os, time\nif os.fork() == 0:\n    time.sleep(60)\nprint('done')", Limits(wall_seconds=20))
    assert r.returncode == 0 and r.stdout == "done\n" and r.seconds < 5


def test_an_infinite_loop_is_killed_by_the_cpu_limit(box):
    r = py(box, "while True: pass", Limits(cpu_seconds=1, wall_seconds=20))
    assert r.killed_reason == "cpu" and r.timed_out and r.seconds < 5


def test_a_sleeping_program_is_killed_by_the_wall_clock(box):
    r = py(box, "import time; time.sleep(60)", Limits(wall_seconds=1))
    assert r.killed_reason == "wall" and r.timed_out and 1 <= r.seconds < 5


def test_a_1gb_print_is_cut_at_the_output_cap_without_the_parent_holding_it(box):
    cap = 100_000
    code = "import sys\nfor _ in range(16384): sys.stdout.write('x' * 65536)\nprint('END')"  # 1 GiB
    tracemalloc.start()
    try:
        r = py(box, code, Limits(output_bytes=cap, wall_seconds=20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert r.killed_reason == "output" and len(r.stdout) + len(r.stderr) == cap and "END" not in r.stdout
    assert peak < 2_000_000, f"the parent held {peak} bytes"
    assert r.seconds < 10


def test_stdout_and_stderr_share_one_cap(box):
    r = py(
        box,
        "import sys; sys.stderr.write('e' * 600); sys.stderr.flush(); sys.stdout.write('o' * 600)",
        Limits(output_bytes=1000),
    )
    assert r.killed_reason == "output" and len(r.stdout) + len(r.stderr) == 1000


def test_a_memory_hog_gets_a_memory_error(box):
    r = py(box, "x = bytearray(2 * 1024**3)\nprint('allocated')", Limits(memory_mb=256))
    assert r.killed_reason == "memory" and "MemoryError" in r.stderr and "allocated" not in r.stdout


def test_a_big_file_is_stopped_at_the_file_size_limit(box):
    r = py(box, "open('big', 'wb').write(b'x' * 10_000_000)", Limits(file_size_bytes=1_000_000))
    assert r.returncode != 0 and (box / "big").stat().st_size <= 1_000_000


@pytest.fixture
def server():
    """A real TCP server on 127.0.0.1 that answers 'hello' to whoever connects."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            conn.sendall(b"hello")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    sock.close()


CONNECT = (
    "import socket, sys\ns = socket.create_connection(('127.0.0.1', {port}), timeout=3)\nprint(s.recv(5).decode())"
)


def test_no_network_inside_even_to_a_local_server(box, server):
    r = py(box, CONNECT.format(port=server))
    assert r.network_isolated
    assert r.returncode != 0 and "hello" not in r.stdout
    assert "OSError" in r.stderr or "Error" in r.stderr


def test_the_same_connect_works_when_network_is_allowed(box, server):
    r = py(box, CONNECT.format(port=server), Limits(network=True))
    assert r.returncode == 0 and r.stdout == "hello\n" and not r.network_isolated


@pytest.mark.skipif(shutil.which("java") is None, reason="no JDK")
def test_the_jvm_runs_under_its_limits(box):
    r = run_sandboxed(["java", *JVM_FLAGS, "-version"], box, JVM_LIMITS)
    assert r.returncode == 0 and "version" in r.stderr


def test_the_sandbox_python_is_this_pythons_version(box):
    r = py(box, "import sys; print(sys.version_info[:2])")
    assert r.stdout.strip() == str(tuple(sys.version_info[:2]))


@pytest.mark.skipif(os.geteuid() != 0, reason="only a run under a uid of its own can be swept")
def test_review_files_a_run_leaves_in_shared_temporary_folders_are_removed(tmp_path):
    work = Path(tempfile.mkdtemp())
    work.chmod(0o755)
    tag = f"minions-review-{os.getpid()}"
    prog = (
        "import os\n"
        f"for d in ('/dev/shm', '/tmp'):\n    open(f'{{d}}/{tag}', 'wb').write(b'x' * 1024)\n"
        f"os.makedirs('/tmp/{tag}-dir/sub')\nopen('kept.txt', 'w').write('mine')\nprint('ok')"
    )
    python, env = sandbox_python()
    r = run_sandboxed([python, "-c", prog], work, Limits(), env=env)
    assert r.stdout.strip() == "ok", r.stderr
    assert not [p for p in ("/dev/shm", "/tmp") if os.path.exists(f"{p}/{tag}")]
    assert not os.path.exists(f"/tmp/{tag}-dir")
    assert (work / "kept.txt").read_text() == "mine", "the working dir stays"
