"""Python: classes, functions and methods, pytest tests (test_* functions in test files), and FastAPI
and Flask endpoints (route decorators of apps, routers and blueprints made in the same file)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from tree_sitter import Node

from minions.parsing.classinfo import python as python_info
from minions.parsing.languages import (
    FileContext,
    call_names,
    elide,
    join_http_path,
    make_unit,
    register_language,
    text,
    walk,
)


def _docstring(func: Node, ctx: FileContext) -> str:
    body = func.child_by_field_name("body")
    first = body.children[0] if body and body.children else None
    if first is not None and first.type == "expression_statement" and first.children:
        first = first.children[0]  # older grammars wrap the docstring in a statement
    if first is not None and first.type == "string":
        return text(first, ctx)
    return ""


def _calls(node: Node, ctx: FileContext) -> list[str]:
    return call_names(node, ctx, "call", "attribute", "attribute", ("identifier",))


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


# what makes an app or router, and the keyword that holds its path prefix
_ROUTERS = {"FastAPI": "root_path", "APIRouter": "prefix", "Flask": None, "Blueprint": "url_prefix"}
_VERBS = {"get", "post", "put", "delete", "patch", "head", "options"}
_FLASK_PARAM = re.compile(r"<(?:[\w]+:)?(\w+)>")


def _string(node: Node | None, ctx: FileContext) -> str | None:
    """A plain string literal's value (no f-string, no concatenation)."""
    if node is None or node.type != "string":
        return None
    parts = [c for c in node.named_children if c.type not in ("string_start", "string_end")]
    if any(c.type != "string_content" for c in parts):
        return None
    return "".join(text(c, ctx) for c in parts)


def _routers(root: Node, ctx: FileContext) -> dict[str, str]:
    """Names bound at module level to `FastAPI(...)`, `APIRouter(...)`, `Flask(...)`, `Blueprint(...)`,
    with the path prefix each was given."""
    out: dict[str, str] = {}
    for stmt in root.children:
        expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else stmt
        if expr.type != "assignment":
            continue
        target, value = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if target is None or target.type != "identifier" or value is None or value.type != "call":
            continue
        ctor = text(value.child_by_field_name("function"), ctx).rsplit(".", 1)[-1]
        if ctor not in _ROUTERS:
            continue
        prefix = ""
        for arg in value.child_by_field_name("arguments").named_children:
            if arg.type == "keyword_argument" and text(arg.child_by_field_name("name"), ctx) == _ROUTERS[ctor]:
                prefix = _string(arg.child_by_field_name("value"), ctx) or ""
        out[text(target, ctx)] = prefix
    return out


_SIMPLE = re.compile(r"(?:Optional\[)?(?:int|str|float|bool|bytes|date|datetime|UUID|list\[\w+\])\]?(?:\s*\|\s*None)?")
_NOT_BODY = re.compile(r"\b(?:Request|Response|Session|BackgroundTasks|WebSocket|SessionDep|CurrentUser)\b")


def _details(func: Node, path: str, decorator: Node, handler: str, ctx: FileContext) -> dict:
    """FastAPI/Flask handler details: path parameters (named in the path), query parameters (other
    plain-typed ones, or `Query(...)`), the body (a parameter typed with a model), the response
    (`response_model=`, else the return annotation)."""
    in_path = set(re.findall(r"\{(\w+)\}", path))
    params, body = [], ""
    plist = func.child_by_field_name("parameters")
    for p in plist.named_children if plist else []:
        name_node = p.child_by_field_name("name") or (p.named_children[0] if p.named_children else None)
        if name_node is None or name_node.type != "identifier":
            continue
        name = text(name_node, ctx)
        kind = p.child_by_field_name("type")
        ptype = text(kind, ctx) if kind is not None else ""
        default = p.child_by_field_name("value")
        given = text(default, ctx) if default is not None else ""
        if name in ("self", "cls") or "Depends(" in given or _NOT_BODY.search(ptype):
            continue
        if name in in_path:
            params.append({"name": name, "in": "path", "type": ptype})
        elif "Body(" in given or (ptype and not _SIMPLE.fullmatch(ptype) and "Query(" not in given):
            body = ptype
        elif ptype or "Query(" in given:
            params.append({"name": name, "in": "header" if "Header(" in given else "query", "type": ptype})
    for flask_param in _FLASK_TYPED.finditer(text(decorator, ctx)):
        if not any(x["name"] == flask_param.group(2) for x in params):
            params.append({"name": flask_param.group(2), "in": "path", "type": flask_param.group(1) or "str"})
    response = ""
    call = decorator.named_children[0] if decorator.named_children else None
    args = call.child_by_field_name("arguments") if call is not None and call.type == "call" else None
    for a in args.named_children if args else []:
        if a.type == "keyword_argument" and text(a.child_by_field_name("name"), ctx) == "response_model":
            response = text(a.child_by_field_name("value"), ctx)
    returned = func.child_by_field_name("return_type")
    if not response and returned is not None:
        response = text(returned, ctx)
    return {"handler": handler, "params": params, "body": body, "response": response}


_FLASK_TYPED = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(func: Node, routers: dict[str, str], ctx: FileContext) -> list[tuple[Node, str, str]]:
    """(decorator, verb, full path) for each route decorator of a function: `@router.get("/x")`,
    `@app.route("/x", methods=["GET", "POST"])`, `@router.api_route("/x", methods=[...])`."""
    outer = func.parent
    if outer is None or outer.type != "decorated_definition":
        return []
    out = []
    for dec in (c for c in outer.children if c.type == "decorator"):
        call = dec.named_children[0] if dec.named_children else None
        fn = call.child_by_field_name("function") if call is not None and call.type == "call" else None
        if fn is None or fn.type != "attribute":
            continue
        owner, attr = text(fn.child_by_field_name("object"), ctx), text(fn.child_by_field_name("attribute"), ctx)
        if owner not in routers or (attr not in _VERBS and attr not in ("route", "api_route")):
            continue
        args = call.child_by_field_name("arguments").named_children
        path = next((p for a in args if a.type != "keyword_argument" and (p := _string(a, ctx)) is not None), None)
        methods = [attr.upper()] if attr in _VERBS else ["GET"]
        for a in args:
            if a.type == "keyword_argument" and text(a.child_by_field_name("name"), ctx) == "path":
                path = _string(a.child_by_field_name("value"), ctx)
            if a.type == "keyword_argument" and text(a.child_by_field_name("name"), ctx) == "methods":
                listed = [_string(v, ctx) for v in a.child_by_field_name("value").named_children]
                methods = [m.upper() for m in listed if m] or methods
        if path is None:
            continue
        full = join_http_path(routers[owner], _FLASK_PARAM.sub(r"{\1}", path))
        out += [(dec, verb, full) for verb in methods]
    return out


@register_language("python")
def parse_python(root: Node, ctx: FileContext) -> list:
    stem = PurePosixPath(ctx.file.path).stem
    in_test_file = stem.startswith("test_") or stem.endswith("_test")
    units = []
    routers = _routers(root, ctx)
    containers = [(root, stem)] + [
        (c, text(c.child_by_field_name("name"), ctx)) for c in walk(root, {"class_definition"})
    ]
    module_skeleton = ""
    for container, class_name in containers:
        funcs = _members(container)
        every_body = [f.child_by_field_name("body") for f in walk(container, {"function_definition"})]
        skeleton = elide(_outer(container), every_body, ctx, "...")
        module_skeleton = module_skeleton or skeleton  # the root comes first
        if container.type == "class_definition":
            units.append(
                make_unit(_outer(container), ctx, kind="class", name=class_name, doc=_docstring(container, ctx))
            )
            units[-1] = units[-1].model_copy(update=python_info(container, ctx)._asdict())  # class info and role
        for f in funcs:
            name = text(f.child_by_field_name("name"), ctx)
            body = f.child_by_field_name("body")
            signature = ctx.src[_outer(f).start_byte : body.start_byte].decode("utf-8", "replace").strip()
            kind = "test" if in_test_file and name.startswith("test") else "method"
            common = dict(
                name=name,
                class_name=class_name,
                scope="class" if container.type == "class_definition" else "file",
                signature=signature,
                doc=_docstring(f, ctx),
                context=skeleton,
                calls=_calls(body, ctx),
            )
            if kind == "test":  # a test's context is the module's outline (its imports, fixtures, constants)
                common["context"] = module_skeleton
            units.append(make_unit(_outer(f), ctx, kind=kind, **common))
            handler = units[-1].id
            for k, (dec, verb, path) in enumerate(_routes(f, routers, ctx) if kind == "method" else []):
                http = {"method": verb, "path": path, "returns": "body", **_details(f, path, dec, handler, ctx)}
                key = f"{verb} {path}" if k else ""
                endpoint = make_unit(_outer(f), ctx, span_node=dec, id_key=key, kind="endpoint", http=http, **common)
                units.append(endpoint.model_copy(update={"code": units[-1 - k].code}))
    return units
