"""Mutation testing for generated tests: mutate the real implementation, run the tests on each
mutant, and count the mutants they kill.

Mutants (`mutants`) come from the tree-sitter tree of Java or Python code, one small edit each:
- negate-condition: the condition of an if / elif / while / do / for / ternary wrapped in a negation
  (`!(...)`, `not (...)`).
- off-by-one: a relational operator moved across its boundary (`<` <-> `<=`, `>` <-> `>=`), and an
  integer literal n -> n+1 in a comparison operand, an index (or slice) or a returned expression
  (reached through arithmetic, parentheses and unary minus; a literal that is the whole returned
  value belongs to swap-return-constant).
- swap-return-constant: a returned literal replaced: true <-> false, 0 -> 1, 1 -> 0, other n -> n+1,
  a float -> 0.0 (0.0 -> 1.0), a string -> "" ("" -> "x"), null / None -> a non-null value of the
  declared return type when that type is simple (String, boxed numbers, List/Set/Map/Optional; Python
  annotations str, int, float, bool, list, dict, set, tuple, bytes, X | None, Optional[X]).
- drop-statement: an expression statement that is a call, an assignment or an update replaced by an
  empty statement (`;`, `pass`), so the code around it stays valid. Java assignments to final fields
  and to locals declared without a value are kept (dropping them would not compile).

Every mutant must parse (no ERROR or MISSING node) and differ from the source and the other mutants.
With more candidates than `limit`, a seeded sample is taken round-robin over the operators.

`kill_score` runs the tests in the evaluation sandbox through the ladder: first on the real
implementation (do they compile, do they pass), then on every mutant. A mutant whose tests fail,
error or time out is killed; one that does not compile is dropped and not counted. Java compiles the
mutants, each moved with a copy of the test class into a package of its own (`m1`, `m2`, ...), in one
javac run (a second without the ones that failed) and runs them all in one JUnit launcher, with a
per-test timeout in a separate thread; an unmutated control copy (`m0`) must pass there, else, or
when that shared run breaks, each mutant runs on its own.
"""

from __future__ import annotations

import random
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from tree_sitter import Node

from minions.errors import UserError
from minions.evaluation.ladder import (
    JUNIT_CONSOLE,
    _class_name,
    _diagnostics,
    _java_path,
    _javac,
    _move_to_package,
    _package,
    _scratch,
    _verdict,
    _write,
    ladder,
)
from minions.evaluation.sandbox import JVM_FLAGS, Limits, run_sandboxed
from minions.filters.syntax import first_error
from minions.parsing.languages import LANGUAGES, descendants

OPERATORS = ("negate-condition", "off-by-one", "swap-return-constant", "drop-statement")
MUTATION_LANGS = ("java", "python")
MAX_SURVIVORS = 5
_SNIPPET = 60


@dataclass(frozen=True)
class Mutant:
    """One mutated copy of the source: which operator, on which line (1-based), and what changed."""

    operator: str
    line: int
    code: str  # the whole mutated source
    description: str  # one line: "off-by-one line 3: `x < lo` -> `x <= lo`"


@dataclass(frozen=True)
class KillScore:
    """How well tests tell the real implementation from its mutants."""

    compiles: bool  # the tests (and the implementation) compile
    passes: bool  # the tests pass on the real implementation
    mutants: int  # mutants that compiled and ran
    killed: int  # of those, the ones the tests failed on (failure, error or timeout)
    score: float  # killed / mutants when compiles and passes (and there are mutants), else 0.0
    survivors: tuple[str, ...] = ()  # descriptions of the first surviving mutants
    dropped: int = 0  # mutants that did not compile (not counted)
    error: str | None = None  # why compiles or passes is False
    seconds: float = 0.0


@dataclass(frozen=True)
class _Edit:
    operator: str
    start: int  # byte offsets into the source
    end: int
    new: str
    line: int


# --- mutants ------------------------------------------------------------------------------------


def mutants(code: str, lang: str, limit: int = 20, seed: int = 0, lines: tuple[int, int] | None = None) -> list[Mutant]:
    """Up to `limit` parsing mutants of code (java or python), in source order; a seeded sample spread
    over the operators when there are more candidates. lines: only edits that start on these lines
    (first, last; 1-based), e.g. the one real method inside a stub of its class."""
    if lang not in MUTATION_LANGS:
        raise UserError(f"no mutation operators for language {lang!r}: use one of {', '.join(MUTATION_LANGS)}")
    if limit < 1:
        raise UserError(f"mutant limit {limit} is below 1: give a positive limit")
    if first_error(code, lang) is not None:
        raise UserError(f"the {lang} code to mutate does not parse (line {first_error(code, lang)}): fix it first")
    src = code.encode()
    root = LANGUAGES[lang].parser().parse(src).root_node
    edits = _java_edits(root, src) if lang == "java" else _python_edits(root, src)
    found: list[Mutant] = []
    seen = {code}
    if lines is not None:
        edits = [e for e in edits if lines[0] <= e.line <= lines[1]]
    for edit in sorted(edits, key=lambda e: (e.start, OPERATORS.index(e.operator), e.end)):
        mutated = (src[: edit.start] + edit.new.encode() + src[edit.end :]).decode()
        if mutated in seen or first_error(mutated, lang) is not None:
            continue
        seen.add(mutated)
        old = src[edit.start : edit.end].decode()
        found.append(Mutant(edit.operator, edit.line, mutated, _describe(edit, old)))
    return _sample(found, limit, seed)


def _sample(found: list[Mutant], limit: int, seed: int) -> list[Mutant]:
    if len(found) <= limit:
        return found
    rng = random.Random(seed)
    groups = []
    for op in OPERATORS:
        group = [i for i, m in enumerate(found) if m.operator == op]
        rng.shuffle(group)
        groups.append(group)
    chosen: list[int] = []
    while len(chosen) < limit:
        for group in groups:
            if group and len(chosen) < limit:
                chosen.append(group.pop())
    return [found[i] for i in sorted(chosen)]


def _describe(edit: _Edit, old: str) -> str:
    def clip(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= _SNIPPET else s[: _SNIPPET - 1] + "…"

    if edit.operator == "drop-statement":
        return f"drop-statement line {edit.line}: `{clip(old)}` removed"
    return f"{edit.operator} line {edit.line}: `{clip(old)}` -> `{clip(edit.new)}`"


def _text(node: Node, src: bytes) -> str:
    return src[node.start_byte : node.end_byte].decode()


def _edit(op: str, node: Node, new: str) -> _Edit:
    return _Edit(op, node.start_byte, node.end_byte, new, node.start_point[0] + 1)


_RELATIONAL = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}


def _bumped(node: Node, src: bytes, lang: str) -> _Edit | None:
    """An integer literal n -> n+1 (decimal only; a Java L suffix is kept)."""
    digits = _text(node, src).replace("_", "")
    suffix = digits[-1] if lang == "java" and digits[-1:] in ("l", "L") else ""
    digits = digits[: len(digits) - len(suffix)]
    if not digits.isdigit() or (len(digits) > 1 and digits[0] == "0"):  # octal / hex / binary: left alone
        return None
    return _edit("off-by-one", node, f"{int(digits) + 1}{suffix}")


def _literals_under(node: Node, through: set[str], literal: str, arithmetic: set[str]) -> Iterator[Node]:
    """The integer literals reached from node through arithmetic, parentheses and unary operators."""
    if node.type == literal:
        yield node
        return
    if node.type not in through:
        return
    op = node.child_by_field_name("operator")
    if op is not None and op.type not in arithmetic and node.type in ("binary_expression", "binary_operator"):
        return
    for child in node.named_children:
        yield from _literals_under(child, through, literal, arithmetic)


def _swapped_number(value: str, as_float: bool) -> str:
    if as_float:
        return "1.0" if float(value) == 0 else "0.0"
    n = int(value)
    return "1" if n == 0 else "0" if n == 1 else str(n + 1)


# --- Java ---------------------------------------------------------------------------------------

_JAVA_THROUGH = {"binary_expression", "parenthesized_expression", "unary_expression"}
_ARITHMETIC = {"+", "-", "*", "/", "%"}
_JAVA_COMPARISON = {"<", "<=", ">", ">=", "==", "!="}
_JAVA_NULL_TO = {
    "String": '""',
    "CharSequence": '""',
    "Integer": "0",
    "Short": "(short) 0",
    "Byte": "(byte) 0",
    "Long": "0L",
    "Double": "0.0",
    "Float": "0.0f",
    "Boolean": "false",
    "Object": "new Object()",
    "List": "java.util.List.of()",
    "Collection": "java.util.List.of()",
    "Iterable": "java.util.List.of()",
    "Set": "java.util.Set.of()",
    "Map": "java.util.Map.of()",
    "Optional": "java.util.Optional.empty()",
}


def _java_edits(root: Node, src: bytes) -> list[_Edit]:
    kept = _java_must_assign(root, src)
    edits: list[_Edit] = []
    for node in descendants(root):
        t = node.type
        cond = node.child_by_field_name("condition")
        if t in ("if_statement", "while_statement", "do_statement") and cond is not None:
            inner = src[cond.start_byte + 1 : cond.end_byte - 1].decode()
            edits.append(_edit("negate-condition", cond, f"(!({inner.strip()}))"))
        elif t in ("for_statement", "ternary_expression") and cond is not None:
            edits.append(_edit("negate-condition", cond, f"!({_text(cond, src)})"))
        elif t == "binary_expression":
            op = node.child_by_field_name("operator")
            if op is not None and op.type in _RELATIONAL:
                edits.append(_edit("off-by-one", op, _RELATIONAL[op.type]))
            if op is not None and op.type in _JAVA_COMPARISON:
                for side in (node.child_by_field_name("left"), node.child_by_field_name("right")):
                    edits += _java_bumps(side, src)
        elif t == "array_access":
            edits += _java_bumps(node.child_by_field_name("index"), src)
        elif t == "return_statement" and node.named_child_count:
            value = node.named_children[0]
            swap = _java_swap(value, node, src)
            if swap is not None:
                edits.append(_edit("swap-return-constant", value, swap))
            elif value.type != "decimal_integer_literal":
                edits += _java_bumps(value, src)
        elif t == "expression_statement" and node.named_child_count:
            expr = node.named_children[0]
            if expr.type in ("method_invocation", "update_expression") or (
                expr.type == "assignment_expression" and _assigned_name(expr, src) not in kept
            ):
                edits.append(_edit("drop-statement", node, ";"))
    return edits


def _java_bumps(node: Node | None, src: bytes) -> list[_Edit]:
    if node is None:
        return []
    found = _literals_under(node, _JAVA_THROUGH, "decimal_integer_literal", _ARITHMETIC)
    return [e for lit in found if (e := _bumped(lit, src, "java")) is not None]


def _java_swap(value: Node, ret: Node, src: bytes) -> str | None:
    """The replacement of a returned Java literal, None when it is not one (or has no simple swap)."""
    t, text = value.type, _text(value, src)
    if t in ("true", "false"):
        return "false" if t == "true" else "true"
    if t == "decimal_integer_literal" or (
        t == "unary_expression" and text.startswith("-") and value.named_children[0].type == "decimal_integer_literal"
    ):
        digits = text.replace("_", "").replace(" ", "")
        suffix = "L" if digits[-1:] in ("l", "L") else ""
        digits = digits.rstrip("lL")
        if not digits.lstrip("-").isdigit():
            return None
        return _swapped_number(digits, as_float=False) + suffix
    if t == "decimal_floating_point_literal":
        suffix = text[-1] if text[-1:] in ("f", "F", "d", "D") else ""
        try:
            return _swapped_number(text[: len(text) - len(suffix)].replace("_", ""), as_float=True) + suffix
        except ValueError:
            return None
    if t == "string_literal" and not text.startswith('"""'):
        return '"x"' if text == '""' else '""'
    if t == "null_literal":
        return _java_non_null(ret, src)
    return None


def _java_non_null(ret: Node, src: bytes) -> str | None:
    """A non-null value of the enclosing method's declared type, when the type is simple."""
    node = ret.parent
    while node is not None and node.type not in ("method_declaration", "lambda_expression"):
        node = node.parent
    if node is None or node.type == "lambda_expression":
        return None
    declared = node.child_by_field_name("type")
    if declared is None:
        return None
    text = _text(declared, src)
    if declared.type == "array_type" and "<" not in text:
        element = text[: text.index("[")].strip()
        return f"new {element}[0]{text[text.index('[') + 2 :].replace(' ', '')}"
    base = text.split("<", 1)[0].strip().rsplit(".", 1)[-1]
    return _JAVA_NULL_TO.get(base)


def _assigned_name(expr: Node, src: bytes) -> str | None:
    """The variable or field a plain `=` assignment writes (None for compound assignments)."""
    op = expr.child_by_field_name("operator")
    if op is not None and op.type != "=":
        return None
    left = expr.child_by_field_name("left")
    if left is None:
        return None
    if left.type == "field_access":
        left = left.child_by_field_name("field")
    return _text(left, src) if left is not None and left.type == "identifier" else None


def _java_must_assign(root: Node, src: bytes) -> set[str]:
    """Names whose assignment javac may insist on: final fields and variables declared without a value."""
    names = set()
    for node in descendants(root):
        if node.type not in ("field_declaration", "local_variable_declaration"):
            continue
        mods = next((c for c in node.children if c.type == "modifiers"), None)
        final = mods is not None and any(c.type == "final" for c in mods.children)
        for decl in node.children_by_field_name("declarator"):
            name = decl.child_by_field_name("name")
            if name is not None and (final or decl.child_by_field_name("value") is None):
                names.add(_text(name, src))
    return names


# --- Python -------------------------------------------------------------------------------------

_PY_THROUGH = {"binary_operator", "parenthesized_expression", "unary_operator", "slice"}
_PY_ARITHMETIC = {"+", "-", "*", "/", "//", "%"}
_PY_NONE_TO = {
    "str": '""',
    "int": "0",
    "float": "0.0",
    "bool": "False",
    "list": "[]",
    "List": "[]",
    "dict": "{}",
    "Dict": "{}",
    "set": "set()",
    "Set": "set()",
    "tuple": "()",
    "Tuple": "()",
    "bytes": 'b""',
}
_PY_DROPPABLE = ("call", "assignment", "augmented_assignment")


def _python_edits(root: Node, src: bytes) -> list[_Edit]:
    edits: list[_Edit] = []
    for node in descendants(root):
        t = node.type
        if t in ("if_statement", "elif_clause", "while_statement"):
            cond = node.child_by_field_name("condition")
            if cond is not None:
                edits.append(_edit("negate-condition", cond, f"not ({_text(cond, src)})"))
        elif t == "conditional_expression":
            kids = node.children
            at = next((i for i, c in enumerate(kids) if c.type == "if"), None)
            if at is not None and at + 1 < len(kids):
                cond = kids[at + 1]
                edits.append(_edit("negate-condition", cond, f"not ({_text(cond, src)})"))
        elif t == "comparison_operator":
            for op in node.children_by_field_name("operators"):
                if op.type in _RELATIONAL:
                    edits.append(_edit("off-by-one", op, _RELATIONAL[op.type]))
            for side in node.named_children:
                edits += _python_bumps(side, src)
        elif t == "subscript":
            for index in node.children_by_field_name("subscript"):
                edits += _python_bumps(index, src)
        elif t == "return_statement" and node.named_child_count:
            value = node.named_children[0]
            swap = _python_swap(value, node, src)
            if swap is not None:
                edits.append(_edit("swap-return-constant", value, swap))
            elif value.type != "integer":
                edits += _python_bumps(value, src)
        elif t in _PY_DROPPABLE and node.parent is not None:
            parent = node.parent
            if parent.type in ("block", "module"):
                edits.append(_edit("drop-statement", node, "pass"))
            elif parent.type == "expression_statement" and parent.named_child_count == 1:
                edits.append(_edit("drop-statement", parent, "pass"))
    return edits


def _python_bumps(node: Node | None, src: bytes) -> list[_Edit]:
    if node is None:
        return []
    found = _literals_under(node, _PY_THROUGH, "integer", _PY_ARITHMETIC)
    return [e for lit in found if (e := _bumped(lit, src, "python")) is not None]


def _python_swap(value: Node, ret: Node, src: bytes) -> str | None:
    t, text = value.type, _text(value, src)
    if t in ("true", "false"):
        return "False" if t == "true" else "True"
    if t == "integer" or (
        t == "unary_operator" and text.startswith("-") and value.named_children[-1].type == "integer"
    ):
        digits = text.replace("_", "").replace(" ", "")
        return _swapped_number(digits, as_float=False) if digits.lstrip("-").isdigit() else None
    if t == "float":
        try:
            return _swapped_number(text.replace("_", ""), as_float=True)
        except ValueError:
            return None
    if t == "string":
        start = next((c for c in value.children if c.type == "string_start"), None)
        prefix = "".join(ch for ch in (_text(start, src) if start else "") if ch in "bB")
        empty = all(c.type in ("string_start", "string_end") for c in value.children)
        return f'{prefix}"x"' if empty else f'{prefix}""'
    if t == "none":
        return _python_non_none(ret, src)
    return None


def _python_non_none(ret: Node, src: bytes) -> str | None:
    """A value of the enclosing function's annotated return type, when the annotation is simple."""
    node = ret.parent
    while node is not None and node.type not in ("function_definition", "lambda"):
        node = node.parent
    annotation = node.child_by_field_name("return_type") if node is not None else None
    if annotation is None:
        return None
    text = "".join(_text(annotation, src).split())
    parts = [p for p in text.split("|") if p != "None"]
    if len(parts) != 1:
        return None
    text = parts[0]
    if text.startswith(("Optional[", "typing.Optional[")) and text.endswith("]"):
        text = text[text.index("[") + 1 : -1]
    base = text.split("[", 1)[0].rsplit(".", 1)[-1]
    return _PY_NONE_TO.get(base)


# --- kill score ---------------------------------------------------------------------------------


def kill_score(
    tests: str,
    implementation: str,
    lang: str,
    *,
    context: dict | None = None,
    limit: int = 20,
    workdir: Path | None = None,
    seed: int = 0,
    timeout_s: float = 10.0,
    workers: int = 2,
) -> KillScore:
    """Run tests on the real implementation and on up to `limit` of its mutants (module docstring).

    context: as for `ladder` (`module`: the Python module the tests import, default `solution`;
    `files`: files written beside; `class_name`: the Java class, when the code does not say), and
    `mutate_lines`: only the implementation's lines (first, last) are mutated.
    timeout_s: a Python mutant's CPU seconds (wall: twice that), a
    Java test method's time in the shared run (at most; 10 times the slowest real test, at least 2 s).
    workers: mutants run side by side (Python, and Java when each runs on its own)."""
    if lang not in MUTATION_LANGS:
        raise UserError(f"no mutation testing for language {lang!r}: use one of {', '.join(MUTATION_LANGS)}")
    start = time.monotonic()
    context = dict(context or {})
    if lang == "python":
        result = _python_score(tests, implementation, context, limit, seed, workdir, timeout_s, workers)
    else:
        result = _java_score(tests, implementation, context, limit, seed, workdir, timeout_s, workers)
    return replace(result, seconds=round(time.monotonic() - start, 2))


def _score(verdicts: list[tuple[Mutant, bool | None]]) -> KillScore:
    """verdicts: (mutant, killed); killed None = the mutant did not compile."""
    ran = [(m, k) for m, k in verdicts if k is not None]
    killed = sum(1 for _, k in ran if k)
    survivors = tuple(m.description for m, k in ran if not k)[:MAX_SURVIVORS]
    score = killed / len(ran) if ran else 0.0
    return KillScore(True, True, len(ran), killed, score, survivors, dropped=len(verdicts) - len(ran))


def _failed(compiles: bool, error: str | None) -> KillScore:
    return KillScore(compiles, False, 0, 0, 0.0, error=error)


def _python_score(
    tests: str, code: str, context: dict, limit: int, seed: int, workdir: Path | None, timeout_s: float, workers: int
) -> KillScore:
    module = context.get("module") or "solution"
    checked = ladder(tests, "python", context={"module": f"test_{module.replace('.', '_')}"}, workdir=workdir)
    if not checked.compiles:
        return _failed(False, f"the tests do not compile: {checked.error}")
    real = ladder(code, "python", tests=tests, context=context, workdir=workdir)
    if not real.compiles:
        return _failed(False, f"the implementation does not compile: {real.error}")
    if not real.tests_pass:
        return _failed(True, real.error)
    limits = Limits(cpu_seconds=timeout_s, memory_mb=1024, processes=64, wall_seconds=2 * timeout_s)

    def verdict(m: Mutant) -> tuple[Mutant, bool | None]:
        r = ladder(m.code, "python", tests=tests, context=context, workdir=workdir, limits=limits)
        return m, (None if not r.compiles else not r.tests_pass)

    with ThreadPoolExecutor(max(1, workers)) as pool:
        return _score(list(pool.map(verdict, mutants(code, "python", limit, seed, context.get("mutate_lines")))))


# --- Java ---------------------------------------------------------------------------------------

_START_ALLOWANCE_S = 30.0
# classes (one per mutant) side by side, so the timeouts of looping mutants overlap; a class's own
# methods one after another, as their author expects
_PARALLEL = (
    "parallel.enabled=true",
    "parallel.mode.default=same_thread",
    "parallel.mode.classes.default=concurrent",
    "parallel.config.strategy=fixed",
    "parallel.config.fixed.parallelism=4",
)  # JVM start-up and class loading on a busy machine


@dataclass(frozen=True)
class _JavaFiles:
    impl_rel: str
    test_rel: str
    test_class: str  # qualified
    others: tuple[str, ...]  # context .java files


def _java_files(tests: str, code: str, context: dict) -> _JavaFiles:
    name = context.get("class_name") or _class_name(code) or "Solution"
    test_name = _class_name(tests) or "SolutionTest"
    package = _package(tests)
    qualified = f"{package[0]}.{test_name}" if package else test_name
    others = tuple(r for r in (context.get("files") or {}) if r.endswith(".java"))
    return _JavaFiles(_java_path(code, name), _java_path(tests, test_name), qualified, others)


def _java_score(
    tests: str, code: str, context: dict, limit: int, seed: int, workdir: Path | None, timeout_s: float, workers: int
) -> KillScore:
    if not JUNIT_CONSOLE.exists():
        raise UserError("JUnit 5 console launcher missing: run scripts/install-test-deps.sh (Debian package junit5)")
    if first_error(tests, "java") is not None:
        return _failed(False, f"the tests do not parse (line {first_error(tests, 'java')})")
    if first_error(code, "java") is not None:
        return _failed(False, f"the implementation does not parse (line {first_error(code, 'java')})")
    files = _java_files(tests, code, context)
    scratch = _scratch(workdir)
    try:
        for rel, text in (context.get("files") or {}).items():
            _write(scratch, rel, text)
        _write(scratch, files.impl_rel, code)
        _write(scratch, files.test_rel, tests)
        run = _javac([files.impl_rel, files.test_rel, *files.others], scratch)
        diags = _diagnostics(run.stderr)
        if run.returncode != 0 or run.killed_reason:
            return _failed(False, _java_compile_error(diags, files, code, tests))
        per_test = Limits(cpu_seconds=60.0, memory_mb=None, processes=256, wall_seconds=_START_ALLOWANCE_S + timeout_s)
        outcome = _junit(scratch, [files.test_class], per_test, timeout_s)
        verdict = outcome.get(files.test_class)
        if verdict is None or not verdict.passed:
            return _failed(True, verdict.detail if verdict else "the tests did not run")
        test_timeout = min(timeout_s, max(2.0, 10 * verdict.slowest))
        found = mutants(code, "java", limit, seed, context.get("mutate_lines"))
        killed = _java_batch(found, tests, code, context, files, workdir, test_timeout, verdict.tests)
        missing = [m for m in found if m not in killed]
        if missing:
            # the JVM's start-up takes about a CPU second of the margin
            limits = Limits(cpu_seconds=timeout_s + 5, memory_mb=None, processes=256,
                            wall_seconds=timeout_s + _START_ALLOWANCE_S)  # fmt: skip

            def alone(m: Mutant) -> bool | None:
                r = ladder(m.code, "java", tests=tests, context=context, workdir=workdir, limits=limits)
                return None if not r.compiles else not r.tests_pass

            with ThreadPoolExecutor(max(1, workers)) as pool:
                killed.update(zip(missing, pool.map(alone, missing), strict=True))
        return _score([(m, killed[m]) for m in found])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _java_compile_error(diags: list, files: _JavaFiles, code: str, tests: str) -> str:
    impl = _verdict([d for d in diags if d.path == files.impl_rel], code)
    if impl.compiles is not True:
        return f"the implementation does not compile: {impl.error or 'unresolved ' + ', '.join(impl.unresolved)}"
    test = _verdict([d for d in diags if d.path == files.test_rel], tests)
    if test.compiles is not True:
        return f"the tests do not compile: {test.error or 'unresolved ' + ', '.join(test.unresolved)}"
    return "the context files do not compile"


@dataclass(frozen=True)
class _ClassOutcome:
    tests: int
    failed: int
    slowest: float
    detail: str | None = None

    @property
    def passed(self) -> bool:
        return self.tests > 0 and self.failed == 0


def _junit(scratch: Path, classes: list[str], limits: Limits, test_timeout: float) -> dict[str, _ClassOutcome]:
    """Run test classes in one JUnit launcher (each test method under a timeout in a thread of its
    own); the outcome of each class that reported, read from the XML report."""
    reports = scratch / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    argv = ["java", *JVM_FLAGS, "-jar", str(JUNIT_CONSOLE), "--class-path", "classes"]
    argv += [arg for c in classes for arg in ("--select-class", c)]
    argv += ["--disable-banner", "--disable-ansi-colors", "--details=none", "--reports-dir", "reports"]
    argv += ["--config", f"junit.jupiter.execution.timeout.default={int(test_timeout * 1000)}ms"]
    argv += ["--config", "junit.jupiter.execution.timeout.thread.mode.default=SEPARATE_THREAD"]
    argv += [f"--config=junit.jupiter.execution.{k}" for k in _PARALLEL]
    run = run_sandboxed(argv, scratch, limits)
    report = reports / "TEST-junit-jupiter.xml"
    if run.killed_reason or not report.exists():
        return {}
    found: dict[str, _ClassOutcome] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("classname", "")
        bad = next((c for c in case if c.tag in ("failure", "error")), None)
        if any(c.tag == "skipped" for c in case):
            continue
        was = found.get(name, _ClassOutcome(0, 0, 0.0))
        detail = was.detail or (
            f"{case.get('name')}: {bad.get('message') or bad.get('type')}" if bad is not None else None
        )
        found[name] = _ClassOutcome(
            was.tests + 1, was.failed + (bad is not None), max(was.slowest, float(case.get("time") or 0)), detail
        )
    return found


def _java_batch(
    found: list[Mutant],
    tests: str,
    code: str,
    context: dict,
    files: _JavaFiles,
    workdir: Path | None,
    test_timeout: float,
    tests_per_class: int,
) -> dict[Mutant, bool | None]:
    """Compile every mutant (with a copy of the tests) in its own package in one javac run, run them
    in one JUnit launcher; the verdicts it could give (killed, or None = did not compile). Empty when
    the unmutated control copy m0 does not compile or pass there."""
    if not found:
        return {}
    scratch = _scratch(workdir)
    try:
        for rel, text in (context.get("files") or {}).items():
            _write(scratch, rel, text)
        folders = {}
        for i, source in enumerate([code, *(m.code for m in found)]):
            _write(scratch, f"m{i}/{files.impl_rel}", _move_to_package(source, f"m{i}"))
            _write(scratch, f"m{i}/{files.test_rel}", _move_to_package(tests, f"m{i}"))
            folders[f"m{i}"] = i
        broken: set[str] = set()
        for _ in range(3):
            live = [f for f in folders if f not in broken]
            rels = [f"{f}/{r}" for f in live for r in (files.impl_rel, files.test_rel)]
            run = _javac([*rels, *files.others], scratch)
            if run.returncode == 0 and not run.killed_reason:
                break
            bad = {d.path.split("/")[0] for d in _diagnostics(run.stderr)}
            if run.killed_reason or not bad or "m0" in bad or not bad <= set(live):
                return {}
            broken |= bad
        else:
            return {}
        live = [f for f in folders if f not in broken]
        wall = _START_ALLOWANCE_S + test_timeout * max(1, tests_per_class) * len(live)
        limits = Limits(cpu_seconds=2 * wall, memory_mb=None, processes=512, wall_seconds=min(wall, 600.0))
        outcome = _junit(scratch, [f"{f}.{files.test_class}" for f in live], limits, test_timeout)
        control = outcome.get(f"m0.{files.test_class}")
        if control is None or not control.passed:
            return {}
        verdicts: dict[Mutant, bool | None] = {found[folders[f] - 1]: None for f in broken}
        for f in live[1:]:
            got = outcome.get(f"{f}.{files.test_class}")
            if got is not None and got.tests == control.tests:
                verdicts[found[folders[f] - 1]] = not got.passed
        return verdicts
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
