"""Code smells and test smells in code outputs, read from the tree-sitter tree of the output (a
member is parsed inside its language's wrapper, as the syntax filter does).

Code smells (every code output: `outputs.is_code`), each with a threshold in `filters` (null: off):

- long-method: `method_lines_max`, lines of the longest method or function (declarations, not
  lambdas), over `max_method_lines`;
- long-parameter-list: `parameters_max`, most parameters of one (Python's `self`/`cls` not
  counted), over `max_parameters`;
- god-class: `class_methods_max`, most methods declared in one class (its own, not nested
  classes'), over `max_class_methods`;
- empty-catch: `empty_catches`, catch blocks (Python `except`) with no statement and no comment
  (`pass` is none: a comment saying why the error is ignored passes), over `max_empty_catches`;
- commented-out-code: `commented_code_lines`, lines of comments whose text parses as code, over
  `max_commented_code_lines`.

A comment is commented-out code when its text (markers stripped, adjacent line comments joined)
holds code punctuation (`;`, `{`, `}`, `(`, `=`) and parses without error as statements or as a
member of the output's language. Doc comments (`/** */`) are never read.

Test smells (outputs of `outputs.TEST_TASKS`), each rejecting when listed in `filters.test_smells`:
`no-assertion` (`tests_without_assertion`: a test with no assert/expect/verify/should/fail call, no
Python `assert`, no `@Test(expected=...)`, no Go `t.Error`/`t.Fatal`/`assert.`/`require.`),
`empty-test` (`empty_tests`), `disabled-test` (`disabled_tests`: `@Disabled`, `@Ignore`, a
`skip` mark or call, `xit`, `it.skip`, `t.Skip`) and `sleep` (`sleeps`: calls of `sleep`/`Sleep`,
`setTimeout`). A test is a method annotated `@Test` (or `@ParameterizedTest`, `@RepeatedTest`,
`@TestFactory`, `@TestTemplate`), a Python function named `test*`, a TypeScript `it`/`test` call,
a Go `func TestXxx`. Figures are -1 where a smell does not apply (not code, not a test output).
"""

from __future__ import annotations

import re
import textwrap

from minions.config import FiltersConfig
from minions.filters.base import register_record_filter
from minions.filters.outputs import TEST_TASKS, is_code, output_form
from minions.filters.syntax import first_error
from minions.parsing.languages import LANGUAGES, descendants
from minions.records import InstructionRecord
from minions.tasks.registry import MEMBER_WRAPPERS

_TS = {"function_declaration", "method_definition", "generator_function_declaration"}
FUNCTIONS = {
    "java": {"method_declaration", "constructor_declaration"},
    "kotlin": {"function_declaration", "secondary_constructor"},
    "python": {"function_definition"},
    "typescript": _TS,
    "tsx": _TS,
    "go": {"function_declaration", "method_declaration"},
}
CLASSES = {
    "java": {"class_declaration", "enum_declaration", "record_declaration", "interface_declaration"},
    "kotlin": {"class_declaration", "object_declaration"},
    "python": {"class_definition"},
    "typescript": {"class_declaration", "abstract_class_declaration"},
    "tsx": {"class_declaration", "abstract_class_declaration"},
    "go": set(),
}
CATCHES = {"catch_clause", "catch_block", "except_clause"}
COMMENTS = {"comment", "line_comment", "block_comment", "multiline_comment"}
CALLS = {"method_invocation", "call_expression", "call"}
_PARAMS = {
    "formal_parameter",
    "spread_parameter",
    "receiver_parameter",
    "parameter",
    "required_parameter",
    "optional_parameter",
    "identifier",
    "typed_parameter",
    "default_parameter",
    "typed_default_parameter",
    "list_splat_pattern",
    "dictionary_splat_pattern",
    "variadic_parameter_declaration",
}
_EMPTY_STATEMENTS = {"pass_statement", "empty_statement"}
_TEST_ANNOTATIONS = {"Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate"}
_DISABLED_ANNOTATIONS = {"Disabled", "Ignore"}
_ASSERT_CALL = re.compile(r"^(assert|expect|verify|should|fail|check|raises|andExpect)", re.IGNORECASE)
_GO_ASSERT = re.compile(r"^(assert|require)\.|^t\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)$")
_SKIP_CALL = re.compile(r"(^|\.)(skip|Skip|SkipNow|skipTest)$")
_TS_TESTS = {"it", "test", "xit", "xtest", "it.skip", "test.skip", "it.only", "test.only", "it.each", "test.each"}
MAX_COMMENT_LINES = 40  # lines of one comment block read for code (each run tried is a parse)
_CODE_CHARS = re.compile(r"[;{}(=]")
_COMMENT_MARKERS = re.compile(r"^\s*(?://+|#+|/\*+|\*+/?|\*)\s?|\s*\*+/\s*$")
SMELL_FIGURES = (
    "method_lines_max",
    "parameters_max",
    "class_methods_max",
    "empty_catches",
    "commented_code_lines",
)
TEST_FIGURES = ("tests", "tests_without_assertion", "empty_tests", "disabled_tests", "sleeps")


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _tree(code: str, lang: str, member: bool):
    parser = LANGUAGES[lang].parser()
    if member and lang in MEMBER_WRAPPERS and first_error(code, lang) is not None:
        head, tail = MEMBER_WRAPPERS[lang]
        return parser.parse(f"{head}{code}{tail}".encode()).root_node
    return parser.parse(code.encode()).root_node


def _statements(node) -> list:
    """The statements directly in a body (a block, `statements` lists flattened), comments included."""
    out = []
    for c in node.named_children:
        if c.type in ("statements", "statement_list", "block", "statement_block", "function_body"):
            out += _statements(c)
        else:
            out.append(c)
    return out


def _is_empty(body_nodes: list) -> bool:
    """No statement and no comment: `pass`, `...` and a docstring are no statements."""
    for n in body_nodes:
        if n.type in _EMPTY_STATEMENTS:
            continue
        if n.type == "expression_statement" and all(c.type in ("ellipsis", "string") for c in n.named_children):
            continue
        return False
    return True


def _catch_body(node) -> list:
    if node.type == "catch_block":  # Kotlin: the statements sit in the catch block itself
        inner = [s for c in node.named_children if c.type == "statements" for s in c.named_children]
        return [c for c in node.named_children if c.type in COMMENTS] + inner
    body = node.child_by_field_name("body") or next((c for c in node.named_children if c.type == "block"), None)
    # Python puts a comment that opens the except block beside the block, not in it
    comments = [c for c in node.named_children if c.type in COMMENTS]
    return comments + (_statements(body) if body is not None else [])


def _parameters(fn, lang: str) -> int:
    params = fn.child_by_field_name("parameters") or next(
        (c for c in fn.named_children if c.type == "function_value_parameters"), None
    )
    if params is None:
        return 0
    n = 0
    for i, p in enumerate(params.named_children):
        if lang == "python" and i == 0 and _text(p) in ("self", "cls"):
            continue
        if lang == "go" and p.type == "parameter_declaration":
            n += max(1, sum(1 for c in p.named_children if c.type == "identifier"))
        elif p.type in _PARAMS or p.type == "parameter_declaration":
            n += 1
    return n


def _annotations(fn) -> set[str]:
    """Names of a Java/Kotlin declaration's annotations, and of a Python function's decorators."""
    names = set()
    holder = next((c for c in fn.children if c.type == "modifiers"), None)
    nodes = list(holder.children) if holder is not None else []
    if fn.parent is not None and fn.parent.type == "decorated_definition":
        nodes += [c for c in fn.parent.children if c.type == "decorator"]
    for a in nodes:
        if a.type in ("annotation", "marker_annotation", "decorator"):
            names.update(re.findall(r"[A-Za-z_]\w*", _text(a).split("(")[0]))
    return names


def _callee(call) -> str:
    fn = call.child_by_field_name("function")
    if call.type == "method_invocation":
        obj, name = call.child_by_field_name("object"), call.child_by_field_name("name")
        return (_text(obj) + "." if obj is not None else "") + (_text(name) if name is not None else "")
    if fn is None and call.named_children:
        fn = call.named_children[0]  # Kotlin: the callee is the first child
    return re.sub(r"\s+", "", _text(fn)) if fn is not None else ""


def _last(name: str) -> str:
    m = re.search(r"(\w+)$", name)
    return m.group(1) if m else ""


def _comment_blocks(root) -> list[str]:
    """The text (markers stripped) of each comment, adjacent line comments joined; doc comments left out."""
    blocks: list[tuple[list[str], int]] = []
    last_line = -2
    for n in descendants(root):
        if n.type not in COMMENTS:
            continue
        raw = _text(n)
        if raw.startswith("/**"):
            continue
        lines = [_COMMENT_MARKERS.sub("", ln) for ln in raw.splitlines()]
        line_comment = raw.startswith(("//", "#"))
        if line_comment and blocks and n.start_point[0] == last_line + 1 and blocks[-1][1] == -1:
            blocks[-1][0].extend(lines)
        else:
            blocks.append((lines, -1 if line_comment else 0))
        last_line = n.end_point[0]
    return ["\n".join(ls) for ls, _ in blocks]


def _code_lines(text: str, lang: str) -> int:
    """Non-blank lines of a comment that are code: the longest runs of its lines that parse, taken
    from the top (a block of prose and code counts its code)."""
    lines = text.splitlines()[:MAX_COMMENT_LINES]
    n, i = 0, 0
    while i < len(lines):
        for j in range(len(lines), i, -1):
            if _parses_as_code("\n".join(lines[i:j]), lang):
                n += sum(1 for x in lines[i:j] if x.strip())
                i = j
                break
        else:
            i += 1
    return n


# Comments that are instructions to a tool (`# pylint: disable=x`, `// eslint-disable-next-line`,
# `# type: ignore`) or prose giving an example (`e.g. foo(bar)`): never commented-out code
_NOT_CODE = re.compile(
    r"^\s*(?:pylint|mypy|type|noqa|fmt|isort|pragma|pyright|ruff|nolint|nosec|eslint|tslint|prettier|"
    r"istanbul|c8|ts-|jshint|checkstyle|spotless|NOSONAR|CHECKSTYLE|suppress|lint)\b"
    r"|^\s*(?:e\.g\.|i\.e\.|eg\b|ie\b|see\b|example:)",
    re.IGNORECASE,
)


def _parses_as_code(text: str, lang: str) -> bool:
    body = textwrap.dedent(text).strip()
    if not body or not _CODE_CHARS.search(body) or _NOT_CODE.match(body):
        return False
    tries = {
        "java": ["class X { void m() {\n%s\n} }", "class X {\n%s\n}"],
        "kotlin": ["fun m() {\n%s\n}", "class X {\n%s\n}"],
        "python": ["%s"],
        "typescript": ["function m() {\n%s\n}", "class X {\n%s\n}"],
        "go": ["package p\nfunc m() {\n%s\n}", "package p\n%s"],
    }[{"tsx": "typescript"}.get(lang, lang)]
    for t in tries:
        text = t % body
        if first_error(text, lang) is None:
            # prose that happens to parse: `Windows (prefix/lib)` is a call only with a space before `(`
            root = LANGUAGES[lang].parser().parse(text.encode()).root_node
            return not any(_spaced_call(n) for n in descendants(root) if n.type in CALLS)
    return False


def _spaced_call(call) -> bool:
    """A call written with a space between the callee and its arguments (`Unix (prefix)`), as prose is."""
    args = call.child_by_field_name("arguments") or next(
        (c for c in call.children if c.type in ("argument_list", "call_suffix", "value_arguments")), None
    )
    callee = call.child_by_field_name("function") or call.child_by_field_name("name")
    if args is None or callee is None:
        return False
    return args.start_byte > callee.end_byte


def code_smells(code: str, lang: str, member: bool) -> dict[str, float]:
    """The code smell figures of code in a parsed language."""
    root = _tree(code, lang, member)
    method_lines, params, empty_catches = [0], [0], 0
    class_methods: dict[int, int] = {}
    for n in descendants(root):
        if n.type in FUNCTIONS[lang]:
            method_lines.append(n.end_point[0] - n.start_point[0] + 1)
            params.append(_parameters(n, lang))
            owner = n.parent
            while owner is not None and owner.type not in CLASSES[lang] and owner.type not in FUNCTIONS[lang]:
                owner = owner.parent
            if owner is not None and owner.type in CLASSES[lang]:
                class_methods[owner.id] = class_methods.get(owner.id, 0) + 1
        elif n.type in CATCHES and _is_empty(_catch_body(n)):
            empty_catches += 1
    commented = sum(_code_lines(text, lang) for text in _comment_blocks(root))
    return {
        "method_lines_max": float(max(method_lines)),
        "parameters_max": float(max(params)),
        "class_methods_max": float(max(class_methods.values(), default=0)),
        "empty_catches": float(empty_catches),
        "commented_code_lines": float(commented),
    }


def _tests(root, lang: str) -> list[tuple[object, object, bool]]:
    """(test node, body node, disabled by its declaration) of each test in a tree."""
    out = []
    for n in descendants(root):
        if lang in ("java", "kotlin") and n.type in FUNCTIONS[lang]:
            names = _annotations(n)
            if names & _TEST_ANNOTATIONS:
                body = n.child_by_field_name("body") or next((c for c in n.children if c.type == "function_body"), None)
                out.append((n, body, bool(names & _DISABLED_ANNOTATIONS)))
        elif lang == "python" and n.type == "function_definition":
            name = n.child_by_field_name("name")
            if name is not None and _text(name).startswith("test") and not _in_function(n, lang):
                disabled = any("skip" in x for x in _annotations(n))
                out.append((n, n.child_by_field_name("body"), disabled))
        elif lang in ("typescript", "tsx") and n.type == "call_expression":
            callee = _callee(n)
            args = n.child_by_field_name("arguments")
            fns = [
                a for a in (args.named_children if args else []) if a.type in ("arrow_function", "function_expression")
            ]
            if callee in _TS_TESTS and fns:
                out.append((n, fns[0].child_by_field_name("body"), callee.startswith("x") or callee.endswith(".skip")))
        elif lang == "go" and n.type == "function_declaration":
            name = n.child_by_field_name("name")
            if (
                name is not None
                and _text(name).startswith("Test")
                and "testing.T" in _text(n.child_by_field_name("parameters"))
            ):
                out.append((n, n.child_by_field_name("body"), False))
    return out


def _asserts(callee: str) -> bool:
    """An assertion call: its name (`assertThat`, `verify`, `andExpect`), or for a plain dotted callee any
    part of it (Truth's `expect.that`, `Assertions.assertEquals`), or Go's `t.Errorf`, `require.Equal`."""
    parts = callee.split(".") if re.fullmatch(r"[\w.]+", callee) else [_last(callee)]
    return any(_ASSERT_CALL.match(p) for p in parts) or bool(_GO_ASSERT.search(callee))


def _in_function(node, lang: str) -> bool:
    """Whether a definition is nested in a function (pytest collects only module and class level ones)."""
    p = node.parent
    while p is not None:
        if p.type in FUNCTIONS[lang]:
            return True
        p = p.parent
    return False


def smells_in_tests(code: str, lang: str, member: bool) -> dict[str, float]:
    """The test smell figures of a test output."""
    root = _tree(code, lang, member)
    tests = _tests(root, lang)
    no_assert = empty = disabled = 0
    for node, body, off in tests:
        calls = [_callee(c) for c in descendants(node) if c.type in CALLS]
        infix = [
            _text(c.named_children[1])
            for c in descendants(node)
            if c.type == "infix_expression" and len(c.named_children) > 2
        ]
        asserts = (
            any(_asserts(c) for c in calls)
            or any(_ASSERT_CALL.match(x) for x in infix)
            or any(c.type == "assert_statement" for c in descendants(node))
            or any("expected" in _text(a) for a in descendants(node) if a.type == "annotation")
        )
        no_assert += not asserts
        empty += body is None or _is_empty([c for c in _statements(body) if c.type not in COMMENTS])
        disabled += off or any(_SKIP_CALL.search(c) for c in calls)
    calls_made = (c for c in descendants(root) if c.type in CALLS)
    sleeps = sum(1 for c in calls_made if _last(_callee(c)) in ("sleep", "Sleep", "setTimeout"))
    return {
        "tests": float(len(tests)),
        "tests_without_assertion": float(no_assert),
        "empty_tests": float(empty),
        "disabled_tests": float(disabled),
        "sleeps": float(sleeps),
    }


_CODE_RULES = (
    ("long-method", "method_lines_max", "max_method_lines", "a method has {n} lines (max {max})"),
    ("long-parameter-list", "parameters_max", "max_parameters", "a method has {n} parameters (max {max})"),
    ("god-class", "class_methods_max", "max_class_methods", "a class declares {n} methods (max {max})"),
    ("empty-catch", "empty_catches", "max_empty_catches", "{n} empty catch blocks (max {max})"),
    (
        "commented-out-code",
        "commented_code_lines",
        "max_commented_code_lines",
        "{n} lines of commented-out code (max {max})",
    ),
)
_TEST_RULES = (
    ("no-assertion", "tests_without_assertion", "a test asserts nothing"),
    ("empty-test", "empty_tests", "a test has an empty body"),
    ("disabled-test", "disabled_tests", "a test is disabled"),
    ("sleep", "sleeps", "a test sleeps ({n} sleep calls): wait on a condition or a fake clock instead"),
)


class Smells:
    name = "smells"

    def stats(self, record: InstructionRecord) -> dict[str, float]:
        out = dict.fromkeys((*SMELL_FIGURES, *TEST_FIGURES), -1.0)
        if not is_code(record.task, record.lang):
            return out
        member = output_form(record.task) == "member"
        out.update(code_smells(record.output, record.lang, member))
        if record.task in TEST_TASKS:
            out.update(smells_in_tests(record.output, record.lang, member))
        return out

    def judge(self, s: dict[str, float], t: FiltersConfig) -> tuple[bool, str]:
        for rule, figure, field, message in _CODE_RULES:
            limit = getattr(t, field)
            if limit is not None and s.get(figure, -1) > limit:
                return False, f"code smell {rule}: " + message.format(n=int(s[figure]), max=limit)
        for rule, figure, message in _TEST_RULES:
            if rule in t.test_smells and s.get(figure, -1) > 0:
                return False, f"test smell {rule}: " + message.format(n=int(s[figure]))
        return True, ""


register_record_filter(Smells())
