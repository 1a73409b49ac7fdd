"""TypeScript (and TSX): classes, interfaces, functions, Jest/Vitest/Mocha tests, Express and NestJS endpoints.

- Classes and interfaces are `class` units; their methods (arrow functions in fields included) are
  `method` units whose code starts at their first decorator. Top-level functions and functions
  assigned to a top-level `const` are `method` units with scope `file` and the file's stem as
  class (`orders.service` for `orders.service.ts`).
- Test files (`*.test.ts`, `*.spec.ts`, `*.e2e-spec.ts`, files under `__tests__/`, `test/` or
  `tests/`) give tests only: each `it(...)` / `test(...)` with a callback is a `test` unit named
  after its title; its class is the outermost `describe` title, or the file's stem without
  `.test`/`.spec` when there is none; its signature is the full Jest name,
  `OrderService › cancelOrder › refunds the payment`, which pairing reads.
- Endpoints: Express-style `app.get("/x", handler)` on an app or router (a variable made by
  `express()` or `Router()`, typed `Router`/`Express`/`Application`, or named like one),
  `app.route("/x").get(h).post(h)`, with the prefixes of `app.use("/base", router)` found in the
  same file; NestJS `@Controller("base")` classes with `@Get(":id")` methods. Paths are normalised
  (`routes.py`); the name is the handler's (the method, the identifier, or `VERB /path` for an
  inline function).
- Declaration files (`*.d.ts`) give no units. `.tsx` files are the language `tsx` (grammar `tsx`),
  parsed the same way; pairing treats the two as one language.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

from tree_sitter import Node

from minions.parsing.classinfo import typescript as ts_info
from minions.parsing.languages import (
    FileContext,
    call_names,
    doc_before,
    elide,
    make_unit,
    register_language,
    text,
    walk,
)
from minions.parsing.routes import ANY, join_paths, path_params
from minions.records import CodeUnit

DECLARATION_FILE = re.compile(r"\.d\.[cm]?tsx?$")
_TEST_SUFFIX = re.compile(r"([.-]e2e)?[.-](test|spec)$")
_TEST_DIRS = {"__tests__", "test", "tests"}

CLASS_TYPES = {"class_declaration", "abstract_class_declaration", "interface_declaration"}
FUNCTION_VALUES = {"arrow_function", "function_expression", "generator_function"}
FUNCTION_LIKE = {
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
    "arrow_function",
    "function_expression",
    "generator_function",
}
TEST_CALLS = {"it", "test", "xit", "fit", "specify"}
DESCRIBE_CALLS = {"describe", "xdescribe", "fdescribe", "context", "suite"}
EXPRESS_VERBS = {"get": "GET", "post": "POST", "put": "PUT", "delete": "DELETE", "patch": "PATCH"}
EXPRESS_VERBS |= {"head": "HEAD", "options": "OPTIONS", "all": ANY}
NEST_VERBS = {"Get": "GET", "Post": "POST", "Put": "PUT", "Delete": "DELETE", "Patch": "PATCH"}
NEST_VERBS |= {"Head": "HEAD", "Options": "OPTIONS", "All": ANY}
NEST_PARAMS = {"Param": "path", "Query": "query", "Headers": "header"}
# receivers taken for an Express app or router by their name alone (not `api`: often an HTTP client)
_ROUTER_NAME = re.compile(r"^(app|server|router|routes|route|\w*Router|\w*Routes|\w*router|\w*routes)$")
_ROUTER_TYPE = re.compile(r"\b(Router|IRouter|Express|Application)\b")
_ROUTER_MAKERS = re.compile(
    r"""^(express|express\.Router|Router|\w+\.Router|express\.default|require\(\s*["']express["']\s*\)\.Router)$"""
)


def is_test_file(path: str) -> bool:
    p = PurePosixPath(path)
    return bool(_TEST_SUFFIX.search(p.name.rsplit(".", 1)[0])) or bool(_TEST_DIRS & set(p.parts[:-1]))


def file_stem(path: str) -> str:
    """`src/orders.service.ts` -> `orders.service`; `orders.test.ts` -> `orders` (a test file's focal stem)."""
    name = PurePosixPath(path).name
    stem = name.rsplit(".", 1)[0]
    return _TEST_SUFFIX.sub("", stem)


def _outer(node: Node) -> Node:
    """The export statement around a declaration (it holds `export` and a class's decorators)."""
    return node.parent if node.parent is not None and node.parent.type == "export_statement" else node


def _string_value(node: Node | None, ctx: FileContext, consts: dict[str, str] | None = None) -> str | None:
    """A string literal's value; a template's too when each `${...}` is a known constant."""
    if node is None:
        return None
    if node.type == "string":
        return text(node, ctx)[1:-1]
    if node.type == "template_string":
        out = []
        for c in node.children:
            if c.type == "string_fragment":
                out.append(text(c, ctx))
            elif c.type == "template_substitution":
                inner = text(c, ctx)[2:-1].strip()
                if consts is None or inner not in consts:
                    return None
                out.append(consts[inner])
            elif c.type == "escape_sequence":
                out.append(text(c, ctx)[1:])
        return "".join(out)
    if node.type in ("identifier", "member_expression") and consts is not None:
        return consts.get(text(node, ctx))
    return None


def _callee_root(call: Node, ctx: FileContext) -> str:
    """`it` for it(...), it.only(...), it.each(table)(...); '' when the callee is not a plain name chain."""
    f = call.child_by_field_name("function")
    while f is not None and f.type in ("member_expression", "call_expression"):
        f = f.child_by_field_name("object" if f.type == "member_expression" else "function")
    return text(f, ctx) if f is not None and f.type == "identifier" else ""


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def _calls(node: Node | None, ctx: FileContext) -> list[str]:
    return call_names(
        node, ctx, "call_expression", "member_expression", "property", ("identifier", "property_identifier")
    )


def _ranged_unit(first: Node, last: Node, ctx: FileContext, **fields) -> CodeUnit:
    """A unit spanning from `first` (a decorator) to the end of `last` (the declaration)."""
    unit = make_unit(last, ctx, **fields)
    if first.start_byte == last.start_byte:
        return unit
    line_start = ctx.src.rfind(b"\n", 0, first.start_byte) + 1
    code = " " * (first.start_byte - line_start) + ctx.src[first.start_byte : last.end_byte].decode("utf-8", "replace")
    return unit.model_copy(
        update={
            "id": CodeUnit.make_id(ctx.file.id, (first.start_byte, last.end_byte)),
            "span": (first.start_point[0] + 1, last.end_point[0] + 1),
            "code": code,
        }
    )


def _bodies(node: Node, skip: set[int] | None = None) -> list[Node]:
    """The block bodies of every function-like node under `node` (those in `skip`, by id, kept)."""
    out = []
    for f in walk(node, FUNCTION_LIKE):
        body = f.child_by_field_name("body")
        # an arrow function's expression body too (`(x) => x * 2`): an outline shows no body
        if (
            body is not None
            and (body.type == "statement_block" or f.type == "arrow_function")
            and (skip is None or f.id not in skip)
        ):
            out.append(body)
    return out


def _signature(first: Node, body: Node | None, ctx: FileContext) -> str:
    end = body.start_byte if body is not None else first.end_byte
    return ctx.src[first.start_byte : end].decode("utf-8", "replace").strip().rstrip(";").strip()


def _decorator_name(dec: Node, ctx: FileContext) -> tuple[str, Node | None]:
    """(name, call) of a decorator: `@Get(":id")` -> ("Get", the call); `@Injectable` -> ("Injectable", None)."""
    expr = next((c for c in dec.named_children if c.type != "comment"), None)
    call = expr if expr is not None and expr.type == "call_expression" else None
    f = call.child_by_field_name("function") if call is not None else expr
    if f is not None and f.type == "member_expression":
        f = f.child_by_field_name("property")
    return (text(f, ctx) if f is not None else ""), call


def _decorator_path(call: Node | None, ctx: FileContext, key: str = "path") -> str:
    """The first string argument of a decorator call, or of its {path: ...} object or [..] array."""
    for arg in _args(call) if call is not None else []:
        if (s := _string_value(arg, ctx)) is not None:
            return s
        if arg.type == "array":
            first = next((s for c in arg.named_children if (s := _string_value(c, ctx)) is not None), None)
            return first or ""
        if arg.type == "object":
            for pair in arg.named_children:
                if pair.type == "pair" and text(pair.child_by_field_name("key"), ctx).strip("'\"") == key:
                    return _first_string(pair, ctx) or ""
    return ""


def _first_string(node: Node, ctx: FileContext) -> str | None:
    value = node.child_by_field_name("value")
    if value is not None and value.type == "array":
        return next((s for c in value.named_children if (s := _string_value(c, ctx)) is not None), None)
    return _string_value(value, ctx)


def _members(cls: Node) -> list[tuple[Node, list[Node]]]:
    """(member, its decorators) for each method, or field holding a function, of a class body."""
    body = cls.child_by_field_name("body")
    out, pending = [], []
    for c in body.children if body is not None else []:
        if c.type == "decorator":
            pending.append(c)
            continue
        if c.type == "method_definition" and c.child_by_field_name("body") is not None:
            out.append((c, pending))
        elif c.type == "public_field_definition":
            value = c.child_by_field_name("value")
            if value is not None and value.type in FUNCTION_VALUES:
                out.append((c, pending + [d for d in c.children if d.type == "decorator"]))
        if c.type != "comment":
            pending = []
    return out


def _member_body(member: Node) -> Node | None:
    if member.type == "public_field_definition":
        return member.child_by_field_name("value").child_by_field_name("body")
    return member.child_by_field_name("body")


def _class_units(cls: Node, ctx: FileContext) -> list[CodeUnit]:
    name = text(cls.child_by_field_name("name"), ctx)
    outer = _outer(cls)
    members = _members(cls)
    bodies = [
        b
        for m, _ in members
        if (b := _member_body(m)) is not None and (b.type == "statement_block" or b.parent.type == "arrow_function")
    ]
    skeleton = elide(outer, bodies, ctx, "{ ... }")
    units = [make_unit(outer, ctx, kind="class", name=name, doc=doc_before(outer, ctx), context=skeleton)]
    units[0] = units[0].model_copy(update=ts_info(cls, ctx)._asdict())  # class info and role
    class_decorators = [c for c in outer.children if c.type == "decorator"]
    class_decorators += [c for c in cls.children if c.type == "decorator" and c not in class_decorators]
    controller = next((d for d in class_decorators if _decorator_name(d, ctx)[0] == "Controller"), None)
    base = _decorator_path(_decorator_name(controller, ctx)[1], ctx) if controller is not None else None
    for member, decorators in members:
        first = decorators[0] if decorators and decorators[0].start_byte < member.start_byte else member
        body = _member_body(member)
        m_name = text(member.child_by_field_name("name"), ctx)
        common = dict(
            name=m_name,
            class_name=name,
            signature=_signature(first, body, ctx),
            doc=doc_before(first, ctx),
            context=skeleton,
            calls=_calls(body, ctx),
        )
        method = _ranged_unit(first, member, ctx, kind="method", **common)
        units.append(method)
        if base is None:
            continue
        for d in decorators:
            d_name, call = _decorator_name(d, ctx)
            if d_name in NEST_VERBS:
                http = {"method": NEST_VERBS[d_name], "path": join_paths(base, _decorator_path(call, ctx))}
                rendered = any(_decorator_name(x, ctx)[0] == "Render" for x in decorators)  # @Render("view")
                http |= {"returns": "view" if rendered else "body"} | _nest_details(
                    member, method.id, http["path"], ctx
                )
                units.append(
                    make_unit(member, ctx, span_node=d, kind="endpoint", http=http, code=method.code, **common)
                )
    return units


def _type_text(annotation: Node | None, ctx: FileContext) -> str:
    """`: Promise<Cat[]>` -> `Promise<Cat[]>`; '' when not declared."""
    return text(annotation, ctx).lstrip(":").strip() if annotation is not None else ""


def _function_of(member: Node) -> Node | None:
    """The function of a class member: the method, or the arrow function a field holds."""
    return member.child_by_field_name("value") if member.type == "public_field_definition" else member


def _nest_details(member: Node, handler: str, path: str, ctx: FileContext) -> dict:
    """A Nest handler's parameters: the path's (typed by `@Param("id") id: string`), then each
    `@Query("q")` and `@Headers("x")` it declares; the `@Body()` type and the declared return type.
    A decorator without a key (`@Param() params`, `@Query() query: ListDto`) takes the whole object:
    no one parameter is named, so none is listed (nor is the type of `@Body("cat")`, one field of the body)."""
    fn = _function_of(member)
    params, body = path_params(path), ""
    plist = fn.child_by_field_name("parameters") if fn is not None else None
    for p in plist.named_children if plist is not None else []:
        ptype = _type_text(p.child_by_field_name("type"), ctx)
        for d in (c for c in p.children if c.type == "decorator"):
            d_name, call = _decorator_name(d, ctx)
            key = _string_value(_args(call)[0], ctx) if call is not None and _args(call) else None
            if d_name == "Body" and key is None:
                body = ptype
            elif d_name in NEST_PARAMS and key:
                where = NEST_PARAMS[d_name]
                known = next((x for x in params if (x["name"], x["in"]) == (key, where)), None)
                if known is not None:
                    known["type"] = ptype
                else:
                    params.append({"name": key, "in": where, "type": ptype})
    response = _type_text(fn.child_by_field_name("return_type"), ctx) if fn is not None else ""
    return {"handler": handler, "params": params, "body": body, "response": response}


def _pattern_keys(pattern: Node, ctx: FileContext) -> list[str]:
    """The property names an object pattern reads: `{ q, sort: by, page = 1 }` -> q, sort, page
    (a `...rest` and comments read nothing by name)."""
    out = []
    for c in pattern.named_children:
        if c.type == "shorthand_property_identifier_pattern":
            out.append(text(c, ctx))
        elif c.type == "pair_pattern" and (key := c.child_by_field_name("key")) is not None:
            out.append(_string_value(key, ctx) or text(key, ctx))
        elif c.type == "object_assignment_pattern" and (left := c.child_by_field_name("left")) is not None:
            out.append(text(left, ctx))
    return out


def _express_details(fn: Node | None, handler: str, path: str, ctx: FileContext) -> dict:
    """An Express handler's parameters: the path's, and what the handler reads of its request:
    `req.query.x`, `const { a, b } = req.query`, `req.header("X")` / `req.get("X")`; the body type
    from `Request<Params, ResBody, ReqBody>`; no response type (Express handlers return nothing)."""
    params, body = path_params(path), ""
    seen = {(p["name"], "path") for p in params}
    plist = fn.child_by_field_name("parameters") if fn is not None else None
    given = [p for p in plist.named_children if p.type != "comment"] if plist is not None else []
    if fn is not None and fn.type == "arrow_function" and not given and fn.child_by_field_name("parameter"):
        given = [fn.child_by_field_name("parameter")]  # req => ...
    names = [p if p.type == "identifier" else p.child_by_field_name("pattern") for p in given]
    res = text(names[1], ctx) if len(names) > 1 and names[1] is not None else None
    rendered = res is not None and any(  # res.render("view", {...})
        text(c.child_by_field_name("function"), ctx) == f"{res}.render" for c in walk(fn, {"call_expression"})
    )
    out = {"returns": "view" if rendered else "body", "handler": handler, "params": params, "body": body}
    if not names or names[0] is None or names[0].type != "identifier":
        return out | {"response": ""}
    first, req = given[0], text(names[0], ctx)
    pattern = names[0]
    kind = first.child_by_field_name("type") if first is not pattern else None
    generic = next(walk(kind, {"type_arguments"}), None) if kind is not None else None
    type_args = [c for c in generic.named_children if c.type != "comment"] if generic is not None else []
    if len(type_args) >= 3:
        body = text(type_args[2], ctx)

    def add(name: str, where: str) -> None:
        if name and (name, where) not in seen:
            seen.add((name, where))
            params.append({"name": name, "in": where, "type": ""})

    reads = {"member_expression", "subscript_expression", "variable_declarator", "call_expression"}
    for n in walk(fn.child_by_field_name("body") or fn, reads):
        if n.type == "member_expression" and text(n.child_by_field_name("object"), ctx) == f"{req}.query":
            add(text(n.child_by_field_name("property"), ctx), "query")
        elif n.type == "subscript_expression" and text(n.child_by_field_name("object"), ctx) == f"{req}.query":
            add(_string_value(n.child_by_field_name("index"), ctx) or "", "query")  # req.query["sort"]
        elif n.type == "variable_declarator":
            value, target = n.child_by_field_name("value"), n.child_by_field_name("name")
            if value is not None and target is not None and target.type == "object_pattern":
                where = {f"{req}.query": "query", f"{req}.params": "path"}.get(text(value, ctx))
                for name in _pattern_keys(target, ctx) if where else []:
                    add(name, where)
        elif n.type == "call_expression":
            f = n.child_by_field_name("function")
            args = _args(n)
            if (
                f is not None
                and f.type == "member_expression"
                and text(f, ctx) in (f"{req}.header", f"{req}.get")
                and args
                and (name := _string_value(args[0], ctx))
            ):
                add(name, "header")
    return out | {"body": body, "response": ""}


def _top_level(root: Node) -> list[Node]:
    """The program's statements, with `export` unwrapped."""
    out = []
    for c in root.children:
        inner = c.child_by_field_name("declaration") if c.type == "export_statement" else c
        out.append(inner if inner is not None else c)
    return out


def _functions(root: Node, ctx: FileContext, skeleton: str) -> list[CodeUnit]:
    """Top-level functions, and functions assigned to a top-level const, as file-scope methods."""
    stem = PurePosixPath(ctx.file.path).name.rsplit(".", 1)[0]
    units = []
    for node in _top_level(root):
        found: list[tuple[Node, Node, Node]] = []  # (unit node, name node, function node)
        if node.type in ("function_declaration", "generator_function_declaration"):
            found.append((_outer(node), node.child_by_field_name("name"), node))
        elif node.type == "lexical_declaration" and text(node.children[0], ctx) == "const":
            declarators = [d for d in node.named_children if d.type == "variable_declarator"]
            for d in declarators:
                value = d.child_by_field_name("value")
                if value is not None and value.type in FUNCTION_VALUES:
                    found.append((_outer(node) if len(declarators) == 1 else d, d.child_by_field_name("name"), value))
        for unit_node, name_node, fn in found:
            if name_node is None:
                continue
            body = fn.child_by_field_name("body")
            units.append(
                make_unit(
                    unit_node,
                    ctx,
                    kind="method",
                    name=text(name_node, ctx),
                    class_name=stem,
                    scope="file",
                    signature=_signature(unit_node, body, ctx),
                    doc=doc_before(unit_node, ctx),
                    context=skeleton,
                    calls=_calls(body, ctx),
                )
            )
    return units


# --- tests -----------------------------------------------------------------------------------------


def _title(node: Node | None, ctx: FileContext) -> str | None:
    if node is None:
        return None
    value = _string_value(node, ctx)
    if value is not None:
        return value
    if node.type == "template_string":
        return text(node, ctx)[1:-1]
    if node.type in ("identifier", "member_expression"):
        t = text(node, ctx)
        return t[: -len(".name")] if t.endswith(".name") else t  # describe(OrderService.name, ...)
    return None


def _callback(call: Node) -> Node | None:
    return next((a for a in _args(call) if a.type in FUNCTION_VALUES), None)


def _tests(root: Node, ctx: FileContext) -> list[CodeUnit]:
    stem = file_stem(ctx.file.path)
    tests = []
    describes = set()
    for call in walk(root, {"call_expression"}):
        root_name = _callee_root(call, ctx)
        callback = _callback(call)
        args = _args(call)
        if callback is None or not args or (title := _title(args[0], ctx)) is None:
            continue
        if root_name in DESCRIBE_CALLS:
            describes.add(callback.id)
        elif root_name in TEST_CALLS:
            tests.append((call, callback, title))
    # the tests' bodies elided; hooks, helpers and describe blocks whole: what a runnable test needs
    test_bodies = [b for _, cb, _ in tests if (b := cb.child_by_field_name("body")).type == "statement_block"]
    skeleton = elide(root, test_bodies, ctx, "{ ... }")
    units = []
    for call, callback, title in tests:
        chain = []
        p = call.parent
        while p is not None:
            if p.type == "call_expression" and _callee_root(p, ctx) in DESCRIBE_CALLS and p.id != call.id:
                args = _args(p)
                chain.insert(0, _title(args[0], ctx) if args else "")
            p = p.parent
        node = call.parent if call.parent is not None and call.parent.type == "expression_statement" else call
        units.append(
            make_unit(
                node,
                ctx,
                kind="test",
                name=title,
                class_name=chain[0] if chain else stem,
                scope="class" if chain else "file",
                signature=" › ".join([*chain, title]),
                doc=doc_before(node, ctx),
                context=skeleton,
                calls=_calls(callback.child_by_field_name("body"), ctx),
            )
        )
    return units


# --- Express ---------------------------------------------------------------------------------------


def _constants(root: Node, ctx: FileContext) -> dict[str, str]:
    """Top-level `const NAME = "..."` and class fields `path = "..."` (as `this.path`): template parts."""
    out = {}
    for node in _top_level(root):
        if node.type == "lexical_declaration":
            for d in node.named_children:
                if d.type == "variable_declarator" and (v := _string_value(d.child_by_field_name("value"), ctx)):
                    out[text(d.child_by_field_name("name"), ctx)] = v
    return out


def _class_fields(cls: Node | None, ctx: FileContext) -> dict[str, str]:
    out = {}
    body = cls.child_by_field_name("body") if cls is not None else None
    for c in body.children if body is not None else []:
        if c.type == "public_field_definition":
            value = _string_value(c.child_by_field_name("value"), ctx)
            if value is not None:
                out["this." + text(c.child_by_field_name("name"), ctx)] = value
        if c.type == "method_definition" and text(c.child_by_field_name("name"), ctx) == "constructor":
            for a in walk(c, {"assignment_expression"}):  # this.path = "/orders"
                left = a.child_by_field_name("left")
                value = _string_value(a.child_by_field_name("right"), ctx)
                if left is not None and left.type == "member_expression" and value is not None:
                    out.setdefault(text(left, ctx), value)
    return out


def _enclosing(node: Node, types: set[str]) -> Node | None:
    p = node.parent
    while p is not None and p.type not in types:
        p = p.parent
    return p


class _Express:
    """The routers of one file: which names are routers, and the prefixes `use(...)` mounts them at."""

    def __init__(self, root: Node, ctx: FileContext, consts: dict[str, str]):
        self.ctx = ctx
        self.routers: set[str] = set()
        self.mounts: dict[str, tuple[str, str]] = {}  # router -> (parent router, path)
        for d in walk(root, {"variable_declarator"}):
            value = d.child_by_field_name("value")
            if value is not None and value.type in ("new_expression", "call_expression"):
                f = value.child_by_field_name("constructor" if value.type == "new_expression" else "function")
                if f is not None and _ROUTER_MAKERS.match(text(f, ctx)):
                    self.routers.add(text(d.child_by_field_name("name"), ctx))
        for p in walk(root, {"required_parameter", "optional_parameter", "public_field_definition"}):
            t = p.child_by_field_name("type")
            name = p.child_by_field_name("pattern") or p.child_by_field_name("name")
            if t is not None and name is not None and _ROUTER_TYPE.search(text(t, ctx)):
                self.routers.add(text(name, ctx) if p.type != "public_field_definition" else "this." + text(name, ctx))
        for call in walk(root, {"call_expression"}):
            f = call.child_by_field_name("function")
            args = _args(call)
            if f is None or f.type != "member_expression" or text(f.child_by_field_name("property"), ctx) != "use":
                continue
            path = _string_value(args[0], ctx, consts) if args else None
            if path is None:
                continue
            for a in args[1:]:
                if a.type in ("identifier", "member_expression"):
                    self.mounts.setdefault(text(a, ctx), (text(f.child_by_field_name("object"), ctx), path))

    def is_router(self, name: str) -> bool:
        return name in self.routers or bool(_ROUTER_NAME.match(name.removeprefix("this.")))

    def prefix(self, name: str, seen: frozenset = frozenset()) -> str:
        if name not in self.mounts or name in seen:
            return ""
        parent, path = self.mounts[name]
        return join_paths(self.prefix(parent, seen | {name}), path)


def _handler(args: list[Node], ctx: FileContext) -> tuple[str | None, Node | None]:
    """The last handler's name (identifier or member's property; unwrapped from `wrap(handler)`)."""
    h = args[-1] if args else None
    while h is not None and h.type == "call_expression" and _args(h):
        h = _args(h)[-1]
    if h is None:
        return None, None
    if h.type == "member_expression":
        return text(h.child_by_field_name("property"), ctx), h
    if h.type == "identifier":
        return text(h, ctx), h
    return None, h


def _express_endpoints(root: Node, ctx: FileContext, skeleton: str, handler_ids: dict[str, str]) -> list[CodeUnit]:
    """Express routes of the file; `handler_ids`: the unit id of each file-scope function by name."""
    consts = _constants(root, ctx)
    routers = _Express(root, ctx, consts)
    functions: dict[str, tuple[Node, Node]] = {}  # name -> (its statement, the function)
    for node in _top_level(root):
        if node.type == "function_declaration":
            functions[text(node.child_by_field_name("name"), ctx)] = (_outer(node), node)
        elif node.type == "lexical_declaration":
            for d in node.named_children:
                value = d.child_by_field_name("value") if d.type == "variable_declarator" else None
                if value is not None and value.type in FUNCTION_VALUES:
                    functions[text(d.child_by_field_name("name"), ctx)] = (_outer(node), value)
    units = []
    for call in walk(root, {"call_expression"}):
        f = call.child_by_field_name("function")
        if f is None or f.type != "member_expression":
            continue
        verb = EXPRESS_VERBS.get(text(f.child_by_field_name("property"), ctx))
        receiver = f.child_by_field_name("object")
        if verb is None or receiver is None:
            continue
        args = _args(call)
        known = consts | _class_fields(_enclosing(call, CLASS_TYPES), ctx)
        route, r = None, receiver
        while r is not None and r.type == "call_expression":  # app.route("/x").get(h).post(h)
            rf = r.child_by_field_name("function")
            if rf is None or rf.type != "member_expression":
                break
            if text(rf.child_by_field_name("property"), ctx) == "route":
                route = r
                break
            r = rf.child_by_field_name("object")
        if route is not None:
            owner = text(route.child_by_field_name("function").child_by_field_name("object"), ctx)
            path = _string_value(_args(route)[0], ctx, known) if _args(route) else None
            handlers = args
        elif receiver.type in ("identifier", "member_expression"):
            owner = text(receiver, ctx)
            path = _string_value(args[0], ctx, known) if args else None
            handlers = args[1:]
        else:
            continue  # headers().get("X"): not a router
        if not owner or not routers.is_router(owner) or path is None or not path.startswith("/") or not handlers:
            continue
        if any(h.type in ("object", "string", "number", "template_string") for h in handlers[-1:]):
            continue  # a client's get("/x", {params}), not a route
        full = join_paths(routers.prefix(owner), path)
        name, h_node = _handler(handlers, ctx)
        statement = call
        while statement.parent is not None and statement.parent.type not in ("program", "statement_block"):
            statement = statement.parent
        code, doc = text(statement, ctx), doc_before(statement, ctx)
        fn, handler = (h_node if h_node is not None and h_node.type in FUNCTION_VALUES else None), ""
        if name in functions and h_node is not None and h_node.type == "identifier":
            outer, fn = functions[name]
            code = text(outer, ctx) + "\n\n" + code  # a handler of this file comes along, with its doc
            doc = doc or doc_before(outer, ctx)
            handler = handler_ids.get(name, "")
        units.append(
            make_unit(
                call,
                ctx,
                kind="endpoint",
                name=name or f"{verb} {full}",
                class_name=PurePosixPath(ctx.file.path).name.rsplit(".", 1)[0],
                scope="file",
                code=code,
                doc=doc,
                context=skeleton,
                calls=_calls(call, ctx),
                http={"method": verb, "path": full} | _express_details(fn, handler, full, ctx),
            )
        )
    return units


def parse_typescript(root: Node, ctx: FileContext) -> list[CodeUnit]:
    if DECLARATION_FILE.search(ctx.file.path):
        return []
    if is_test_file(ctx.file.path):
        return _tests(root, ctx)
    skeleton = elide(root, _bodies(root), ctx, "{ ... }")
    units: list[CodeUnit] = []
    for cls in walk(root, CLASS_TYPES):
        units += _class_units(cls, ctx)
    functions = _functions(root, ctx, skeleton)
    names = Counter(u.name for u in functions)
    units += functions
    units += _express_endpoints(root, ctx, skeleton, {u.name: u.id for u in functions if names[u.name] == 1})
    return units


register_language("typescript")(parse_typescript)
register_language("tsx")(parse_typescript)
