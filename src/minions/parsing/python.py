"""Python: classes, functions and methods, pytest tests (test_* functions in test files)."""

from __future__ import annotations

from pathlib import PurePosixPath

from tree_sitter import Node

from minions.parsing.languages import FileContext, elide, make_unit, register_language, text, walk


def _docstring(func: Node, ctx: FileContext) -> str:
    body = func.child_by_field_name("body")
    first = body.children[0] if body and body.children else None
    if first is not None and first.type == "expression_statement" and first.children:
        first = first.children[0]  # older grammars wrap the docstring in a statement
    if first is not None and first.type == "string":
        return text(first, ctx)
    return ""


def _calls(node: Node, ctx: FileContext) -> list[str]:
    out = []
    for call in walk(node, {"call"}):
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "attribute":
            fn = fn.child_by_field_name("attribute")
        if fn is not None and fn.type == "identifier":
            out.append(text(fn, ctx))
    return out


def _outer(node: Node) -> Node:
    """The decorated definition around a function or class, so decorators stay with it."""
    return node.parent if node.parent is not None and node.parent.type == "decorated_definition" else node


def _members(container: Node) -> list[Node]:
    block = container.child_by_field_name("body") or container
    out = []
    for c in block.children:
        inner = c.child_by_field_name("definition") if c.type == "decorated_definition" else c
        if inner is not None and inner.type == "function_definition":
            out.append(inner)
    return out


@register_language("python")
def parse_python(root: Node, ctx: FileContext) -> list:
    stem = PurePosixPath(ctx.file.path).stem
    in_test_file = stem.startswith("test_") or stem.endswith("_test")
    units = []
    containers = [(root, stem)] + [
        (c, text(c.child_by_field_name("name"), ctx)) for c in walk(root, {"class_definition"})
    ]
    for container, class_name in containers:
        funcs = _members(container)
        every_body = [f.child_by_field_name("body") for f in walk(container, {"function_definition"})]
        skeleton = elide(_outer(container), every_body, ctx, "...")
        if container.type == "class_definition":
            units.append(
                make_unit(_outer(container), ctx, kind="class", name=class_name, doc=_docstring(container, ctx))
            )
        for f in funcs:
            name = text(f.child_by_field_name("name"), ctx)
            body = f.child_by_field_name("body")
            signature = ctx.src[_outer(f).start_byte : body.start_byte].decode("utf-8", "replace").strip()
            kind = "test" if in_test_file and name.startswith("test") else "method"
            units.append(
                make_unit(
                    _outer(f),
                    ctx,
                    kind=kind,
                    name=name,
                    class_name=class_name,
                    scope="class" if container.type == "class_definition" else "file",
                    signature=signature,
                    doc=_docstring(f, ctx),
                    context=skeleton,
                    calls=_calls(body, ctx),
                )
            )
    return units
