"""Parse files into units with the registered languages, then pair tests with their code."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath
from typing import get_args

from tree_sitter import Node

from minions.executor import Executor, LocalExecutor, chunked
from minions.parsing.classinfo import assign_member_roles
from minions.parsing.languages import LANGUAGES, FileContext
from minions.parsing.mounts import apply_mounts
from minions.parsing.openapi import is_spec, openapi_units
from minions.parsing.pairing import pair_tests
from minions.parsing.pairing_ts_go import pair_ts_go
from minions.parsing.queries import finish_queries
from minions.records import CodeUnit, PairingRule, Rejection, SourceFile

BUILD_FILES = {"pom.xml", "build.gradle", "build.gradle.kts", "pyproject.toml", "setup.py", "package.json", "go.mod"}


@dataclass
class ParseResult:
    units: list[CodeUnit]
    skipped: list[Rejection] = field(default_factory=list)
    files_parsed: int = 0
    files_seen: int = 0

    def summary(self, collected: list[Rejection] = ()) -> dict:
        """Counts for summary.json; `collected` are the files the collect step skipped (seen too)."""
        kinds = Counter(u.kind for u in self.units)
        rules = Counter({rule: 0 for rule in get_args(PairingRule)})
        rules.update(p.rule for u in self.units for p in u.pairs)
        skipped = [*collected, *self.skipped]
        return {
            "files": self.files_seen + len(collected),
            "files_parsed": self.files_parsed,
            "classes": kinds["class"],
            "methods": kinds["method"],
            "tests": kinds["test"],
            "pairs": sum(rules.values()),
            "pairs_by_rule": dict(sorted(rules.items())),
            "endpoints": kinds["endpoint"],
            "queries": kinds["query"],
            "queries_by_kind": dict(sorted(Counter(u.query["kind"] for u in self.units if u.query).items())),
            "skipped": len(skipped),
            "skipped_by_reason": dict(sorted(Counter(reason_kind(r.reason) for r in skipped).items())),
        }


def reason_kind(reason: str) -> str:
    """The kind of a skip reason: `syntax error near line 3` -> `syntax`, `python parser failed: X` -> `parser`."""
    if reason.startswith("syntax error"):
        return "syntax"
    if " parser failed" in reason:
        return "parser"
    return reason.split(" (")[0]


def build_dirs_of(files: list[SourceFile]) -> dict[str, set[str]]:
    """Per repository, the folders holding a build file ('.' for the root): what `module_of` reads."""
    out: dict[str, set[str]] = {}
    for f in files:
        if PurePosixPath(f.path).name in BUILD_FILES:
            out.setdefault(f.repo, set()).add(PurePosixPath(f.path).parent.as_posix())
    return out


def module_of(path: str, build_dirs: set[str]) -> str:
    """The nearest folder holding a build file ('' for the repository root), else the top-level
    folder, else '' (a file at the root)."""
    parts = path.split("/")[:-1]
    for i in range(len(parts), 0, -1):  # nearest first
        d = "/".join(parts[:i])
        if d in build_dirs:
            return d
    if "." in build_dirs:
        return ""
    return parts[0] if parts else ""


def _error_lines(root: Node) -> list[tuple[int, int]]:
    """The (first, last) lines, 1-based, of every ERROR or missing node in source order; where a node
    has an error that none of its children shows (the Kotlin grammar does that), the node's own."""
    out, stack = [], [root]
    while stack:
        n = stack.pop()
        flagged = [c for c in n.children if c.has_error or c.is_missing]
        if n.type == "ERROR" or n.is_missing or not flagged:
            out.append((n.start_point[0] + 1, n.end_point[0] + 1))
            continue
        stack.extend(reversed(flagged))
    return out


def _clear_of(unit: CodeUnit, broken: list[tuple[int, int]]) -> bool:
    return all(unit.span[1] < first or unit.span[0] > last for first, last in broken)


def _parse_one(
    f: SourceFile, wanted: set[str], dirs: set[str], parsers: dict
) -> tuple[list[CodeUnit], list[Rejection], bool]:
    """One file's units, its rejections (a syntax error keeps the units clear of it), whether it was parsed."""
    if is_spec(f):  # OpenAPI/Swagger files, whatever the languages asked for
        try:
            units, rejection = openapi_units(f, module_of(f.path, dirs))
        except Exception as e:  # an odd spec must not stop the run
            reason = f"openapi parser failed: {type(e).__name__}"
            return [], [Rejection(id=f.id, task=None, stage="parse", reason=reason)], False
        return units, [rejection] if rejection else [], bool(units)
    if f.lang not in wanted or f.lang not in LANGUAGES:
        return [], [], False
    lang = LANGUAGES[f.lang]
    parser = parsers.get(f.lang) or parsers.setdefault(f.lang, lang.parser())  # not a new parser per file
    src = f.text.encode()
    tree = parser.parse(src)
    ctx = FileContext(file=f, module=module_of(f.path, dirs), src=src)
    try:
        units = lang.parse(tree.root_node, ctx)
    except Exception as e:  # a parser bug on one file must not stop the run
        return (
            [],
            [Rejection(id=f.id, task=None, stage="parse", reason=f"{f.lang} parser failed: {type(e).__name__}")],
            False,
        )
    if not tree.root_node.has_error:
        return units, [], True
    broken = _error_lines(tree.root_node)
    kept = [u for u in units if _clear_of(u, broken)]
    spans = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in broken[:5])
    reason = f"syntax error near line {broken[0][0]} (lines {spans}; {len(kept)} of {len(units)} units kept)"
    return kept, [Rejection(id=f.id, task=None, stage="parse", reason=reason)], True


@contextmanager
def _paused_gc() -> Iterator[None]:
    """The cycle collector off for a while: parsing makes many small objects and few cycles, and the
    collector's passes over the growing heap of units were a tenth of parse's time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _parse_chunk(wanted: set[str], build_dirs: dict[str, set[str]], files: list[SourceFile]) -> list:
    parsers: dict = {}
    with _paused_gc():
        return [_parse_one(f, wanted, build_dirs.get(f.repo, set()), parsers) for f in files]


def parse_files(
    files: list[SourceFile],
    languages: list[str] | None = None,
    progress=None,
    workers: int = 1,
    executor: Executor | None = None,
) -> ParseResult:
    """Units of every file in a parsed language. In a file with syntax errors, the units clear of every
    broken span are kept and the file is reported (reason `syntax error near line N`). With `workers`
    > 1 (or an `executor`, see minions/executor.py) files are parsed in chunks by several processes and
    put back in input order: the same result."""
    with _paused_gc():
        return _parse_files(files, languages, progress, workers, executor)


def _parse_files(
    files: list[SourceFile], languages: list[str] | None, progress, workers: int, executor: Executor | None
) -> ParseResult:
    wanted = set(languages or LANGUAGES)
    build_dirs = build_dirs_of(files)
    result = ParseResult(units=[], files_seen=len(files))
    ex = executor or LocalExecutor(workers)
    # eight chunks per process, so that they finish together; one process: chunks of about 20 files (the
    # progress moves, and a chunk keeps its parsers)
    chunks = chunked(files, ex.width() * 8 if ex.width() > 1 else max(1, len(files) // 20))

    def advance(i: int) -> None:
        for _ in chunks[i] if progress else ():
            progress()

    job = partial(_parse_chunk, wanted, build_dirs)
    done = [r for part in ex.map(job, chunks, progress=advance) for r in part]
    for units, rejections, parsed in done:
        result.units += units
        result.skipped += rejections
        result.files_parsed += parsed
    finish_queries(files, result, wanted)  # mapper XML, entities of queries, MyBatis Generator output dropped
    result.units = apply_mounts(files, result.units, build_dirs)  # prefixes given in other files (include_router, ...)
    result.units = assign_member_roles(pair_ts_go(pair_tests(result.units)))
    return result
