"""The language registry and the tree-sitter helpers the language modules share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from tree_sitter import Node, Parser, Query, QueryCursor
from tree_sitter_language_pack import get_language, get_parser

from minions.records import CodeUnit, SourceFile, stable_id


@dataclass(frozen=True)
class FileContext:
    """What a language module needs besides the file: the module (split group) it belongs to."""

    file: SourceFile
    module: str
    src: bytes
    package: str = ""
    cache: dict = field(default_factory=dict)  # what a language module computes once per file


ParseFn = Callable[[Node, FileContext], list[CodeUnit]]


@dataclass(frozen=True)
class Language:
    name: str
    grammar: str
    parse: ParseFn

    def parser(self) -> Parser:
        return get_parser(self.grammar)


LANGUAGES: dict[str, Language] = {}


def register_language(name: str, grammar: str | None = None) -> Callable[[ParseFn], ParseFn]:
    """Register a function that turns a file's syntax tree into units; duplicates are refused."""

    def deco(fn: ParseFn) -> ParseFn:
        if name in LANGUAGES:
            raise ValueError(f"language {name!r} is already registered")
        LANGUAGES[name] = Language(name, grammar or name, fn)
        return fn

    return deco


def text(node: Node, ctx: FileContext) -> str:
    return ctx.src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def modifiers(node: Node) -> Node | None:
    """The declaration's `modifiers` child, or None. It comes first where there is one: that child is
    looked at before all of them (each `children` call makes a Python object per child)."""
    first = node.child(0) if node.child_count else None
    if first is not None and first.type == "modifiers":
        return first
    return next((c for c in node.children if c.type == "modifiers"), None)


def span(node: Node) -> tuple[int, int]:
    return node.start_point[0] + 1, node.end_point[0] + 1


@lru_cache(maxsize=64)
def _query(grammar: str, source: str) -> Query:
    return Query(get_language(grammar), source)


def captures(node: Node, grammar: str, source: str) -> list[Node]:
    """The nodes a tree-sitter query captures under `node`, in source order (an outer node before the
    inner ones it holds, as `walk` yields them): the query runs in C, `walk` in Python."""
    found = QueryCursor(_query(grammar, source)).captures(node)
    return sorted((n for nodes in found.values() for n in nodes), key=lambda n: (n.start_byte, -n.end_byte))


def captures_by_name(node: Node, grammar: str, source: str) -> dict[str, list[Node]]:
    """Capture name -> the nodes a query captures under `node` in source order (as `captures`): one
    pass over the tree for several kinds of node."""
    found = QueryCursor(_query(grammar, source)).captures(node)
    return {name: sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte)) for name, nodes in found.items()}


def descendants(node: Node) -> Iterator[Node]:
    """The node and all its descendants, in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def walk(node: Node, types: set[str]) -> Iterator[Node]:
    """Descendants (and the node itself) of the given types, in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(reversed(n.children))


def call_names(
    node: Node | None, ctx: FileContext, call: str, member: str, member_field: str, names: tuple[str, ...]
) -> list[str]:
    """Names of the functions called under `node`, in source order: `f(...)`, and `f` of `a.b.f(...)`
    (a `member` node's `member_field`), for the node types of a grammar."""
    out = []
    for c in walk(node, {call}) if node is not None else []:
        fn = c.child_by_field_name("function")
        if fn is not None and fn.type == member:
            fn = fn.child_by_field_name(member_field)
        if fn is not None and fn.type in names:
            out.append(text(fn, ctx))
    return out


def doc_before(node: Node, ctx: FileContext) -> str:
    """The /** ... */ comment right before a declaration (its annotations included), if any."""
    src, end = ctx.src, node.start_byte
    while end:  # back over whitespace without copying the file's head: this runs for every unit
        if src[end - 1] in b" \t\r\n\f\v":
            end -= 1
            continue
        start = end - 1
        while start > 0 and src[start] & 0xC0 == 0x80:  # a non-ASCII character: back to its first byte
            start -= 1
        if src[end - 1] < 0x80 or not src[start:end].decode("utf-8", "replace").isspace():
            break
        end = start  # U+00A0, U+3000, U+2028 ...
    if not src.startswith(b"*/", end - 2):
        return ""
    start = src.rfind(b"/**", 0, end)
    if start < 0 or src.find(b"*/", start, end - 2) >= 0:
        return ""
    return src[start:end].decode("utf-8", "replace")


def with_leading_indent(node: Node, ctx: FileContext) -> str:
    """The node's text, its first line indented as in the file: with the file's own tabs or spaces, so
    dedenting the text works; other text before the node on its line counts as spaces."""
    line_start = ctx.src.rfind(b"\n", 0, node.start_byte) + 1
    before = ctx.src[line_start : node.start_byte].decode("utf-8", "replace")
    indent = before if not before.strip() else " " * len(before)
    return indent + text(node, ctx)


def file_header(root: Node, ctx: FileContext, types: set[str]) -> str:
    """The file's text from the first to the last of the root's children of the given types (its package
    and import lines), '' when there is none: what a test needs besides its class to compile."""
    found = [c for c in root.children if c.type in types]
    return ctx.src[found[0].start_byte : found[-1].end_byte].decode("utf-8", "replace").strip() if found else ""


def elide(container: Node, bodies: list[Node], ctx: FileContext, marker: str) -> str:
    """The container's text with each (outermost) body replaced by the marker: a skeleton."""
    out, pos = [], container.start_byte
    for body in sorted(bodies, key=lambda b: b.start_byte):
        if body.start_byte < pos:
            continue  # nested in a body already elided
        out.append(ctx.src[pos : body.start_byte].decode("utf-8", "replace"))
        out.append(marker)
        pos = body.end_byte
    out.append(ctx.src[pos : container.end_byte].decode("utf-8", "replace"))
    return "".join(out)


def make_unit(node: Node, ctx: FileContext, span_node: Node | None = None, id_key: str = "", **fields) -> CodeUnit:
    """A unit for a node, with ids and provenance filled in; span from `span_node` when given.
    `id_key` tells apart units of one span (the second path of `@GetMapping({"/a", "/b"})`)."""
    where = span_node or node
    f = ctx.file
    byte_span = (where.start_byte, where.end_byte)
    source = ctx.cache.get("provenance")
    if source is None:
        source = ctx.cache["provenance"] = f.provenance()
    return new_unit(
        id=CodeUnit.make_id(f.id, byte_span)
        if not id_key
        else stable_id(f.id, f"{byte_span[0]}-{byte_span[1]}#{id_key}"),
        lang=f.lang or "",
        path=f.path,
        span=span(where),
        file_id=f.id,
        source=source,
        module=ctx.module,
        package=ctx.package,
        code=fields.pop("code", None) or with_leading_indent(node, ctx),
        **fields,
    )


# (name, default, default factory) of CodeUnit's fields, in their order (the order model_dump keeps)
_UNIT_FIELDS = [(n, f.default, f.default_factory) for n, f in CodeUnit.model_fields.items()]
_UNIT_NAMES = frozenset(CodeUnit.model_fields)
_new_object, _set = CodeUnit.__new__, object.__setattr__


def new_unit(**values) -> CodeUnit:
    """`CodeUnit(**values)` for values already of the fields' types, without pydantic's validation (a
    third of `make_unit`'s time): the object validation would give (tests/parsing checks every unit
    re-validates to itself); an unknown field is refused as validation would."""
    if not values.keys() <= _UNIT_NAMES:
        raise TypeError(f"unknown CodeUnit fields: {sorted(values.keys() - _UNIT_NAMES)}")
    data = {
        n: values[n] if n in values else (default if factory is None else factory())
        for n, default, factory in _UNIT_FIELDS
    }
    unit = _new_object(CodeUnit)
    _set(unit, "__dict__", data)
    _set(unit, "__pydantic_fields_set__", set(values))
    _set(unit, "__pydantic_extra__", None)
    _set(unit, "__pydantic_private__", None)
    return unit


HTTP_MAPPINGS = {
    "GetMapping": "GET",
    "PostMapping": "POST",
    "PutMapping": "PUT",
    "DeleteMapping": "DELETE",
    "PatchMapping": "PATCH",
}
TEST_ANNOTATIONS = {"Test", "ParameterizedTest", "RepeatedTest", "TestFactory"}


def join_http_path(base: str, path: str) -> str:
    joined = "/" + "/".join(p.strip("/") for p in (base, path) if p.strip("/"))
    return joined
