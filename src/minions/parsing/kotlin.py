"""Kotlin: classes and objects, their functions, top-level functions, JUnit tests."""

from __future__ import annotations

from pathlib import PurePosixPath

from tree_sitter import Node

from minions.parsing.languages import (
    TEST_ANNOTATIONS,
    FileContext,
    doc_before,
    elide,
    make_unit,
    register_language,
    text,
    walk,
)
from minions.records import CodeUnit

CLASS_TYPES = {"class_declaration", "object_declaration", "companion_object"}
BODY_TYPES = {"class_body", "enum_class_body"}


def _name(node: Node, ctx: FileContext, child_type: str) -> str:
    return next((text(c, ctx) for c in node.children if c.type == child_type), "")


def _class_name(cls: Node, ctx: FileContext) -> str:
    """A class's or object's name; a companion object's functions belong to the class around it."""
    if cls.type == "companion_object":
        outer = cls.parent.parent if cls.parent is not None else None
        if outer is not None and outer.type in CLASS_TYPES:
            return _class_name(outer, ctx)
    return _name(cls, ctx, "type_identifier")


def _annotations(node: Node, ctx: FileContext) -> set[str]:
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    if not mods:
        return set()
    return {text(next(walk(a, {"type_identifier"})), ctx) for a in mods.children if a.type == "annotation"}


def _calls(node: Node, ctx: FileContext) -> list[str]:
    out = []
    for call in walk(node, {"call_expression"}):
        head = call.children[0]
        if head.type == "navigation_expression":
            head = head.children[-1]
        ident = next((c for c in walk(head, {"simple_identifier"})), None)
        if ident is not None:
            out.append(text(ident, ctx))
    return out


def _functions(container: Node, class_name: str, ctx: FileContext) -> list[CodeUnit]:
    holder = next((c for c in container.children if c.type in BODY_TYPES), container)
    funcs = [c for c in holder.children if c.type == "function_declaration"]
    bodies = [b for f in funcs for b in f.children if b.type == "function_body"]
    skeleton = elide(container, bodies, ctx, "{ ... }")
    units = []
    if container.type in CLASS_TYPES - {"companion_object"}:
        units.append(make_unit(container, ctx, kind="class", name=class_name, doc=doc_before(container, ctx)))
    for f in funcs:
        body = next((b for b in f.children if b.type == "function_body"), None)
        if body is None:
            continue
        kind = "test" if TEST_ANNOTATIONS & _annotations(f, ctx) else "method"
        signature = ctx.src[f.start_byte : body.start_byte].decode("utf-8", "replace").strip()
        units.append(
            make_unit(
                f,
                ctx,
                kind=kind,
                name=_name(f, ctx, "simple_identifier"),
                class_name=class_name,
                scope="class" if container.type in CLASS_TYPES else "file",
                signature=signature,
                doc=doc_before(f, ctx),
                context=skeleton,
                calls=_calls(body, ctx),
            )
        )
    return units


@register_language("kotlin")
def parse_kotlin(root: Node, ctx: FileContext) -> list[CodeUnit]:
    units = []
    for cls in walk(root, CLASS_TYPES):
        units += _functions(cls, _class_name(cls, ctx), ctx)
    # top-level functions belong to the file, named after it (Kotlin's FooKt facade)
    units += [u for u in _functions(root, PurePosixPath(ctx.file.path).stem, ctx) if u.kind != "class"]
    return units
