"""The code ladder: does generated code parse, compile, and pass its tests? Each rung is recorded.

- parses: the tree-sitter grammar of `minions.parsing`, no ERROR or MISSING node left.
- compiles: Python `py_compile`, Java `javac` (JUnit 5 on the classpath), both in the sandbox;
  Kotlin and other languages: parse only (None).
- unresolved: javac errors that only name missing third-party packages or the types imported from
  them ("package X does not exist", "cannot find symbol" for such a name) cannot be fixed offline;
  they are listed apart and `compiles` stays None rather than False.
- tests_pass: pytest (Python) or JUnit 5's console launcher (Java) on the given test code, in the
  sandbox; None with a reason when a tool is missing or a lower rung failed.

`compile_java_batch` compiles many independent sources in one javac run (JVM start-up dominates):
each source moves into a package of its own (`b0`, `b1.<its package>`, ...; the line numbers stay)
and diagnostics are mapped back by folder; a batch whose errors cannot all be attributed is
compiled again one source at a time.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from minions.errors import UserError
from minions.evaluation.sandbox import (
    JVM_FLAGS,
    JVM_LIMITS,
    Limits,
    RunResult,
    _others_can_enter,
    run_sandboxed,
    sandbox_python,
)
from minions.filters.syntax import first_error
from minions.parsing.languages import LANGUAGES

RUNGS = ("parses", "compiles", "tests_pass")
JAVA_LIBS = Path("/usr/share/java")
JUNIT_CONSOLE = JAVA_LIBS / "junit-platform-console-standalone.jar"
# the JUnit 5 API jars javac needs when the console launcher (which holds them all) is missing
JUNIT_API = ("junit-jupiter-api.jar", "junit-jupiter-params.jar", "opentest4j.jar", "apiguardian-api.jar")
JAVAC_FLAGS = (
    *(f"-J{f}" for f in JVM_FLAGS),
    "-encoding",
    "UTF-8",
    "-proc:none",
    "-nowarn",
    "-Xmaxerrs",
    "100000",
    # check every file to the end even when another has errors (by default javac stops all of
    # them at the first error, which would hide the errors of the rest of a batch)
    "-XDshould-stop.ifError=FLOW",
)
PYTHON_LIMITS = Limits(cpu_seconds=20.0, memory_mb=1024, processes=64, wall_seconds=60.0)
MAX_ERROR = 200


@dataclass(frozen=True)
class CompileResult:
    """One source's javac verdict: compiles is None when only third-party names were missing."""

    compiles: bool | None
    error: str | None = None  # the first real error, "line N: message"
    unresolved: tuple[str, ...] = ()  # the missing third-party packages and names


@dataclass(frozen=True)
class Rungs:
    """Each rung of one piece of code: True, False, or None when it was not checked (`reasons` says why)."""

    lang: str
    parses: bool
    compiles: bool | None = None
    unresolved: tuple[str, ...] = ()
    tests_pass: bool | None = None
    error: str | None = None  # the first error met, short and without machine paths
    reasons: dict[str, str] = field(default_factory=dict)  # rung -> why it is None

    @property
    def highest(self) -> str:
        """The highest rung reached ('none' when the code does not even parse)."""
        reached = "none"
        for rung in RUNGS:
            if getattr(self, rung) is not True:
                break
            reached = rung
        return reached


def ladder(
    code: str,
    lang: str,
    *,
    tests: str | None = None,
    context: dict | None = None,
    workdir: Path,
    limits: Limits | None = None,
) -> Rungs:
    """Climb the ladder for code in lang (python, java, kotlin, ... any parsing language).

    context: `files` (relative path -> text) written beside the code (stubs, the focal class's
    neighbours; Java compiles them together), `module` (Python: the code's module name, default
    `solution`), `class_name` (Java: the file's class when it cannot be read from the code).
    limits: for running the tests (default PYTHON_LIMITS, JVM_LIMITS for Java).
    Scratch files go to a fresh folder under workdir, or under the system temp folder when the
    sandbox user could not enter workdir; the folder is removed afterwards."""
    if lang not in LANGUAGES:
        raise UserError(f"no ladder for language {lang!r}: use one of {', '.join(sorted(LANGUAGES))}")
    context = context or {}
    line = first_error(code, lang)
    if line is not None:
        return Rungs(lang, parses=False, error=f"line {line}: syntax error")
    scratch = _scratch(workdir)
    try:
        for rel, text in (context.get("files") or {}).items():
            _write(scratch, rel, text)
        if lang == "python":
            return _python(code, tests, context, scratch, limits or PYTHON_LIMITS)
        if lang == "java":
            return _java(code, tests, context, scratch, limits or JVM_LIMITS)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Rungs(lang, parses=True, reasons={"compiles": f"{lang}: parse only", "tests_pass": f"{lang}: parse only"})


def compile_java_batch(
    sources: dict[str, str], workdir: Path | None = None, counted: dict[str, tuple[int, int]] | None = None
) -> dict[str, CompileResult]:
    """Compile independent Java sources (key -> code) in one javac run; each key gets its verdict.
    `counted`: for a key, the lines (first, last) whose errors count; the rest of that source is a
    stub written here, whose errors say nothing of the code under test."""
    counted = counted or {}
    if not sources:
        return {}
    scratch = _scratch(workdir)
    try:
        files = {}
        for i, (key, code) in enumerate(sources.items()):
            rel = f"b{i}/{_class_name(code) or 'Source'}.java"
            _write(scratch, rel, _move_to_package(code, f"b{i}"))
            files[key] = rel
        run = _javac(list(files.values()), scratch)
        diags = _diagnostics(run.stderr)
        by_dir = {rel.split("/")[0]: key for key, rel in files.items()}
        attributed = all(d.path.split("/")[0] in by_dir for d in diags)
        if run.killed_reason is None and attributed and (run.returncode == 0 or diags):
            return {
                key: _verdict([d for d in diags if d.path == rel and _in(d.line, counted.get(key))], sources[key])
                for key, rel in files.items()
            }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if len(sources) == 1:
        key, code = next(iter(sources.items()))
        return {key: CompileResult(False, error=_short_failure(run))}
    return {
        key: next(iter(compile_java_batch({key: code}, workdir, counted).values())) for key, code in sources.items()
    }


def _in(line: int, span: tuple[int, int] | None) -> bool:
    return span is None or span[0] <= line <= span[1]


# --- Python -------------------------------------------------------------------------------------


def _python(code: str, tests: str | None, context: dict, scratch: Path, limits: Limits) -> Rungs:
    module = context.get("module") or "solution"
    source = module.replace(".", "/") + ".py"  # a dotted module sits in its packages
    parts = module.split(".")
    for k in range(1, len(parts)):
        _write(scratch, "/".join(parts[:k]) + "/__init__.py", "")
    _write(scratch, source, code)
    python, env = sandbox_python()
    check = f"import py_compile; py_compile.compile({source!r}, doraise=True)"
    run = run_sandboxed([python, "-c", check], scratch, PYTHON_LIMITS, env=env)
    if not run.ok:
        return Rungs("python", parses=True, compiles=False, error=_python_error(run))
    if tests is None:
        return Rungs("python", parses=True, compiles=True, reasons={"tests_pass": "no tests given"})
    test_file = f"test_{module.replace('.', '_')}.py"
    _write(scratch, test_file, tests)
    argv = [python, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", "--no-header", test_file]
    run = run_sandboxed(argv, scratch, limits, env=env)
    if run.ok:
        return Rungs("python", parses=True, compiles=True, tests_pass=True)
    return Rungs("python", parses=True, compiles=True, tests_pass=False, error=_pytest_error(run))


def _python_error(run: RunResult) -> str:
    if run.killed_reason:
        return f"killed ({run.killed_reason} limit)"
    lines = [ln.strip() for ln in run.stderr.splitlines() if ln.strip()]
    where = next((ln for ln in reversed(lines) if ln.startswith("File ")), "")
    line = re.search(r"line (\d+)", where)
    msg = lines[-1] if lines else f"exit code {run.returncode}"
    msg = re.sub(r"^py_compile\.PyCompileError: ", "", msg)
    return _clip(f"line {line.group(1)}: {msg}" if line else msg)


def _pytest_error(run: RunResult) -> str:
    if run.killed_reason:
        return f"tests killed ({run.killed_reason} limit)"
    if run.returncode == 5:
        return "no tests collected"
    lines = run.stdout.splitlines()
    first = next((ln for ln in lines if ln.startswith(("FAILED ", "ERROR "))), None)
    return _clip(first or (lines[-1] if lines else f"pytest exit code {run.returncode}"))


# --- Java ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Diag:
    path: str
    line: int
    message: str
    symbol: str = ""  # "class Foo", "variable bar", ...


_DIAG = re.compile(r"^(?P<path>\S[^:]*\.java):(?P<line>\d+): error: (?P<msg>.*)$")
_MISSING_PACKAGE = re.compile(r"^package ([\w.]+) does not exist$")
_IMPORT = re.compile(r"^\s*import\s+(static\s+)?([\w.]+?)(\.\*)?\s*;", re.M)


def _java(code: str, tests: str | None, context: dict, scratch: Path, limits: Limits) -> Rungs:
    name = context.get("class_name") or _class_name(code) or "Solution"
    rel = _java_path(code, name)
    _write(scratch, rel, code)
    others = [r for r in (context.get("files") or {}) if r.endswith(".java")]
    run = _javac([rel, *others], scratch)
    diags = _diagnostics(run.stderr)
    if run.killed_reason or (run.returncode != 0 and not diags):
        return Rungs("java", parses=True, compiles=False, error=_short_failure(run))
    verdict = _verdict([d for d in diags if d.path == rel], code)
    if verdict.compiles is not True or any(d.path != rel for d in diags):
        error = verdict.error or (None if verdict.compiles is None else "the context files do not compile")
        reasons = {"compiles": "missing third-party names"} if verdict.compiles is None else {}
        reasons["tests_pass"] = "does not compile" if verdict.compiles is False else "unresolved names"
        compiles = verdict.compiles if verdict.compiles is not True else False
        return Rungs("java", True, compiles, verdict.unresolved, error=error, reasons=reasons)
    if tests is None:
        return Rungs("java", parses=True, compiles=True, reasons={"tests_pass": "no tests given"})
    if not JUNIT_CONSOLE.exists():
        why = "JUnit 5 console launcher missing: run scripts/install-test-deps.sh (Debian package junit5)"
        return Rungs("java", parses=True, compiles=True, reasons={"tests_pass": why})
    test_name = _class_name(tests) or "SolutionTest"
    test_rel = _java_path(tests, test_name)
    _write(scratch, test_rel, tests)
    run = _javac([test_rel], scratch, classpath=["classes"])
    if run.returncode != 0 or run.killed_reason:
        diag = next(iter(_diagnostics(run.stderr)), None)
        error = f"tests do not compile: line {diag.line}: {diag.message}" if diag else _short_failure(run)
        return Rungs("java", parses=True, compiles=True, tests_pass=False, error=_clip(error))
    package = _package(tests)
    qualified = f"{package[0]}.{test_name}" if package else test_name
    argv = ["java", *JVM_FLAGS, "-jar", str(JUNIT_CONSOLE), "--class-path", "classes", "--select-class", qualified]
    argv += ["--disable-banner", "--disable-ansi-colors", "--details=tree", "--fail-if-no-tests"]
    run = run_sandboxed(argv, scratch, limits)
    if run.ok:
        return Rungs("java", parses=True, compiles=True, tests_pass=True)
    return Rungs("java", parses=True, compiles=True, tests_pass=False, error=_junit_error(run))


def _javac(rels: list[str], scratch: Path, classpath: list[str] | None = None) -> RunResult:
    cp = [*(classpath or []), *_junit_jars()]
    argv = ["javac", *JAVAC_FLAGS, "-d", "classes", *(["-cp", ":".join(cp)] if cp else []), *rels]
    return run_sandboxed(argv, scratch, JVM_LIMITS)


def _junit_jars() -> list[str]:
    if JUNIT_CONSOLE.exists():
        return [str(JUNIT_CONSOLE)]
    return [str(JAVA_LIBS / j) for j in JUNIT_API if (JAVA_LIBS / j).exists()]


def _diagnostics(stderr: str) -> list[_Diag]:
    """javac's errors, with the `symbol:` line of a "cannot find symbol" error."""
    found: list[_Diag] = []
    for line in stderr.splitlines():
        m = _DIAG.match(line)
        if m:
            found.append(_Diag(m["path"], int(m["line"]), m["msg"].strip()))
        elif found and line.strip().startswith("symbol:") and not found[-1].symbol:
            last = found[-1]
            found[-1] = _Diag(last.path, last.line, last.message, line.split(":", 1)[1].strip())
    return found


def _verdict(diags: list[_Diag], code: str) -> CompileResult:
    """Split one file's errors into missing third-party names and real errors."""
    if not diags:
        return CompileResult(True)
    missing = {m[1] for d in diags if (m := _MISSING_PACKAGE.match(d.message)) and not _jdk(m[1])}
    names, wildcard = set(), False
    for static, target, star in _IMPORT.findall(code):
        owner = target if star else target.rsplit(".", 1)[0]
        if any(owner == p or owner.startswith(p + ".") for p in missing):
            wildcard |= bool(star) and not static
            if not star:
                names.add(target.rsplit(".", 1)[1])
            if static:  # import static a.b.C.m: C and m are missing
                names.add(owner.rsplit(".", 1)[-1])
    real, unresolved = [], set(missing)
    jdk = jdk_class_names()
    from_jdk = {t.rsplit(".", 1)[1] for _, t, star in _IMPORT.findall(code) if not star and _jdk(t.rsplit(".", 1)[0])}
    for d in diags:
        kind, _, name = d.symbol.partition(" ")
        if _MISSING_PACKAGE.match(d.message) and d.message.split()[1] in missing:
            continue
        if d.message == "cannot find symbol" and (name in names or (wildcard and kind == "class")):
            unresolved.add(name)
            continue
        # a class that is neither the JDK's nor written here: the repository's own or a library's,
        # which an offline compile cannot have (a JDK class is a missing import: a real error)
        simple = name.split("<")[0]
        # javac names a class used only for a static call (`PostMapper.toDto(p)`) a missing variable
        as_class = kind == "class" or (kind == "variable" and simple[:1].isupper() and not _declared(simple, code))
        if d.message == "cannot find symbol" and as_class and jdk and simple not in jdk | from_jdk:
            unresolved.add(name)
            continue
        real.append(d)
    if real:
        d = real[0]
        detail = f" ({d.symbol})" if d.symbol else ""
        return CompileResult(False, _clip(f"line {d.line}: {d.message}{detail}"), tuple(sorted(unresolved)))
    return CompileResult(None, None, tuple(sorted(unresolved)))


def _declared(name: str, code: str) -> bool:
    """Whether code declares `name` as a variable, field or parameter (a type before it)."""
    return re.search(rf"[\w>\]]\s+{re.escape(name)}\s*[=;,)]", code) is not None


@functools.cache
def jdk_class_names() -> frozenset[str]:
    """Simple names of the JDK's public top-level classes in java.* and javax.* (from the runtime
    image, `jimage list`, about a second once per process); empty when jimage is missing."""
    javac = shutil.which("javac")
    jimage = shutil.which("jimage")
    if not javac or not jimage:
        return frozenset()
    home = Path(os.path.realpath(javac)).parents[1]
    run = subprocess.run([jimage, "list", str(home / "lib" / "modules")], capture_output=True, text=True, check=False)
    names = re.findall(r"^\s+javax?/(?:[\w/]+/)?([A-Z]\w*)\.class$", run.stdout, re.M)
    return frozenset(names)


def _jdk(package: str) -> bool:
    """A missing `java.*` package is a mistake in the code, not a library that could not be fetched."""
    return package == "java" or package.startswith("java.")


def _junit_error(run: RunResult) -> str:
    if run.killed_reason:
        return f"tests killed ({run.killed_reason} limit)"
    lines = run.stdout.splitlines()
    failed = next((ln.strip() for ln in lines if "✘" in ln), None)
    cause = next((ln.strip()[3:] for ln in lines if ln.strip().startswith("=> ")), None)
    if run.returncode == 2:
        return "no tests found"
    return _clip(cause or failed or f"JUnit exit code {run.returncode}")


_TYPES = ("class_declaration", "interface_declaration", "enum_declaration", "record_declaration")


def _top(code: str) -> list:
    return LANGUAGES["java"].parser().parse(code.encode()).root_node.children


def _class_name(code: str) -> str | None:
    """The public top-level type's name (else the first type's), which names the file."""
    names = []
    for node in _top(code):
        name = node.child_by_field_name("name") if node.type in _TYPES else None
        if name is None:
            continue
        mods = next((c for c in node.children if c.type == "modifiers"), None)
        if mods is not None and any(c.type == "public" for c in mods.children):
            return name.text.decode()
        names.append(name.text.decode())
    return names[0] if names else None


def _package(code: str) -> tuple[str, int] | None:
    """The declared package and the byte offset where its name starts."""
    for node in _top(code):
        if node.type == "package_declaration":
            name = next((c for c in node.children if c.type in ("scoped_identifier", "identifier")), None)
            if name is not None:
                return name.text.decode(), name.start_byte
    return None


def _java_path(code: str, name: str) -> str:
    package = _package(code)
    folder = package[0].replace(".", "/") + "/" if package else ""
    return f"{folder}{name}.java"


def _move_to_package(code: str, prefix: str) -> str:
    """The same source in package prefix(.its own), on the same lines."""
    package = _package(code)
    if package is None:
        return f"package {prefix}; {code}"
    raw = code.encode()
    return (raw[: package[1]] + f"{prefix}.".encode() + raw[package[1] :]).decode()


def _short_failure(run: RunResult) -> str:
    if run.killed_reason:
        return f"javac killed ({run.killed_reason} limit)"
    first = next((ln for ln in run.stderr.splitlines() if ln.strip()), f"javac exit code {run.returncode}")
    return _clip(re.sub(r"\S*/", "", first))


# --- shared -------------------------------------------------------------------------------------


def _scratch(workdir: Path | None) -> Path:
    """A fresh folder under workdir, or under the system temp folder when the sandbox user (root
    drops to one) could not enter workdir."""
    base = None
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        base = workdir if os.geteuid() != 0 or _others_can_enter(workdir) else None
    return Path(tempfile.mkdtemp(prefix="ladder-", dir=base))


def _write(root: Path, rel: str, text: str) -> None:
    path = (root / rel).resolve()
    if root.resolve() not in path.parents:
        raise UserError(f"context file {rel!r} points outside the work folder: give a relative path inside it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"
