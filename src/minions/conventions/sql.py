"""SQL rules, for SQL text (`check_sql`) and for the SQL that code builds in strings (`check_code`).

| rule id | message |
|---|---|
| `select-star` | name the columns a query returns, not `SELECT *` |
| `concatenated-parameter` | pass values as bind parameters, never concatenated into the SQL text |

- SQL text: `select-star` is a `*` (or `t.*`) in a SELECT list, found by sqlglot (MySQL, then
  PostgreSQL, then its default dialect; MyBatis `#{name}` markers read as bind parameters); a
  statement no dialect parses is read by a regex over the text without comments and quoted strings.
  `COUNT(*)` is not a select star. `concatenated-parameter` is a MyBatis `${name}` marker: text
  substitution, the value pasted into the SQL as it is.
- Code (Java, Kotlin, Python, TypeScript/TSX, Go; tree-sitter): a string literal "looks like SQL"
  when it holds a statement keyword followed by its usual partner (`select ... from`, `insert into`,
  `update ... set`, `delete from`) or a `where` clause. `select-star` is such a literal with
  `select *`. `concatenated-parameter` is such a literal joined by `+` to an operand that is not a
  literal nor an UPPER_CASE constant (`"... where id = " + id`), interpolating one (Kotlin `"$id"`,
  Python f-strings, TypeScript template strings), formatted with one (Python `%` and `.format`,
  Java `String.format`/`.formatted`, Go `fmt.Sprintf`), or holding a `${...}` marker (MyBatis
  annotations).
"""

from __future__ import annotations

import re
from functools import lru_cache

from minions.conventions.rest import Violation

RULES: dict[str, str] = {
    "select-star": "name the columns a query returns, not `SELECT *`",
    "concatenated-parameter": "pass values as bind parameters, never concatenated into the SQL text",
}

CODE_LANGS = {
    "java": "java",
    "kotlin": "kotlin",
    "python": "python",
    "typescript": "typescript",
    "tsx": "tsx",
    "go": "go",
}
_WRAP = {"java": ("class X {\n", "\n}"), "kotlin": ("class X {\n", "\n}"), "typescript": ("class X {\n", "\n}")}
_WRAP["tsx"] = _WRAP["typescript"]
_WRAP["go"] = ("package p\n\n", "")

_LOOKS_SQL = re.compile(
    r"\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\s+[\w.`\"]+\s+set\b|\bdelete\s+from\b|\bwhere\s+[\w.`\"]+\s*(?:=|<|>|!=|<>|\blike\b|\bin\b)",
    re.IGNORECASE,
)
_SELECT_STAR = re.compile(r"\bselect\s+(?:distinct\s+)?(?:[\w`\"]+\.)?\*", re.IGNORECASE)
_EXISTS_STAR = re.compile(r"\bexists\s*\(\s*select\s+\*", re.IGNORECASE)
_SUBSTITUTION = re.compile(r"\$\{[^}]*\}")
# calls whose string arguments are messages, not SQL: a log line or an error may say "where id = " + id
_MESSAGE_CALLS = re.compile(
    r"(?:^|\.)(?:trace|debug|info|warn|warning|error|fatal|critical|log|println|print|printf|Printf|Println|"
    r"Errorf|Fatalf|Sprintf\w*Error|assert\w*|fail|require|check)$"
)
_MYBATIS_PARAM = re.compile(r"#\{[^}]*\}")
_SQL_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:''|[^'])*'", re.S)
_CONSTANT = re.compile(r"^(?:[A-Za-z_][\w]*\.)*[A-Z][A-Z0-9_]*$")
_FORMAT_VERB = re.compile(r"%[-+ #0-9.]*[sdvqifg]|\{\w*\}")

_STRINGS = {
    "string_literal",  # java, kotlin
    "string",  # python, typescript
    "template_string",  # typescript
    "interpreted_string_literal",  # go
    "raw_string_literal",  # go
}
_INTERPOLATIONS = {"interpolation", "template_substitution", "interpolated_identifier", "interpolated_expression"}
_CONCAT = {"binary_expression", "additive_expression", "binary_operator"}


def _v(rule: str, segment: str = "") -> Violation:
    return Violation(rule, RULES[rule], segment)


def check_sql(text: str) -> list[Violation]:
    """The SQL rules a statement (or several, `;`-separated) breaks, one violation per occurrence."""
    out = [_v("concatenated-parameter", m.group(0)) for m in _SUBSTITUTION.finditer(text)]
    stars = _select_stars(text)
    out += [_v("select-star")] * stars
    return out


def _select_stars(text: str) -> int:
    import sqlglot
    from sqlglot import exp

    clean = _MYBATIS_PARAM.sub("?", _SUBSTITUTION.sub("0", text))
    for dialect in ("mysql", "postgres", None):
        try:
            trees = [t for t in sqlglot.parse(clean, read=dialect) if t is not None]
        except Exception:  # sqlglot's ParseError and TokenError alike: try the next dialect
            continue
        n = 0
        for tree in trees:
            for select in tree.find_all(exp.Select):
                if isinstance(select.parent, exp.Exists):
                    continue  # EXISTS (SELECT * ...) reads no column: the idiom, not a smell
                for e in select.expressions:
                    if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
                        n += 1
        return n
    return len(_SELECT_STAR.findall(_EXISTS_STAR.sub(" ", _SQL_NOISE.sub(" ", clean))))


@lru_cache(maxsize=8)
def _parser(grammar: str):
    from tree_sitter_language_pack import get_parser

    return get_parser(grammar)


def _tree(code: str, lang: str):
    parser = _parser(CODE_LANGS[lang])
    root = parser.parse(code.encode()).root_node
    if root.has_error and lang in _WRAP:
        head, tail = _WRAP[lang]
        wrapped = parser.parse(f"{head}{code}{tail}".encode()).root_node
        if not wrapped.has_error:
            return wrapped
    return root


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _operands(node) -> list:
    """The operands of a `+` chain (`a + b + c` is nested binary nodes)."""
    op = next((c for c in node.children if not c.is_named), None)
    if op is None or _text(op) != "+":
        return [node]
    return [x for c in node.named_children for x in (_operands(c) if c.type in _CONCAT else [c])]


def _is_constant(node) -> bool:
    return (
        node.type in _STRINGS
        or node.type.endswith(("number_literal", "integer", "int_literal"))
        or bool(_CONSTANT.match(_text(node)))
    )


def check_code(code: str, lang: str) -> list[Violation]:
    """The SQL rules the SQL built in a piece of code breaks; [] for a language not listed in
    `CODE_LANGS`."""
    if lang not in CODE_LANGS:
        return []
    out: list[Violation] = []
    root = _tree(code, lang)
    concatenated: set[int] = set()  # start bytes of strings already reported, once per string
    for node in _walk(root):
        if (node.type in _STRINGS or node.type in _CONCAT) and _in_message(node):
            continue
        if node.type in _STRINGS:
            body = _text(node)
            if not _LOOKS_SQL.search(body):
                continue
            if _SELECT_STAR.search(body):
                out.append(_v("select-star"))
            interpolated = any(c.type in _INTERPOLATIONS for c in node.children)
            substituted = lang not in ("kotlin", "typescript", "tsx") and _SUBSTITUTION.search(body)
            if (interpolated or substituted) and node.start_byte not in concatenated:
                concatenated.add(node.start_byte)
                out.append(_v("concatenated-parameter"))
        elif node.type in _CONCAT:
            if node.parent is not None and node.parent.type in _CONCAT:
                continue  # the outermost `+` of a chain speaks for it
            parts = _operands(node)
            if len(parts) < 2 and lang == "python":
                parts = _python_percent(node)
            sql = [p for p in parts if p.type in _STRINGS and _LOOKS_SQL.search(_text(p))]
            if sql and any(not _is_constant(p) for p in parts) and sql[0].start_byte not in concatenated:
                concatenated.add(sql[0].start_byte)
                out.append(_v("concatenated-parameter"))
        elif node.type in ("method_invocation", "call_expression", "call"):
            fmt = _format_string(node, lang)
            if (
                fmt is not None
                and _LOOKS_SQL.search(_text(fmt))
                and _FORMAT_VERB.search(_text(fmt))
                and fmt.start_byte not in concatenated
            ):
                concatenated.add(fmt.start_byte)
                out.append(_v("concatenated-parameter"))
    return out


def _in_message(node) -> bool:
    """Whether a string (or concatenation) is part of a message: an argument of a logging, printing or
    assertion call, of a `new ...Exception(...)`, or of a throw/raise."""
    up = node.parent
    for _ in range(4):
        if up is None:
            return False
        if up.type in ("throw_statement", "raise_statement", "throw_expression", "jump_expression"):
            return up.type != "jump_expression" or _text(up).startswith("throw")
        if up.type in ("object_creation_expression", "new_expression"):
            kind = up.child_by_field_name("type") or up.child_by_field_name("constructor")
            return kind is not None and bool(re.search(r"(?:Exception|Error)$", _text(kind)))
        if up.type in ("method_invocation", "call_expression", "call"):
            callee = up.child_by_field_name("name") or up.child_by_field_name("function") or up.named_child(0)
            name = _text(callee) if callee is not None else ""
            if re.search(r"(?:Exception|Error)$", name):  # Python ValueError(...), Kotlin IllegalStateException(...)
                return True
            return bool(_MESSAGE_CALLS.search(name))
        up = up.parent
    return False


def _python_percent(node) -> list:
    """`"... %s" % x`: the string and its argument, as a concatenation's operands."""
    op = next((c for c in node.children if not c.is_named), None)
    return list(node.named_children) if op is not None and _text(op) == "%" else [node]


def _format_string(call, lang: str):
    """The format string of a formatting call (`String.format(s, ...)`, `s.formatted(...)`,
    `fmt.Sprintf(s, ...)`, Python's `s.format(...)`), or None."""
    callee = _text(call.child_by_field_name("function") or call.child_by_field_name("name") or call)
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if lang == "java":
        obj = call.child_by_field_name("object")
        name = _text(call.child_by_field_name("name")) if call.child_by_field_name("name") else ""
        if name == "format" and obj is not None and _text(obj) == "String":
            return first if first is not None and first.type in _STRINGS else None
        if name == "formatted" and obj is not None and obj.type in _STRINGS:
            return obj
        return None
    if lang == "go" and callee in ("fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln"):
        return first if first is not None and first.type in _STRINGS else None
    if lang == "python":
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "attribute":
            obj, attr = fn.child_by_field_name("object"), fn.child_by_field_name("attribute")
            if attr is not None and _text(attr) == "format" and obj is not None and obj.type in _STRINGS:
                return obj
    return None
