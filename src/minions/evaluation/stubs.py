"""Stubs from the repository's own signatures: a generated Java member compiled inside its class.

A task that asks for one method (implement-method, implement-from-test, spring-data-method,
controller-test) shows the model its class as a compact outline (`parsing.classinfo`):

    @Service class com.acme.blog.PostService(PostRepository) : BaseService
    - fields: postRepository:PostRepository
    - methods: findAll(): List<Post>, addNewPost(Post): Post

`focal_outline` reads the first outline of a record's input, and `java_member_file` writes the class
again as a compilable stub around the generated member: the JDK's common packages imported (as the
member's real file would), the fields, and every other method with a body that returns its type's
default. Stub members are `static`, so a static member may call them too, except `equals(Object)`,
`hashCode()`, `toString()`, `clone()` and `finalize()`, which override Object's and so stay
instance methods; the outline's constructor gets a stub too (`new Money(1, "EUR")` in a test). The
types they name are the repository's own or a library's: javac reports them as missing classes,
which the ladder counts as unresolved, not as errors of the member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIRST = re.compile(
    r"^(?:@\S+\s+)*(?P<kind>abstract class|class|interface|enum|record|@interface)\s+"
    r"(?P<qname>[\w.$]+)(?P<tparams><[^()]*>)?(?:\((?P<ctor>[^)]*)\))?(?:\s+:\s+(?P<supers>.+))?$"
)
# what the member's real file would import (a member carries no imports of its own)
JDK_PACKAGES = (
    "java.util",
    "java.util.function",
    "java.util.stream",
    "java.util.regex",
    "java.util.concurrent",
    "java.util.concurrent.atomic",
    "java.math",
    "java.time",
    "java.time.format",
    "java.time.temporal",
    "java.io",
    "java.nio.file",
    "java.nio.charset",
    "java.text",
    "java.net",
)
JDK_IMPORTS = " ".join(f"import {p}.*;" for p in JDK_PACKAGES)
_OVERRIDE = re.compile(r"@Override\b")
_FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
_PRIMITIVE_DEFAULTS = {"boolean": "false", "char": "'\\0'", "void": ""}
_NUMERIC = {"byte", "short", "int", "long", "float", "double"}


@dataclass(frozen=True)
class Outline:
    """A class as its outline shows it."""

    kind: str
    package: str
    name: str
    type_params: str
    fields: tuple[tuple[str, str], ...]  # (name, type)
    methods: tuple[tuple[str, tuple[str, ...], str], ...]  # (name, parameter types, return type)
    constructor: tuple[str, ...] | None = None  # the parameter types the outline shows, if any


def split_top(text: str, sep: str = ",") -> list[str]:
    """`text` split at `sep` outside <>, () and []."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "<([":
            depth += 1
        elif c in ">)]":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def parse_outline(text: str) -> Outline | None:
    """The outline in `text` (its first line and the `- fields:` / `- methods:` lines), or None."""
    lines = text.strip().splitlines()
    m = _FIRST.match(lines[0].strip()) if lines else None
    if not m:
        return None
    package, _, name = m["qname"].rpartition(".")
    fields: list[tuple[str, str]] = []
    methods: list[tuple[str, tuple[str, ...], str]] = []
    for line in lines[1:]:
        key, _, rest = line.strip().removeprefix("- ").partition(": ")
        items = [i for i in split_top(rest) if not i.startswith("…")]
        if key == "fields":
            fields += [(n.strip(), t.strip()) for n, _, t in (i.partition(":") for i in items) if t]
        elif key in ("methods", "private methods"):
            for item in items:
                sig = re.match(r"^([\w$]+)\((.*)\)(?::\s*(.+))?$", item)
                if sig:
                    methods.append((sig[1], tuple(split_top(sig[2])), (sig[3] or "void").strip()))
    ctor = tuple(split_top(m["ctor"])) if m["ctor"] is not None else None
    return Outline(m["kind"], package, name.split("$")[-1], m["tparams"] or "", tuple(fields), tuple(methods), ctor)


def focal_outline(record_input: str) -> Outline | None:
    """The first outline among the fenced blocks of a record's input."""
    for block in _FENCE.findall(record_input or ""):
        outline = parse_outline(block)
        if outline:
            return outline
    return None


def _default(type_: str) -> str:
    if type_ in _NUMERIC:
        return "0"
    return _PRIMITIVE_DEFAULTS.get(type_, "null")


def _member_name(member: str) -> str | None:
    """The name of the method a member declares (the identifier before its first parenthesis)."""
    head = member.split("{", 1)[0]
    m = re.search(r"([\w$]+)\s*\(", re.sub(r"@\w+(\([^)]*\))?", "", head))
    return m[1] if m else None


# Object's methods: a static stub of one does not compile (it would hide an instance method)
_OBJECT_METHODS = {("equals", ("Object",)), ("hashCode", ()), ("toString", ()), ("clone", ()), ("finalize", ())}


def java_member_file(member: str, outline: Outline, *, package: bool = False) -> tuple[str, tuple[int, int]]:
    """A Java source declaring the outline's class around `member`, and the member's first and last
    line in it (1-based): the stub has the fields, a constructor and the other methods, with default
    bodies. package: declare the outline's package (for tests that sit in it)."""
    interface = outline.kind in ("interface", "@interface")
    own = _member_name(member)
    body = []
    if not interface:
        body += [f"    static {t} {n};" for n, t in outline.fields]
        if outline.constructor and own != outline.name:
            args = ", ".join(f"{t} a{i}" for i, t in enumerate(outline.constructor))
            body.append(f"    public {outline.name}({args}) {{ }}")
    for name, params, ret in outline.methods:
        override = (name, params) in _OBJECT_METHODS
        if name == own or (interface and override):
            continue
        args = ", ".join(f"{t} a{i}" for i, t in enumerate(params))
        value = _default(ret)
        ret_stmt = f" return {value};" if ret != "void" else ""
        modifiers = "public " if override else "static "
        body.append(f"    {modifiers}{ret} {name}({args}) {{{ret_stmt} }}")
    # the stub leaves out the supertypes (their own types are unknown here), so an @Override cannot
    # be checked: blanked out, on the same lines
    member = _OVERRIDE.sub(" " * len("@Override"), member)
    kind = "interface" if interface else "class"
    imports = f"package {outline.package}; {JDK_IMPORTS}" if package and outline.package else JDK_IMPORTS
    head = [imports, f"public {kind} {outline.name}{outline.type_params} {{", *body]
    start = len(head) + 1
    lines = [*head, *member.splitlines(), "}"]
    return "\n".join(lines) + "\n", (start, start + len(member.splitlines()) - 1)
