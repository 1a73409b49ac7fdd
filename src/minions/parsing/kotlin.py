"""Kotlin: classes and objects, their functions, top-level functions, JUnit tests, Spring endpoints."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

from tree_sitter import Node

from minions.parsing.classinfo import kotlin as kotlin_info
from minions.parsing.languages import (
    TEST_ANNOTATIONS,
    FileContext,
    doc_before,
    elide,
    file_header,
    make_unit,
    modifiers,
    register_language,
    text,
    walk,
)
from minions.parsing.queries import kotlin_query_units, kotlin_repository_entity
from minions.parsing.spring import MAPPINGS, PARAM_SOURCES, Mapping, endpoint_units, returns_of, verbs_of
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


def _annotations(node: Node, ctx: FileContext) -> dict[str, Node]:
    """Annotation name -> node, from the declaration's modifiers."""
    mods = modifiers(node)
    if not mods:
        return {}
    return {_annotation_name(a, ctx): a for a in mods.children if a.type == "annotation"}


def _annotation_name(a: Node, ctx: FileContext) -> str:
    """`@RestController` and `@org.springframework.web.bind.annotation.RestController`: RestController."""
    user_type = next(walk(a, {"user_type"}), None)
    names = [c for c in user_type.children if c.type == "type_identifier"] if user_type is not None else []
    return text(names[-1], ctx) if names else text(next(walk(a, {"type_identifier"})), ctx)


def _string(node: Node, ctx: FileContext, consts: dict[str, str]) -> str | None:
    """A string literal without templates, or a known constant."""
    if node.type == "string_literal":
        parts = node.named_children
        return None if any(p.type != "string_content" for p in parts) else "".join(text(p, ctx) for p in parts)
    if node.type == "simple_identifier":
        return consts.get(text(node, ctx))
    return None


def _constants(root: Node, ctx: FileContext) -> dict[str, str]:
    """Every `const val NAME = "..."` of the file (top level, objects, companions)."""
    consts: dict[str, str] = {}
    for prop in walk(root, {"property_declaration"}):
        mods = modifiers(prop)
        var = next((c for c in prop.children if c.type == "variable_declaration"), None)
        value = prop.named_children[-1] if prop.named_children else None
        if mods is None or "const" not in text(mods, ctx).split() or var is None or value is None:
            continue
        found = _string(value, ctx, consts)
        if found is not None:
            consts[_name(var, ctx, "simple_identifier")] = found
    return consts


def _arguments(ann: Node, ctx: FileContext) -> dict[str, list[Node]]:
    """An annotation's arguments by name (`value` for a positional one); an array's items each."""
    call = next((c for c in ann.children if c.type == "constructor_invocation"), None)
    args = next((c for c in call.children if c.type == "value_arguments"), None) if call else None
    out: dict[str, list[Node]] = {}
    for arg in args.named_children if args else []:
        parts = arg.named_children
        key = "value"
        if len(parts) == 2 and parts[0].type == "simple_identifier":
            key = text(parts[0], ctx)
        value = parts[-1] if parts else None
        if value is None:
            continue
        items = value.named_children if value.type == "collection_literal" else [value]
        out.setdefault("value" if key == "path" else key, []).extend(items)
    return out


def _mapping(name: str, ann: Node, ctx: FileContext, consts: dict[str, str]) -> Mapping:
    args = _arguments(ann, ctx)
    paths = [p if (p := _string(n, ctx, consts)) is not None else text(n, ctx) for n in args.get("value", [])]
    methods = [text(n, ctx) for n in args.get("method", [])] or None
    return Mapping(ann, verbs_of(name, methods), paths or [""])


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


def _functions(container: Node, class_name: str, ctx: FileContext, consts: dict[str, str]) -> list[CodeUnit]:
    holder = next((c for c in container.children if c.type in BODY_TYPES), container)
    funcs = [c for c in holder.children if c.type == "function_declaration"]
    bodies = [b for f in funcs for b in f.children if b.type == "function_body"]
    skeleton = elide(container, bodies, ctx, "{ ... }")
    units = []
    class_ann = _annotations(container, ctx) if container.type == "class_declaration" else {}
    is_controller = bool({"RestController", "Controller"} & set(class_ann))
    view = "Controller" in class_ann and "ResponseBody" not in class_ann
    base = class_ann.get("RequestMapping")
    bases = _mapping("RequestMapping", base, ctx, consts).paths if base is not None else [""]
    if container.type in CLASS_TYPES - {"companion_object"}:
        units.append(make_unit(container, ctx, kind="class", name=class_name, doc=doc_before(container, ctx)))
        units[-1] = units[-1].model_copy(update=kotlin_info(container, ctx)._asdict())  # class info and role
    entity = kotlin_repository_entity(container, ctx) if container.type == "class_declaration" else None
    for f in funcs:
        body = next((b for b in f.children if b.type == "function_body"), None)
        if body is None:
            units += kotlin_query_units(f, _annotations(f, ctx), entity, consts, ctx, class_name, skeleton)
            continue
        ann = _annotations(f, ctx)
        kind = "test" if TEST_ANNOTATIONS & set(ann) else "method"
        signature = ctx.src[f.start_byte : body.start_byte].decode("utf-8", "replace").strip()
        common = dict(
            name=_name(f, ctx, "simple_identifier").strip("`"),
            class_name=class_name,
            scope="class" if container.type in CLASS_TYPES else "file",
            signature=signature,
            doc=doc_before(f, ctx),
            context=skeleton,
            calls=_calls(body, ctx),
        )
        if kind == "test" and common["scope"] == "class":  # a test's context opens with the package and imports
            common["context"] = f"{ctx.cache['header']}\n\n{skeleton}".lstrip()
        units.append(make_unit(f, ctx, kind=kind, **common))
        mappings = [_mapping(n, a, ctx, consts) for n, a in ann.items() if n in MAPPINGS]
        if is_controller and mappings:
            returns = returns_of(view, set(ann), _return_type(f, ctx))
            handler = units[-1]
            details = _details(f, handler.id, consts, ctx)
            ends = endpoint_units(f, mappings, bases, returns, ctx, details, **common)
            units += [e.model_copy(update={"code": handler.code}) for e in ends]
    return units


def _details(f: Node, handler: str, consts: dict[str, str], ctx: FileContext) -> dict:
    """The handler's unit id, its path/query/header/cookie parameters, request body and response types."""
    params, body, pending = [], "", {}
    plist = next((c for c in f.children if c.type == "function_value_parameters"), None)
    for c in plist.children if plist else []:
        if c.type == "parameter_modifiers":
            pending = {_annotation_name(a, ctx): a for a in c.children if a.type == "annotation"}
        elif c.type == "parameter":
            pname = _name(c, ctx, "simple_identifier")
            ptype = text(c.named_children[-1], ctx) if len(c.named_children) > 1 else ""
            if "RequestBody" in pending:
                body = ptype
            source = next((a for a in pending if a in PARAM_SOURCES), None)
            if source is not None:
                given = _arguments(pending[source], ctx)
                names = given.get("name") or given.get("value") or []
                found = _string(names[0], ctx, consts) if names else None
                params.append({"name": found or pname, "in": PARAM_SOURCES[source], "type": ptype})
            pending = {}
    return {"handler": handler, "params": params, "body": body, "response": _return_type(f, ctx)}


def _return_type(f: Node, ctx: FileContext) -> str:
    """The declared return type (after the parameters' `:`), '' when inferred."""
    params = next((i for i, c in enumerate(f.children) if c.type == "function_value_parameters"), None)
    rest = f.children[params + 1 :] if params is not None else []
    if len(rest) >= 2 and rest[0].type == ":":
        return text(rest[1], ctx)
    return ""


@register_language("kotlin")
def parse_kotlin(root: Node, ctx: FileContext) -> list[CodeUnit]:
    header = next((c for c in root.children if c.type == "package_header"), None)
    name = next((c for c in header.named_children if c.type == "identifier"), None) if header else None
    ctx = replace(ctx, package=text(name, ctx) if name is not None else "")
    consts = _constants(root, ctx)
    ctx.cache["header"] = file_header(root, ctx, {"package_header", "import_list", "import_header"})
    units = []
    for cls in walk(root, CLASS_TYPES):
        units += _functions(cls, _class_name(cls, ctx), ctx, consts)
    # top-level functions belong to the file, named after it (Kotlin's FooKt facade)
    units += [u for u in _functions(root, PurePosixPath(ctx.file.path).stem, ctx, consts) if u.kind != "class"]
    return units
