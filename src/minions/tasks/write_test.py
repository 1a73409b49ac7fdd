"""write-test: given the class under test and a method of it, write a complete, runnable test of it.

Input: the compact info of the class under test (when its class unit is found and
`TaskOptions.outline` is `info`), the path of the test file, and the method under test. The test
class outline is no longer shown: the output now carries the test class's imports, fields and
set-up, and the outline would hand most of them over.

Output: the test's file reduced to what its one test needs, cut with tree-sitter out of the test's
context (its file's package and imports, or module outline; see `CodeUnit.context`) and the units of
its file (the test class unit, the fixtures and helpers):
- Java, Kotlin: the package line, the imports the kept code names, the test class with its
  annotations, fields, constructors, set-up/tear-down methods (`@BeforeEach`, `@Before`, `setUp`...),
  the helper methods and nested classes the kept code names (transitively), and that one test; the
  other tests, and `@Nested` classes without it, are dropped.
- Python: the imports the kept code names, `pytestmark`/`pytest_plugins`, the module constants,
  fixtures (those the test names, and autouse ones) and helpers it names (transitively), and the
  test function, or its class with its attributes, set-up/tear-down hooks, helpers and only that test.
- TypeScript: the imports the kept code names, the other top-level statements (helpers, mocks), the
  describe blocks around the test with their hooks and helpers, and the one `it`/`test`.
"By name" is a word match (a name that also appears in a string keeps its helper): it keeps too much
rather than too little. Refused, with the reason: a test whose focal unit is missing, a language
other than these, a test whose class or place in its file is not found, an output that does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from minions.parsing.classinfo import class_of
from minions.parsing.languages import LANGUAGES, TEST_ANNOTATIONS, walk
from minions.parsing.pairing import focal_class_name
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import TaskOptions, Wordings, dedent, fence, make_record, pick, register_task

TASK = "write-test"
LANGS = {"java", "kotlin", "python", "typescript", "tsx"}
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Write a complete, runnable {framework} test for the {what} `{name}` of `{cls}`: the whole test "
            "file, with its imports, the fields and set-up it needs, and one test.",
        ),
        (
            f"{TASK}/en/2",
            "Test `{cls}.{name}` with {framework}. Reply with a test file that runs as it stands: its imports, "
            "the fixtures or set-up the test needs, and a single test of `{name}`.",
        ),
        (
            f"{TASK}/en/3",
            "Given the class under test and the code of `{name}`, write one {framework} test of it as a "
            "self-contained test file (imports, set-up, the test itself) that compiles and passes.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "请为 `{cls}` 的{what} `{name}` 编写一个完整、可运行的 {framework} 测试：给出整个测试文件，"
            "包括导入、所需的字段和初始化代码，以及一个测试。",
        ),
        (
            f"{TASK}/zh/2",
            "用 {framework} 测试 `{cls}.{name}`。回答一个可以直接运行的测试文件：导入、测试需要的夹具或初始化代码，"
            "以及一个针对 `{name}` 的测试。",
        ),
        (
            f"{TASK}/zh/3",
            "根据被测类和 `{name}` 的代码，编写一个 {framework} 测试，写成自成一体的测试文件"
            "（导入、初始化、测试本身），能够编译并通过。",
        ),
    ],
}
WHAT = {"en": {"class": "method", "file": "function"}, "zh": {"class": "方法", "file": "函数"}}

JVM_HOOKS = {
    "BeforeEach",
    "AfterEach",
    "BeforeAll",
    "AfterAll",
    "Before",
    "After",
    "BeforeClass",
    "AfterClass",
    "BeforeMethod",
    "AfterMethod",
    "BeforeTest",
    "AfterTest",
}
JVM_HOOK_NAMES = {"setUp", "tearDown"}  # JUnit 3 overrides
PY_HOOKS = {
    "setUp",
    "tearDown",
    "setUpClass",
    "tearDownClass",
    "asyncSetUp",
    "asyncTearDown",
    "setup_method",
    "teardown_method",
    "setup_class",
    "teardown_class",
    "setup",
    "teardown",
}
PY_ALWAYS = {"pytestmark", "pytest_plugins"}
KOTLIN_OPERATORS = {"getValue", "setValue", "provideDelegate", "invoke", "get", "set", "contains", "iterator"}
TS_DESCRIBE = {"describe", "xdescribe", "fdescribe", "context", "suite"}
TS_TESTS = {"it", "test", "xit", "fit", "specify"}
JVM_CLASS_TYPES = {
    "java": {"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"},
    "kotlin": {"class_declaration", "object_declaration"},
}
JVM_METHOD = {"java": "method_declaration", "kotlin": "function_declaration"}
COMMENTS = {"comment", "line_comment", "block_comment", "multiline_comment"}
_WORD = re.compile(r"[A-Za-z_$][\w$]*")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


def _text(node: Node, src: bytes) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _parse(code: str, lang: str) -> tuple[Node, bytes]:
    src = code.encode()
    return LANGUAGES[lang].parser().parse(src).root_node, src


def parses(code: str, lang: str) -> bool:
    return not _parse(code, lang)[0].has_error


# --- cutting: a node's text with some of its descendants dropped or replaced ------------------------


@dataclass
class _Plan:
    """What to do with the nodes of one source: drop (with the comments and blank lines right before
    it) or replace by a text; `candidates` are dropped unless a kept text names them."""

    src: bytes
    drop: list[Node] = field(default_factory=list)
    replace: dict[int, tuple[Node, str]] = field(default_factory=dict)
    candidates: list[tuple[Node, set[str], str]] = field(default_factory=list)  # (node, names, full text)
    kept: list[str] = field(default_factory=list)  # texts that stay (their words keep candidates)


def _drop_range(node: Node, src: bytes, blank_lines: bool = True) -> tuple[int, int]:
    """The bytes to cut for a dropped node: its comments just before it, and whole lines (with the blank
    lines before them) when nothing else shares them."""
    first = node
    while first.prev_sibling is not None and first.prev_sibling.type in COMMENTS:
        first = first.prev_sibling
    s, e = first.start_byte, node.end_byte
    while s > 0 and src[s - 1] in b" \t":
        s -= 1
    while e < len(src) and src[e] in b" \t;":
        e += 1
    if not ((s == 0 or src[s - 1] == 10) and (e == len(src) or src[e] == 10)):
        return first.start_byte, node.end_byte
    e = min(e + 1, len(src))
    while blank_lines and s > 0:
        p = src.rfind(b"\n", 0, s - 1) + 1
        if src[p:s].strip():
            break
        s = p
    return s, e


def _cut(node: Node, src: bytes, cuts: list[tuple[int, int, str]]) -> str:
    """The node's text with each (start, end) range replaced by its text (ranges may not overlap)."""
    out, pos = [], node.start_byte
    for s, e, repl in sorted(cuts):
        if s < pos:
            continue
        out += [src[pos:s].decode("utf-8", "replace"), repl]
        pos = e
    out.append(src[pos : node.end_byte].decode("utf-8", "replace"))
    return "".join(out)


FIXTURE = "fixture:"  # a candidate name that only a parameter (or `usefixtures`) names
_PARAMS = re.compile(r"\bdef\s+\w+\s*\(([^)]*)\)|usefixtures\(([^)]*)\)")


def _used(text: str) -> set[str]:
    """The words of a text, and `fixture:` + each parameter name of its functions (Python)."""
    return _words(text) | {FIXTURE + w for m in _PARAMS.finditer(text) for w in _words(m.group(1) or m.group(2) or "")}


def _settle(plans: list[_Plan]) -> None:
    """Keep the candidates the kept texts name, transitively; drop the rest."""
    words = set().union(*(_used(t) for p in plans for t in p.kept))
    pending = [(p, c) for p in plans for c in p.candidates]
    changed = True
    while changed:
        changed = False
        for p, (node, names, full) in list(pending):
            if names & words:
                words |= _used(full)
                pending.remove((p, (node, names, full)))
                changed = True
    for p, (node, _, _) in pending:
        p.drop.append(node)


def _render(root: Node, plan: _Plan) -> str:
    cuts = [(*_drop_range(n, plan.src), "") for n in plan.drop]
    cuts += [(n.start_byte, n.end_byte, text) for n, text in plan.replace.values()]
    return _cut(root, plan.src, cuts).strip()


def _prune_imports(code: str, lang: str) -> str:
    """The code without the imports whose names nothing else in it uses (wildcard and side-effect
    imports stay)."""
    root, src = _parse(code, lang)
    imports: list[tuple[Node, set[str] | None]] = []  # (node, names it binds; None: always kept)
    for c in root.children:
        if lang == "java" and c.type == "import_declaration":
            t = _text(c, src)
            imports.append((c, None if "*" in t else {re.split(r"[.\s]", t.rstrip(";").strip())[-1]}))
        elif lang == "kotlin" and c.type == "import_list":
            for h in c.named_children:
                if h.type != "import_header":
                    continue
                m = re.match(r"import\s+([\w.`]+?)(\.\*)?(?:\s+as\s+(\w+))?\s*;?$", _text(h, src).strip())
                name = (m.group(3) or m.group(1).rsplit(".", 1)[-1].strip("`")) if m else ""
                imports.append((h, None if not m or m.group(2) or name in KOTLIN_OPERATORS else {name}))
        elif lang == "python" and c.type in ("import_statement", "import_from_statement"):
            names = set()
            for n in c.children_by_field_name("name"):
                if n.type == "aliased_import":
                    names.add(_text(n.child_by_field_name("alias"), src))
                elif c.type == "import_statement":
                    names.add(_text(n, src).split(".")[0])
                else:
                    names.add(_text(n, src).split(".")[-1])
            imports.append((c, names or None))  # a wildcard import names nothing: kept
        elif lang in ("typescript", "tsx") and c.type == "import_statement":
            clause = next((k for k in c.named_children if k.type == "import_clause"), None)
            names = set()
            for n in walk(clause, {"identifier"}) if clause is not None else []:
                alias = n.parent.child_by_field_name("alias") if n.parent.type == "import_specifier" else None
                if alias is None or alias.id == n.id:  # `{ a as b }` binds b
                    names.add(_text(n, src))
            imports.append((c, names or None))
    if not imports:
        return code.strip()
    rest = _cut(root, src, [(n.start_byte, n.end_byte, "") for n, _ in imports])
    words = _words(rest)
    dropped = [n for n, names in imports if names is not None and not names & words]
    cuts = []
    for n in dropped:
        start, end = _drop_range(n, src, blank_lines=False)
        if start == 0 or src[max(start - 2, 0) : start] == b"\n\n":  # a group's first line: its blank lines after go
            while src[end : end + 1] == b"\n":
                end += 1
        cuts.append((start, end, ""))
    out = _cut(root, src, cuts)
    return re.sub(r"\n{4,}" if lang == "python" else r"\n{3,}", "\n\n\n" if lang == "python" else "\n\n", out).strip()


# --- Java, Kotlin ------------------------------------------------------------------------------------


def _annotations(node: Node, src: bytes) -> set[str]:
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    return {m.rsplit(".", 1)[-1] for m in re.findall(r"@([\w.]+)", _text(mods, src))} if mods is not None else set()


def _name(node: Node, src: bytes, lang: str) -> str:
    n = node.child_by_field_name("name")
    if n is None and lang == "kotlin":
        n = next((c for c in node.children if c.type in ("simple_identifier", "type_identifier")), None)
    return _text(n, src).strip("`") if n is not None else ""


def _jvm_body(node: Node) -> Node | None:
    return node.child_by_field_name("body") or next(
        (c for c in node.children if c.type in ("class_body", "enum_class_body")), None
    )


def _has_test(node: Node, src: bytes, lang: str) -> bool:
    return any(TEST_ANNOTATIONS & _annotations(m, src) for m in walk(node, {JVM_METHOD[lang]}))


def _jvm(t: CodeUnit, cls: CodeUnit, top_level: list[CodeUnit]) -> str | None:
    """The test's file rebuilt from its header (in the test's context) and its top-level classes (the
    test's class and, dropped unless the kept code names them, the file's other classes), then pruned."""
    lang = t.lang
    ctx_root, ctx_src = _parse(t.context, lang)
    header_types = {"package_declaration", "import_declaration", "package_header", "import_list"}
    found = [c for c in ctx_root.children if c.type in header_types]
    header = ctx_src[found[0].start_byte : found[-1].end_byte].decode("utf-8", "replace") if found else ""
    code = f"{header}\n\n" if header else ""
    row = 0
    for c in sorted(top_level, key=lambda u: u.span):
        code += f"{c.doc.strip()}\n" if c.doc.strip() else ""
        if c.id == cls.id:
            row = code.count("\n") + t.span[0] - cls.span[0]
        code += c.code.strip("\n") + "\n\n"
    root, src = _parse(code, lang)
    test = next(
        (m for m in walk(root, {JVM_METHOD[lang]}) if m.start_point[0] == row and _name(m, src, lang) == t.name), None
    )
    if test is None:
        return None
    path = set()
    p = test
    while p is not None:
        path.add(p.id)
        p = p.parent
    plan = _Plan(src)
    for other in (c for c in root.children if c.type in JVM_CLASS_TYPES[lang] and c.id not in path):
        if _has_test(other, src, lang):
            plan.drop.append(other)
        else:
            plan.candidates.append((other, {_name(other, src, lang)}, _text(other, src)))
    for holder in (n for n in walk(root, JVM_CLASS_TYPES[lang]) if n.id in path):
        body = _jvm_body(holder)
        if body is None:
            continue
        plan.kept.append(src[holder.start_byte : body.start_byte].decode("utf-8", "replace"))
        for m in body.named_children:
            if m.type in COMMENTS or m.id in path:
                continue
            if m.type == JVM_METHOD[lang]:
                anns, name = _annotations(m, src), _name(m, src, lang)
                if anns & TEST_ANNOTATIONS:
                    plan.drop.append(m)
                elif anns & JVM_HOOKS or name in JVM_HOOK_NAMES:
                    plan.kept.append(_text(m, src))
                else:
                    plan.candidates.append((m, {name}, _text(m, src)))
            elif m.type in JVM_CLASS_TYPES[lang]:
                if _has_test(m, src, lang):
                    plan.drop.append(m)
                else:
                    plan.candidates.append((m, {_name(m, src, lang)}, _text(m, src)))
            else:
                plan.kept.append(_text(m, src))
    plan.kept.append(_text(test, src))
    _settle([plan])
    return _prune_imports(_render(root, plan), lang)


# --- Python ------------------------------------------------------------------------------------------


def _py_def(node: Node) -> Node:
    """The function or class a (decorated) definition defines."""
    return node.child_by_field_name("definition") if node.type == "decorated_definition" else node


def _py_name(node: Node, src: bytes) -> str:
    n = _py_def(node).child_by_field_name("name")
    return _text(n, src) if n is not None else ""


def _py_fixture(node: Node, src: bytes) -> bool:
    return node.type == "decorated_definition" and any(
        "fixture" in _text(d, src) for d in node.children if d.type == "decorator"
    )


def _py_autouse(node: Node, src: bytes) -> bool:
    return node.type == "decorated_definition" and any(
        "fixture" in _text(d, src) and re.search(r"autouse\s*=\s*True", _text(d, src))
        for d in node.children
        if d.type == "decorator"
    )


def _py_class(t: CodeUnit, cls: CodeUnit, plan_out: list[_Plan]) -> tuple[Node, _Plan] | None:
    """The plan of the test's class: its attributes, hooks, fixtures and helpers, and only that test."""
    root, src = _parse(dedent(cls.code), "python")
    row = t.span[0] - cls.span[0]
    klass = next((c for c in root.children if _py_def(c).type == "class_definition"), None)
    body = _py_def(klass).child_by_field_name("body") if klass is not None else None
    if body is None:
        return None
    plan = _Plan(src)
    plan.kept.append(src[klass.start_byte : body.start_byte].decode("utf-8", "replace"))
    found = False
    for m in body.named_children:
        if m.type in COMMENTS:
            continue
        if _py_def(m).type != "function_definition":
            plan.kept.append(_text(m, src))
            continue
        name = _py_name(m, src)
        if m.start_point[0] == row and name == t.name:
            found = True
            plan.kept.append(_text(m, src))
        elif name.startswith("test"):
            plan.drop.append(m)
        elif name in PY_HOOKS or _py_autouse(m, src):
            plan.kept.append(_text(m, src))
        else:
            plan.candidates.append((m, {name}, _text(m, src)))
    if not found:
        return None
    plan_out.append(plan)
    return klass, plan


def _python(t: CodeUnit, cls: CodeUnit | None, file_units: list[CodeUnit]) -> str | None:
    root, src = _parse(t.context, "python")
    funcs = [u for u in file_units if u.scope == "file" and u.kind in ("method", "test")]
    classes = [u for u in file_units if u.kind == "class"]
    plans: list[_Plan] = []
    inner = _py_class(t, cls, plans) if cls is not None else None
    if cls is not None and inner is None:
        return None
    plan = _Plan(src)
    plans.append(plan)
    seen: dict[str, int] = {}
    home = None  # the module statement the test's class or function is
    for s in root.named_children:
        d = _py_def(s)
        if s.type in COMMENTS or s.type in ("import_statement", "import_from_statement", "future_import_statement"):
            continue
        text = _text(s, src)
        if d.type in ("function_definition", "class_definition"):
            name = _py_name(s, src)
            k = seen[name] = seen.get(name, -1) + 1
            pool = funcs if d.type == "function_definition" else classes
            same = sorted((u for u in pool if u.name == name), key=lambda u: u.span)
            unit = same[k] if k < len(same) else None
            if unit is not None and unit.id in (t.id, cls.id if cls is not None else None):
                home = s
                if unit.id == t.id:
                    plan.replace[s.id] = (s, dedent(t.code))
                    plan.kept.append(t.code)
            elif name.startswith("test") or (d.type == "class_definition" and name.startswith("Test")) or unit is None:
                plan.drop.append(s)  # another test; or a definition no unit holds (its body is elided here)
            else:
                plan.replace[s.id] = (s, dedent(unit.code))
                if _py_autouse(s, src):
                    plan.kept.append(unit.code)
                else:  # a fixture is asked for by a parameter's name (or `usefixtures`), a helper by any use
                    plan.candidates.append((s, {(FIXTURE + name) if _py_fixture(s, src) else name}, unit.code))
        elif (expr := s.named_children[0] if s.type == "expression_statement" else s).type == "string":
            plan.drop.append(s)  # the module's docstring
        elif expr.type in ("assignment", "augmented_assignment"):
            names = _words(_text(expr.child_by_field_name("left"), src))
            if names & PY_ALWAYS:
                plan.kept.append(text)
            else:
                plan.candidates.append((s, names, text))
        elif "__name__" in text.split("\n", 1)[0] or any(True for _ in walk(s, {"function_definition"})):
            plan.drop.append(s)  # `if __name__ == "__main__":`, or a block whose functions are elided here
        else:
            plan.kept.append(text)
    if home is None:
        return None
    _settle(plans)
    if inner is not None:  # the class's text, once its helpers are settled
        plan.replace[home.id] = (home, _render(*inner))
    return _prune_imports(_render(root, plan), "python")


# --- TypeScript --------------------------------------------------------------------------------------


def _ts_call(stmt: Node) -> Node | None:
    expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else stmt
    return expr if expr is not None and expr.type == "call_expression" else None


def _ts_root_name(call: Node, src: bytes) -> str:
    f = call.child_by_field_name("function")
    while f is not None and f.type in ("member_expression", "call_expression"):
        f = f.child_by_field_name("object" if f.type == "member_expression" else "function")
    return _text(f, src) if f is not None and f.type == "identifier" else ""


def _ts_title(node: Node | None, src: bytes) -> str:
    """A test's or describe's title as the parser names it (`describe(OrderService.name, ...)`: OrderService)."""
    if node is None:
        return ""
    t = _text(node, src)
    if node.type in ("string", "template_string"):
        return t[1:-1]
    return t[: -len(".name")] if t.endswith(".name") else t


def _ts_callback_body(call: Node) -> Node | None:
    args = call.child_by_field_name("arguments")
    for a in args.named_children if args is not None else []:
        if a.type in ("arrow_function", "function_expression", "function"):
            body = a.child_by_field_name("body")
            return body if body is not None and body.type == "statement_block" else None
    return None


def _typescript(t: CodeUnit, file_tests: list[CodeUnit]) -> str | None:
    lang = t.lang
    root, src = _parse(t.context, lang)
    same = [u for u in sorted(file_tests, key=lambda u: u.span) if u.signature == t.signature]
    nth = next((i for i, u in enumerate(same) if u.id == t.id), 0)
    title = t.signature.rsplit(" › ", 1)[-1] if t.signature else t.name
    hits: list[Node] = []
    for call in walk(root, {"call_expression"}):
        if _ts_root_name(call, src) not in TS_TESTS:
            continue
        args = call.child_by_field_name("arguments")
        if _ts_title(args.named_children[0] if args is not None and args.named_children else None, src) != title:
            continue
        chain, p = [], call.parent
        while p is not None:
            if p.type == "call_expression" and _ts_root_name(p, src) in TS_DESCRIBE:
                a = p.child_by_field_name("arguments")
                chain.insert(0, _ts_title(a.named_children[0] if a is not None and a.named_children else None, src))
            p = p.parent
        if " › ".join([*chain, title]) == t.signature or (not chain and t.scope == "file"):
            hits.append(call)
    if nth >= len(hits):
        return None
    test = hits[nth]
    node = test.parent if test.parent is not None and test.parent.type == "expression_statement" else test
    path = set()
    p = node
    while p is not None:
        path.add(p.id)
        p = p.parent
    plan = _Plan(src)
    plan.replace[node.id] = (node, t.code.strip())
    holders = [root] + [
        b
        for c in walk(root, {"call_expression"})
        if c.id in path and _ts_root_name(c, src) in TS_DESCRIBE and (b := _ts_callback_body(c)) is not None
    ]
    for holder in holders:
        for s in holder.named_children:
            if s.id in path or s.type in COMMENTS:
                continue
            call = _ts_call(s)
            name = _ts_root_name(call, src) if call is not None else ""
            if name in TS_TESTS or (
                name in TS_DESCRIBE and any(_ts_root_name(c, src) in TS_TESTS for c in walk(s, {"call_expression"}))
            ):
                plan.drop.append(s)
    return _prune_imports(_render(root, plan), lang)


# --- the builder -------------------------------------------------------------------------------------


def _framework(t: CodeUnit, output: str) -> str:
    if t.lang in ("java", "kotlin"):
        for needle, name in [
            ("org.junit.jupiter", "JUnit 5"),
            ("org.testng", "TestNG"),
            ("org.junit.", "JUnit 4"),
            ("junit.framework", "JUnit"),
            ("kotlin.test", "kotlin.test"),
        ]:
            if f"import {needle}" in output or f"import static {needle}" in output:
                return name
        return "JUnit"
    if t.lang == "python":
        return "unittest" if re.search(r"^class \w+\([\w.]*TestCase\)", output, re.M) else "pytest"
    if re.search(r"""from\s+['"]vitest['"]""", output):
        return "Vitest"
    if re.search(r"""from\s+['"](mocha|chai)['"]""", output):
        return "Mocha"
    return "Jest"


def _inside(u: CodeUnit, o: CodeUnit) -> bool:
    """Whether the unit sits inside another class unit `o`."""
    return o.kind == "class" and o.id != u.id and o.span[0] <= u.span[0] and u.span[1] <= o.span[1]


def runnable_test(t: CodeUnit, units_of_file: list[CodeUnit]) -> tuple[str | None, str]:
    """The test's file reduced to what it needs (see the module's doc), or None and the reason."""
    if t.lang in ("typescript", "tsx"):
        out = _typescript(t, [u for u in units_of_file if u.kind == "test"])
        return (out, "") if out else (None, "test not found in its file's outline")
    classes = [u for u in units_of_file if u.kind == "class" and u.span[0] <= t.span[0] and t.span[1] <= u.span[1]]
    cls = max(classes, key=lambda u: u.span[1] - u.span[0]) if classes else None
    if t.lang == "python":
        out = _python(t, cls if t.scope == "class" else None, units_of_file)
        return (out, "") if out else (None, "test not found in its module's outline")
    if cls is None:
        return None, "test class not found"
    top_level = [u for u in units_of_file if u.kind == "class" and not any(_inside(u, o) for o in units_of_file)]
    out = _jvm(t, cls, top_level if cls in top_level else [cls])
    return (out, "") if out else (None, "test not found in its class")


@register_task(
    TASK,
    "Write a complete, runnable unit test of a method (imports, fields, set-up, one test), from the "
    "class under test and the method.",
    needs="tests paired with their focal method, the focal class unit, and the units of the test's file",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    by_id = {u.id: u for u in units}
    by_file: dict[str, list[CodeUnit]] = {}
    for u in units:
        by_file.setdefault(u.file_id, []).append(u)
    class_unit = class_of(units)
    for t in units:
        if t.kind != "test" or not t.pairs:
            continue
        link = t.pairs[0]
        focal = by_id.get(link.focal_id)
        output, why = None, ""
        if focal is None:
            why = "focal unit not among the units"
        elif t.lang not in LANGS:
            why = f"language {t.lang} not supported"
        else:
            output, why = runnable_test(t, by_file[t.file_id])
            if output is not None and not parses(output, t.lang):
                output, why = None, "output does not parse"
        if output is None:
            yield Rejection(id=t.id, task=TASK, stage="tasks", reason=why)
            continue
        focal_class = class_unit(focal) if options.outline == "info" else None
        text_in = "\n".join(
            (["Class under test:", fence(focal_class.info, "")] if focal_class is not None and focal_class.info else [])
            + [f"Code under test ({focal.path}):", fence(dedent(focal.code), focal.lang), f"Test file: {t.path}"]
        )
        unit_ids = [focal.id, t.id]
        lang, template_id, template = pick(TASK, unit_ids, "", WORDINGS, options)
        yield make_record(
            task=TASK,
            template_id=template_id,
            instruction=template.format(
                framework=_framework(t, output),
                what=WHAT[lang][focal.scope],
                name=focal.name,
                cls=focal.class_name,
            ),
            input=text_in,
            output=output,
            unit=t,
            unit_ids=unit_ids,
            instruction_lang=lang,
            focal_class=focal.class_name or focal_class_name(t),
            module=focal.module,
            pairing_rule=link.rule,
        )
