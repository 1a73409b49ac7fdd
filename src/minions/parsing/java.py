"""Java: classes, methods, JUnit tests, Spring endpoints and @Query methods."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from tree_sitter import Node

from minions.parsing.classinfo import java as java_info
from minions.parsing.languages import (
    TEST_ANNOTATIONS,
    FileContext,
    captures_by_name,
    doc_before,
    elide,
    file_header,
    make_unit,
    modifiers,
    register_language,
    text,
)
from minions.parsing.queries import java_element, java_query, java_repository_entity, java_string
from minions.parsing.spring import (
    JAXRS_VERBS,
    MAPPINGS,
    PARAM_SOURCES,
    Mapping,
    endpoint_units,
    returns_of,
    verbs_of,
)
from minions.records import CodeUnit

CLASS_TYPES = {"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}
# interfaces that describe another service's endpoints for a client (Feign, Spring HTTP interfaces, MicroProfile)
CLIENT_ANNOTATIONS = {"FeignClient", "HttpExchange", "RegisterRestClient", "RestClient"}
MEMBER_TYPES = {"method_declaration", "constructor_declaration"}


def _annotations(node: Node, ctx: FileContext) -> dict[str, Node]:
    """Annotation name -> node, from the declaration's modifiers."""
    mods = modifiers(node)
    out = {}
    for a in mods.children if mods else []:
        if a.type in ("annotation", "marker_annotation"):
            name = text(a.child_by_field_name("name"), ctx).rsplit(".", 1)[-1]
            out[name] = a
    return out


def _constants(body: Node | None, ctx: FileContext) -> dict[str, str]:
    """The class's `static final String` constants whose values are known at compile time."""
    consts: dict[str, str] = {}
    for f in body.children if body else []:
        if f.type != "field_declaration":
            continue
        mods = modifiers(f)
        words = {c.type for c in mods.children} if mods else set()
        if not {"static", "final"} <= words:
            continue
        for decl in (c for c in f.children if c.type == "variable_declarator"):
            value = java_string(decl.child_by_field_name("value"), ctx, consts)
            if value is not None:
                consts[text(decl.child_by_field_name("name"), ctx)] = value
    return consts


def _values(node: Node, ctx: FileContext, consts: dict[str, str]) -> list[str]:
    """An annotation element's strings: one, or each of an array; a name that cannot be resolved
    (`Paths.ORDERS`, a constant of another class) is kept as written."""
    if node.type == "element_value_array_initializer":
        return [v for c in node.named_children for v in _values(c, ctx, consts)]
    value = java_string(node, ctx, consts)
    return [text(node, ctx) if value is None else value]


def _mapping(ann_name: str, ann: Node, ctx: FileContext, consts: dict[str, str]) -> Mapping:
    value = java_element(ann, ctx, "value", "path")
    method = java_element(ann, ctx, "method")
    methods = None
    if method is not None:
        items = method.named_children if method.type == "element_value_array_initializer" else [method]
        methods = [text(v, ctx) for v in items]
    paths = _values(value, ctx, consts) if value is not None else [""]
    return Mapping(ann, verbs_of(ann_name, methods), paths)


def _details(m: Node, handler: str, jaxrs: bool, consts: dict[str, str], ctx: FileContext) -> dict:
    """The handler's unit id, its path/query/header/cookie parameters, request body and response types."""
    params, body = [], ""
    plist = m.child_by_field_name("parameters")
    for p in plist.named_children if plist else []:
        if p.type != "formal_parameter":
            continue
        ann = _annotations(p, ctx)
        kind, name = p.child_by_field_name("type"), p.child_by_field_name("name")
        ptype, pname = (text(kind, ctx) if kind else ""), (text(name, ctx) if name else "")
        if "RequestBody" in ann or (jaxrs and not ann):
            body = ptype  # a JAX-RS parameter without annotations is the entity
        source = next((PARAM_SOURCES[a] for a in ann if a in PARAM_SOURCES), None)
        if source is not None:
            a = next(ann[a] for a in ann if a in PARAM_SOURCES)
            value = java_element(a, ctx, "value", "name")
            given = java_string(value, ctx, consts) if value is not None else None
            params.append({"name": given or pname, "in": source, "type": ptype})
    kind = m.child_by_field_name("type")
    return {"handler": handler, "params": params, "body": body, "response": text(kind, ctx) if kind else ""}


def _signature(node: Node, ctx: FileContext) -> str:
    body = node.child_by_field_name("body")
    end = body.start_byte if body else node.end_byte
    return ctx.src[node.start_byte : end].decode("utf-8", "replace").strip().rstrip(";").strip()


def _calls(node: Node, ctx: FileContext) -> list[str]:
    starts, names = ctx.cache["calls"]  # every call of the file, found once (see parse_java)
    return names[bisect_left(starts, node.start_byte) : bisect_left(starts, node.end_byte)]


def _members(body: Node | None) -> list[Node]:
    """Methods and constructors of a class body; an enum's sit after its constants."""
    if body is None:
        return []
    holders = [body] + [c for c in body.children if c.type == "enum_body_declarations"]
    return [c for h in holders for c in h.children if c.type in MEMBER_TYPES]


def _test_class_name(cls: Node, ctx: FileContext) -> str:
    """A JUnit 5 `@Nested` class's tests belong to the outermost test class around it."""
    name = text(cls.child_by_field_name("name"), ctx)
    while "Nested" in _annotations(cls, ctx):
        outer = cls.parent.parent if cls.parent is not None else None
        if outer is None or outer.type not in CLASS_TYPES:
            break
        cls, name = outer, text(outer.child_by_field_name("name"), ctx)
    return name


def _class_units(cls: Node, ctx: FileContext) -> list[CodeUnit]:
    name = text(cls.child_by_field_name("name"), ctx)
    class_ann = _annotations(cls, ctx)
    body = cls.child_by_field_name("body")
    members = _members(body)
    member_anns = [_annotations(m, ctx) for m in members]
    bodies = [b for m in members if (b := m.child_by_field_name("body")) is not None]
    skeleton = elide(cls, bodies, ctx, "{ ... }")
    described = java_info(cls, ctx)  # class info and role
    units = [
        make_unit(cls, ctx, kind="class", name=name, doc=doc_before(cls, ctx), context=skeleton, **described._asdict())
    ]
    # a Spring controller, or an interface declaring mappings that a controller implements
    is_controller = bool({"RestController", "Controller"} & set(class_ann)) or (
        cls.type == "interface_declaration"
        and not CLIENT_ANNOTATIONS & set(class_ann)  # a client calls endpoints, it does not serve them
        and any(n in MAPPINGS for anns in [class_ann, *member_anns] for n in anns)
    )
    jaxrs = not CLIENT_ANNOTATIONS & set(class_ann) and (
        "Path" in class_ann or any(JAXRS_VERBS & set(anns) for anns in member_anns)
    )
    # a @Controller without @ResponseBody renders views: its endpoints are kept, marked `returns: view`
    view = "Controller" in class_ann and "ResponseBody" not in class_ann
    consts = _constants(body, ctx)
    base = class_ann.get("RequestMapping") or (class_ann.get("Path") if jaxrs else None)
    bases = _mapping("RequestMapping", base, ctx, consts).paths if base is not None else [""]
    test_class = _test_class_name(cls, ctx)
    entity = java_repository_entity(cls, ctx)
    for m, ann in zip(members, member_anns, strict=True):
        m_name = text(m.child_by_field_name("name"), ctx)
        is_test = bool(TEST_ANNOTATIONS & set(ann))
        common = dict(
            name=m_name,
            class_name=test_class if is_test else name,
            signature=_signature(m, ctx),
            doc=doc_before(m, ctx),
            context=skeleton,
            calls=_calls(m, ctx),
            role=described.role,  # a member carries its class's role
        )
        if m.child_by_field_name("body") is None:
            if query := java_query(m, ann, entity, consts, ctx):
                units.append(make_unit(m, ctx, kind="query", query=query, **common))
            if not is_controller:  # an interface's mapping methods are endpoints too (implemented elsewhere)
                continue
        elif is_test:  # a test's context opens with the file's package and imports (a runnable test needs them)
            header = ctx.cache["header"]
            units.append(make_unit(m, ctx, kind="test", **(common | {"context": f"{header}\n\n{skeleton}".lstrip()})))
        else:
            units.append(make_unit(m, ctx, kind="method", **common))
        if is_controller or jaxrs:
            handler = units[-1] if units[-1].name == m_name and units[-1].kind == "method" else None
            mappings = [_mapping(n, a, ctx, consts) for n, a in ann.items() if n in MAPPINGS]
            if jaxrs:  # @GET (and @Path("/sub")) on a resource method
                sub = _mapping("RequestMapping", ann["Path"], ctx, consts).paths if "Path" in ann else [""]
                mappings += [Mapping(a, [n], sub) for n, a in ann.items() if n in JAXRS_VERBS]
            kind = m.child_by_field_name("type")
            returns = returns_of(view, set(ann), text(kind, ctx) if kind is not None else "")
            details = _details(m, handler.id if handler else "", jaxrs, consts, ctx)
            code = {"code": handler.code} if handler else {}
            units += endpoint_units(m, mappings, bases, returns, ctx, details, **common, **code)
    return units


def _package(root: Node, ctx: FileContext) -> str:
    decl = next((c for c in root.children if c.type == "package_declaration"), None)
    name = (
        next((c for c in decl.named_children if c.type in ("scoped_identifier", "identifier")), None) if decl else None
    )
    return text(name, ctx) if name is not None else ""


@register_language("java")
def parse_java(root: Node, ctx: FileContext) -> list[CodeUnit]:
    ctx = replace(ctx, package=_package(root, ctx))
    found = captures_by_name(root, "java", _FILE_QUERY)
    calls = found.get("call", [])
    ctx.cache["calls"] = ([n.start_byte for n in calls], [text(n.child_by_field_name("name"), ctx) for n in calls])
    ctx.cache["header"] = file_header(root, ctx, {"package_declaration", "import_declaration"})
    units: list[CodeUnit] = []
    for cls in found.get("class", []):
        units += _class_units(cls, ctx)
    return units


# what parse_java needs from the whole tree, in one pass: every call, every class
_FILE_QUERY = "(method_invocation) @call [" + " ".join(f"({t})" for t in sorted(CLASS_TYPES)) + "] @class"
