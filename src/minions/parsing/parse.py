"""Parse files into units with the registered languages, then pair tests with their code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from tree_sitter import Node

from minions.parsing.languages import LANGUAGES, FileContext
from minions.parsing.pairing import pair_tests
from minions.records import CodeUnit, Rejection, SourceFile

BUILD_FILES = {"pom.xml", "build.gradle", "build.gradle.kts", "pyproject.toml", "setup.py", "package.json"}


@dataclass
class ParseResult:
    units: list[CodeUnit]
    skipped: list[Rejection] = field(default_factory=list)
    files_parsed: int = 0

    def summary(self) -> dict:
        kinds = Counter(u.kind for u in self.units)
        rules = Counter(p.rule for u in self.units for p in u.pairs)
        return {
            "files": self.files_parsed,
            "classes": kinds["class"],
            "methods": kinds["method"],
            "tests": kinds["test"],
            "pairs": sum(rules.values()),
            "pairs_by_rule": dict(sorted(rules.items())),
            "endpoints": kinds["endpoint"],
            "queries": kinds["query"],
            "skipped": len(self.skipped),
        }


def module_of(path: str, build_dirs: set[str]) -> str:
    """The nearest folder holding a build file, else the top-level folder, else '' (the root)."""
    parents = [p.as_posix() for p in PurePosixPath(path).parents][:-1]
    for d in parents:  # nearest first
        if d in build_dirs:
            return d
    return parents[-1] if parents else ""


def _first_error(root: Node) -> int:
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            return n.start_point[0] + 1
        stack.extend(c for c in reversed(n.children) if c.has_error or c.is_missing)
    return root.start_point[0] + 1


def parse_files(files: list[SourceFile], languages: list[str] | None = None, progress=None) -> ParseResult:
    """Units of every file in a parsed language; a file with syntax errors is skipped with a reason."""
    wanted = set(languages or LANGUAGES)
    build_dirs = {
        (f.repo, PurePosixPath(f.path).parent.as_posix()) for f in files if PurePosixPath(f.path).name in BUILD_FILES
    }
    parsers = {}
    result = ParseResult(units=[])
    for f in files:
        if progress:
            progress()
        if f.lang not in wanted or f.lang not in LANGUAGES:
            continue
        lang = LANGUAGES[f.lang]
        parser = parsers.setdefault(f.lang, lang.parser())
        src = f.text.encode()
        tree = parser.parse(src)
        if tree.root_node.has_error:
            reason = f"syntax error near line {_first_error(tree.root_node)}"
            result.skipped.append(Rejection(id=f.id, task=None, stage="parse", reason=reason))
            continue
        dirs = {d for repo, d in build_dirs if repo == f.repo}
        ctx = FileContext(file=f, module=module_of(f.path, dirs), src=src)
        try:
            result.units += lang.parse(tree.root_node, ctx)
        except Exception as e:  # a parser bug on one file must not stop the run
            reason = f"{f.lang} parser failed: {type(e).__name__}"
            result.skipped.append(Rejection(id=f.id, task=None, stage="parse", reason=reason))
            continue
        result.files_parsed += 1
    result.units = pair_tests(result.units)
    return result
