"""Java: classes, methods, JUnit tests, Spring endpoints and @Query methods."""

from __future__ import annotations

from tree_sitter import Node

from minions.parsing.languages import (
    HTTP_MAPPINGS,
    TEST_ANNOTATIONS,
    FileContext,
    doc_before,
    elide,
    join_http_path,
    make_unit,
    register_language,
    text,
    walk,
)
from minions.records import CodeUnit

CLASS_TYPES = {"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}
MEMBER_TYPES = {"method_declaration", "constructor_declaration"}


def _annotations(node: Node, ctx: FileContext) -> dict[str, Node]:
    """Annotation name -> node, from the declaration's modifiers."""
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    out = {}
    for a in mods.children if mods else []:
        if a.type in ("annotation", "marker_annotation"):
            name = text(a.child_by_field_name("name"), ctx).rsplit(".", 1)[-1]
            out[name] = a
    return out


def _annotation_value(ann: Node, ctx: FileContext, keys: tuple[str, ...] = ("value", "path")) -> str:
    """The first string argument of an annotation, or of its value=/path= element."""
    args = ann.child_by_field_name("arguments")
    for c in args.children if args else []:
        if c.type == "string_literal":
            return text(c, ctx).strip('"')
        if c.type == "element_value_pair" and text(c.child_by_field_name("key"), ctx) in keys:
            val = c.child_by_field_name("value")
            lit = next(walk(val, {"string_literal"}), None)
            return text(lit, ctx).strip('"') if lit else ""
    return ""


def _request_method(ann: Node, ctx: FileContext) -> str:
    args = ann.child_by_field_name("arguments")
    for c in args.children if args else []:
        if c.type == "element_value_pair" and text(c.child_by_field_name("key"), ctx) == "method":
            return text(c.child_by_field_name("value"), ctx).rsplit(".", 1)[-1].upper()
    return "GET"


def _signature(node: Node, ctx: FileContext) -> str:
    body = node.child_by_field_name("body")
    end = body.start_byte if body else node.end_byte
    return ctx.src[node.start_byte : end].decode("utf-8", "replace").strip().rstrip(";").strip()


def _calls(node: Node, ctx: FileContext) -> list[str]:
    return [text(n.child_by_field_name("name"), ctx) for n in walk(node, {"method_invocation"})]


def _class_units(cls: Node, ctx: FileContext) -> list[CodeUnit]:
    name = text(cls.child_by_field_name("name"), ctx)
    class_ann = _annotations(cls, ctx)
    body = cls.child_by_field_name("body")
    members = [c for c in body.children if c.type in MEMBER_TYPES] if body else []
    bodies = [b for m in members if (b := m.child_by_field_name("body")) is not None]
    skeleton = elide(cls, bodies, ctx, "{ ... }")
    units = [make_unit(cls, ctx, kind="class", name=name, doc=doc_before(cls, ctx), context=skeleton)]
    is_controller = bool({"RestController", "Controller"} & set(class_ann))
    base_path = _annotation_value(class_ann["RequestMapping"], ctx) if "RequestMapping" in class_ann else ""
    for m in members:
        m_name = text(m.child_by_field_name("name"), ctx)
        ann = _annotations(m, ctx)
        common = dict(
            name=m_name,
            class_name=name,
            signature=_signature(m, ctx),
            doc=doc_before(m, ctx),
            context=skeleton,
            calls=_calls(m, ctx),
        )
        if m.child_by_field_name("body") is None:
            if "Query" in ann:
                units.append(make_unit(m, ctx, kind="query", **common))
            continue
        kind = "test" if TEST_ANNOTATIONS & set(ann) else "method"
        units.append(make_unit(m, ctx, kind=kind, **common))
        if not is_controller:
            continue
        for ann_name, a in ann.items():
            if ann_name in HTTP_MAPPINGS or ann_name == "RequestMapping":
                verb = HTTP_MAPPINGS.get(ann_name) or _request_method(a, ctx)
                path = join_http_path(base_path, _annotation_value(a, ctx))
                code = units[-1].code
                units.append(
                    make_unit(
                        m, ctx, span_node=a, kind="endpoint", http={"method": verb, "path": path}, **common
                    ).model_copy(update={"code": code})
                )
    return units


@register_language("java")
def parse_java(root: Node, ctx: FileContext) -> list[CodeUnit]:
    units: list[CodeUnit] = []
    for cls in walk(root, CLASS_TYPES):
        units += _class_units(cls, ctx)
    return units
