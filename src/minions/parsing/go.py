"""Go: types and their methods, functions, `TestXxx` tests, net/http, gin, echo, chi and gorilla endpoints.

- A struct or interface type is a `class` unit; a method is a `method` unit of its receiver's type
  (`func (s *Service) Cancel()` -> class `Service`), its context the type and the signatures of the
  type's methods in the same file. A function is a `method` unit with scope `file` whose class is
  the package name (Go has no file namespace: callers write `orders.Price`; for a package `main`
  that is `main`), its context the file with bodies elided.
- Test files (`*_test.go`) give tests only: `func TestXxx(t *testing.T)` (class: the package, `_test`
  dropped) and testify suite methods `func (s *Suite) TestXxx()` (class: the suite type).
- Endpoints: net/http `HandleFunc`/`Handle` (Go 1.22 `"GET /orders/{id}"` patterns; no method is
  `ANY`), gin and echo `r.GET("/x", h)` with `r.Group("/api")` prefixes, chi `r.Get("/x", h)` with
  `r.Route("/api", func(r chi.Router) {...})`, `r.Mount("/x", sub)` and `r.With(...)`, gorilla
  `r.HandleFunc("/x", h).Methods("GET")` with `PathPrefix("/api").Subrouter()`. Prefixes are resolved
  within the file, following variables through the functions that bind them and a router passed to
  a function of the same file. The name is the handler's (`h.GetItem` -> `GetItem`, `&orderHandler{}`
  -> `orderHandler`), or `VERB /path` for a function literal.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from tree_sitter import Node

from minions.parsing.classinfo import go as go_info
from minions.parsing.languages import FileContext, call_names, elide, make_unit, register_language, text, walk
from minions.parsing.routes import ANY, VERBS, join_paths, normalise_path, path_params
from minions.records import CodeUnit

FUNCS = {"function_declaration", "method_declaration"}
SCOPES = {"function_declaration", "method_declaration", "func_literal"}
_TEST_NAME = re.compile(r"^Test([^a-z].*)?$")
GIN_VERBS = {v: v for v in VERBS} | {"Any": ANY}
CHI_VERBS = {v.capitalize(): v for v in VERBS} | {"Connect": "CONNECT", "Trace": "TRACE", "All": ANY}
_METHOD_CONST = re.compile(r"^http\.Method(\w+)$")
_PATTERN = re.compile(r"^(?:([A-Z]+)\s+)?(\S*)$")  # Go 1.22: "[METHOD ][HOST]/PATH"


def _string(node: Node | None, ctx: FileContext) -> str | None:
    if node is None:
        return None
    if node.type == "interpreted_string_literal":
        return text(node, ctx)[1:-1]
    if node.type == "raw_string_literal":
        return text(node, ctx)[1:-1]
    return None


def _verb(node: Node | None, ctx: FileContext) -> str | None:
    """ "GET" or http.MethodGet -> GET."""
    s = _string(node, ctx)
    if s is None and node is not None and (m := _METHOD_CONST.match(text(node, ctx))):
        s = m.group(1)
    return s.upper() if s and s.isalpha() else None


def _doc(node: Node, ctx: FileContext) -> str:
    """The `//` comment lines right above a declaration (Go's doc comment)."""
    lines, prev, row = [], node.prev_sibling, node.start_point[0]
    while prev is not None and prev.type == "comment" and prev.end_point[0] == row - 1:
        lines.insert(0, text(prev, ctx))
        row = prev.start_point[0]
        prev = prev.prev_sibling
    return "\n".join(lines)


def _calls(node: Node | None, ctx: FileContext) -> list[str]:
    return call_names(node, ctx, "call_expression", "selector_expression", "field", ("identifier", "field_identifier"))


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def receiver_type(method: Node, ctx: FileContext) -> str:
    """`(s *Service)` -> Service; `(g *Gen[T])` -> Gen."""
    recv = method.child_by_field_name("receiver")
    param = next((c for c in recv.named_children if c.type == "parameter_declaration"), None) if recv else None
    t = param.child_by_field_name("type") if param is not None else None
    while t is not None and t.type in ("pointer_type", "generic_type", "parenthesized_type"):
        t = t.child_by_field_name("type") if t.type == "generic_type" else t.named_children[0]
    return text(t, ctx) if t is not None else ""


def _signature(node: Node, ctx: FileContext) -> str:
    body = node.child_by_field_name("body")
    return ctx.src[node.start_byte : body.start_byte].decode("utf-8", "replace").strip()


def package_name(root: Node, ctx: FileContext) -> str:
    clause = next((c for c in root.children if c.type == "package_clause"), None)
    ident = next((c for c in clause.named_children), None) if clause is not None else None
    return text(ident, ctx) if ident is not None else PurePosixPath(ctx.file.path).parent.name


def _types(root: Node) -> list[tuple[Node, Node]]:
    """(unit node, type_spec) of each struct or interface type: the declaration, or the spec in a group."""
    out = []
    for decl in root.children:
        if decl.type != "type_declaration":
            continue
        specs = [s for s in decl.named_children if s.type == "type_spec"]
        for s in specs:
            t = s.child_by_field_name("type")
            if t is not None and t.type in ("struct_type", "interface_type"):
                out.append((decl if len(specs) == 1 else s, s))
    return out


def _tests(root: Node, ctx: FileContext, pkg: str, skeleton: str) -> list[CodeUnit]:
    units = []
    for f in root.children:
        if f.type not in FUNCS or f.child_by_field_name("body") is None:
            continue
        name = text(f.child_by_field_name("name"), ctx)
        if not _TEST_NAME.match(name):
            continue
        if f.type == "function_declaration":
            params = f.child_by_field_name("parameters")
            if params is None or "testing.T" not in text(params, ctx):
                continue
            class_name, scope = pkg.removesuffix("_test"), "file"
        else:
            class_name, scope = receiver_type(f, ctx), "class"
        units.append(
            make_unit(
                f,
                ctx,
                kind="test",
                name=name,
                class_name=class_name,
                scope=scope,
                signature=_signature(f, ctx),
                doc=_doc(f, ctx),
                context=skeleton,
                calls=_calls(f.child_by_field_name("body"), ctx),
            )
        )
    return units


def _code_units(root: Node, ctx: FileContext, pkg: str, skeleton: str) -> list[CodeUnit]:
    funcs = [f for f in root.children if f.type in FUNCS and f.child_by_field_name("body") is not None]
    by_type: dict[str, list[Node]] = {}
    for f in funcs:
        if f.type == "method_declaration":
            by_type.setdefault(receiver_type(f, ctx), []).append(f)
    outlines = {}
    units = []
    for node, spec in _types(root):
        name = text(spec.child_by_field_name("name"), ctx)
        methods = by_type.get(name, [])
        outline = "\n\n".join(
            [text(node, ctx)] + [elide(m, [m.child_by_field_name("body")], ctx, "{ ... }") for m in methods]
        )
        outlines[name] = outline
        units.append(make_unit(node, ctx, kind="class", name=name, doc=_doc(node, ctx), context=outline))
        units[-1] = units[-1].model_copy(update=go_info(spec, ctx)._asdict())  # class info and role
    for f in funcs:
        is_method = f.type == "method_declaration"
        class_name = receiver_type(f, ctx) if is_method else pkg
        if is_method and class_name not in outlines:  # a type declared in another file of the package
            outlines[class_name] = "\n\n".join(
                elide(m, [m.child_by_field_name("body")], ctx, "{ ... }") for m in by_type[class_name]
            )
        units.append(
            make_unit(
                f,
                ctx,
                kind="method",
                name=text(f.child_by_field_name("name"), ctx),
                class_name=class_name,
                scope="class" if is_method else "file",
                signature=_signature(f, ctx),
                doc=_doc(f, ctx),
                context=outlines[class_name] if is_method else skeleton,
                calls=_calls(f.child_by_field_name("body"), ctx),
            )
        )
    return units


# --- endpoints -------------------------------------------------------------------------------------


def _scope_of(node: Node) -> Node | None:
    p = node.parent
    while p is not None and p.type not in SCOPES:
        p = p.parent
    return p


class _Prefixes:
    """Route prefixes of one file: what each router variable is bound to, where it is mounted."""

    def __init__(self, root: Node, ctx: FileContext):
        self.ctx = ctx
        self.funcs = {
            text(f.child_by_field_name("name"), ctx): f for f in root.children if f.type == "function_declaration"
        }
        # (scope id, name) -> ("expr", node, scope) | ("join", parent expr, its scope, path)
        self.binds: dict[tuple[int, str], tuple] = {}
        self.mounts: dict[tuple[int, str], tuple] = {}
        self.func_base: dict[int, tuple] = {}  # a function whose router is mounted by a call: its base
        for n in walk(root, {"short_var_declaration", "assignment_statement", "var_spec"}):
            left = n.child_by_field_name("left") or n.child_by_field_name("name")
            right = n.child_by_field_name("right") or n.child_by_field_name("value")
            if left is None or right is None:
                continue
            lefts = [c for c in (left.named_children if left.type == "expression_list" else [left])]
            rights = [c for c in (right.named_children if right.type == "expression_list" else [right])]
            scope = _scope_of(n)
            for lv, rv in zip(lefts, rights, strict=False):
                self.binds.setdefault((self._sid(scope), text(lv, ctx)), ("expr", rv, scope))
        for call in walk(root, {"call_expression"}):
            f = call.child_by_field_name("function")
            args = _args(call)
            scope = _scope_of(call)
            if f is not None and f.type == "identifier" and text(f, ctx) in self.funcs:
                self._bind_params(self.funcs[text(f, ctx)], args, scope)
            if f is None or f.type != "selector_expression":
                continue
            method, recv = text(f.child_by_field_name("field"), ctx), f.child_by_field_name("operand")
            if method in ("Route", "Group") and args and args[-1].type == "func_literal":
                path = _string(args[0], ctx) if method == "Route" else ""
                lit = args[-1]
                params = lit.child_by_field_name("parameters")
                for p in walk(params, {"parameter_declaration"}) if params is not None else []:
                    for name in p.children_by_field_name("name"):
                        self.binds[(lit.id, text(name, ctx))] = ("join", recv, scope, path or "")
            elif method == "Mount" and len(args) >= 2 and (path := _string(args[0], ctx)) is not None:
                target = args[1]
                if target.type == "call_expression":
                    tf = target.child_by_field_name("function")
                    if tf is not None and tf.type == "identifier" and text(tf, ctx) in self.funcs:
                        self.func_base[self.funcs[text(tf, ctx)].id] = ("join", recv, scope, path)
                elif target.type in ("identifier", "selector_expression"):
                    owner = self._owner_scope(text(target, ctx), scope)
                    self.mounts[(self._sid(owner), text(target, ctx))] = ("join", recv, scope, path)

    @staticmethod
    def _sid(scope: Node | None) -> int:
        return scope.id if scope is not None else 0

    def _bind_params(self, func: Node, args: list[Node], scope: Node | None) -> None:
        params = func.child_by_field_name("parameters")
        names = [
            text(n, self.ctx)
            for p in (params.named_children if params is not None else [])
            for n in p.children_by_field_name("name")
        ]
        for name, arg in zip(names, args, strict=False):
            self.binds.setdefault((func.id, name), ("expr", arg, scope))

    def _owner_scope(self, name: str, scope: Node | None) -> Node | None:
        """The scope (this one or an enclosing one) where `name` is bound."""
        s = scope
        while s is not None:
            if (s.id, name) in self.binds:
                return s
            s = _scope_of(s)
        return scope

    def _lookup(self, name: str, scope: Node | None, depth: int) -> str:
        s = scope
        while s is not None:
            key = (s.id, name)
            if key in self.mounts:
                return self._resolve(self.mounts[key], depth)
            if key in self.binds:
                return self._resolve(self.binds[key], depth)
            s = _scope_of(s)
        return self._base(scope, depth)

    def _base(self, scope: Node | None, depth: int) -> str:
        """The prefix a router made in this function gets: where a call of the function is mounted."""
        top = scope
        while top is not None and _scope_of(top) is not None:
            top = _scope_of(top)
        return self._resolve(self.func_base[top.id], depth) if top is not None and top.id in self.func_base else ""

    def _resolve(self, bind: tuple, depth: int) -> str:
        if bind[0] == "join":
            _, parent, scope, path = bind
            return join_paths(self.prefix(parent, scope, depth + 1), path)
        _, node, scope = bind
        return self.prefix(node, scope, depth + 1)

    def prefix(self, expr: Node, scope: Node | None, depth: int = 0) -> str:
        """The path prefix a router expression carries: r, api (from r.Group("/api")), r.With(mw), ..."""
        if depth > 20:
            return ""
        if expr.type in ("identifier", "selector_expression"):
            return self._lookup(text(expr, self.ctx), scope, depth)
        if expr.type == "unary_expression":  # &x
            return self.prefix(expr.named_children[-1], scope, depth + 1)
        if expr.type != "call_expression":
            return ""
        f = expr.child_by_field_name("function")
        if f is None or f.type != "selector_expression":
            return self._base(scope, depth)
        method, recv = text(f.child_by_field_name("field"), self.ctx), f.child_by_field_name("operand")
        args = _args(expr)
        if method in ("Group", "PathPrefix") and args and (path := _string(args[0], self.ctx)) is not None:
            return join_paths(self.prefix(recv, scope, depth + 1), path)
        if method in ("With", "Subrouter", "Use", "Name", "Host", "Schemes"):
            return self.prefix(recv, scope, depth + 1)
        return self._base(scope, depth)  # a new router: chi.NewRouter(), gin.New(), http.NewServeMux()


def _route(call: Node, ctx: FileContext) -> list[tuple[str, str, Node, Node | None]]:
    """(verb, path, span node, handler) of a route registration call, one per verb; [] if it is none."""
    f = call.child_by_field_name("function")
    if f is None or f.type != "selector_expression":
        return []
    method = text(f.child_by_field_name("field"), ctx)
    recv = text(f.child_by_field_name("operand"), ctx)
    args = _args(call)
    first = _string(args[0], ctx) if args else None
    if method in GIN_VERBS and first is not None and len(args) >= 2:
        return [(GIN_VERBS[method], first, call, args[-1])]
    if method in CHI_VERBS and first is not None and first.startswith("/") and len(args) >= 2 and recv != "http":
        return [(CHI_VERBS[method], first, call, args[-1])]
    if method in ("Method", "MethodFunc", "Handle", "Match") and len(args) >= 3:
        verb, path = _verb(args[0], ctx), _string(args[1], ctx)
        if verb and path is not None:  # chi r.Method("GET", "/x", h), gin r.Handle("GET", "/x", h)
            return [(verb, path, call, args[-1])]
    if method in ("HandleFunc", "Handle") and first is not None and len(args) >= 2:
        m = _PATTERN.match(first.strip())
        if not m:
            return []
        verb, path = m.group(1) or ANY, m.group(2)
        path = path[path.index("/") :] if "/" in path else path  # drop a host: "example.com/x"
        outer = call.parent  # gorilla: r.HandleFunc("/x", h).Methods("GET", "POST")
        if outer is not None and outer.type == "selector_expression" and outer.parent is not None:
            is_methods = text(outer.child_by_field_name("field"), ctx) == "Methods"
            verbs = [(v, a) for a in _args(outer.parent) if (v := _verb(a, ctx))] if is_methods else []
            if verbs:
                return [(v, path, a, args[-1]) for v, a in verbs]
        return [(verb, path, call, args[-1])]
    return []


# what a handler reads of its request: gin/echo `c.Query("q")`, net/http `r.URL.Query().Get("q")`, ...
_QUERY_CALLS = {"Query", "DefaultQuery", "GetQuery", "QueryArray", "GetQueryArray", "QueryParam"}
_HEADER_CALLS = {"GetHeader"}
# calls that decode the request body into a variable: `c.ShouldBindJSON(&req)`, `json.NewDecoder(r.Body).Decode(&req)`
_BODY_CALLS = {"ShouldBindJSON", "BindJSON", "ShouldBind", "Bind", "ShouldBindWith", "BindWith", "Decode"}
_BODY_CALLS |= {"ShouldBindBodyWith", "ShouldBindXML", "BindXML", "ShouldBindYAML"}


def _var_types(body: Node, ctx: FileContext) -> dict[str, str]:
    """Variables of a function body and their types where written: `var req T`, `req := T{}`,
    `req := &T{}`, `req := new(T)`."""
    out: dict[str, str] = {}
    for n in walk(body, {"var_spec", "short_var_declaration"}):
        if n.type == "var_spec":
            kind = n.child_by_field_name("type")
            for name in n.children_by_field_name("name"):
                if kind is not None:
                    out[text(name, ctx)] = text(kind, ctx).lstrip("*")
            continue
        left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
        names, values = (left.named_children if left else []), (right.named_children if right else [])
        for name, value in zip(names, values, strict=False):  # `a, err := f()`: one value for two names
            while value.type == "unary_expression":
                value = value.named_children[-1]
            if value.type == "composite_literal" and value.child_by_field_name("type") is not None:
                out[text(name, ctx)] = text(value.child_by_field_name("type"), ctx)
            elif value.type == "call_expression" and text(value.child_by_field_name("function"), ctx) == "new":
                args = _args(value)
                if args:
                    out[text(name, ctx)] = text(args[0], ctx)
    return out


def _handler_params(fn: Node, ctx: FileContext) -> tuple[set[str], set[str], set[str]]:
    """Names of the handler's framework context (`c *gin.Context`, `c echo.Context`), request
    (`r *http.Request`) and response writer (`w http.ResponseWriter`) parameters."""
    contexts, requests, writers = set(), set(), set()
    plist = fn.child_by_field_name("parameters")
    for p in plist.named_children if plist is not None else []:
        kind = p.child_by_field_name("type")
        if p.type != "parameter_declaration" or kind is None:
            continue
        t = text(kind, ctx).lstrip("*")
        names = {text(n, ctx) for n in p.children_by_field_name("name")}
        if t == "http.Request":
            requests |= names
        elif t == "http.ResponseWriter":
            writers |= names
        elif t.endswith(("Context", ".Ctx")):
            contexts |= names
    return contexts, requests, writers


def _one_line(type_text: str) -> str:
    """A type on one line, cut after 80 characters (an anonymous struct's fields and tags)."""
    t = " ".join(type_text.split())
    return t if len(t) <= 80 else t[:79] + "…"


def _details(fn: Node | None, handler: str, path: str, ctx: FileContext) -> dict:
    """A handler's parameters (the path's, then the query parameters and headers it reads of its
    request), its body type (the variable it binds or decodes the request body into), `returns: view`
    when it renders a template; Go handlers declare no response type. Only calls on the handler's own
    context (`c`), request (`r`, `c.Request`) or writer (`w`) count: `db.Query(...)` or an upstream
    response's `resp.Header.Get(...)` are not the request's."""
    params, body, returns = path_params(path), "", "body"
    seen = {(p["name"], "path") for p in params}
    block = fn.child_by_field_name("body") if fn is not None else None
    if block is None:
        return {"returns": returns, "handler": handler, "params": params, "body": body, "response": ""}
    contexts, requests, writers = _handler_params(fn, ctx)
    requests |= {f"{c}.Request" for c in contexts} | {f"{c}.Request()" for c in contexts}
    types = _var_types(block, ctx)
    for call in walk(block, {"call_expression"}):
        f = call.child_by_field_name("function")
        if f is None or f.type != "selector_expression":
            continue
        method, operand, args = text(f.child_by_field_name("field"), ctx), f.child_by_field_name("operand"), _args(call)
        on = text(operand, ctx)
        where = None
        if (method in ("HTML", "Render") and on in contexts) or (
            method in ("Execute", "ExecuteTemplate") and args and text(args[0], ctx) in writers
        ):
            returns = "view"
        if (method in _QUERY_CALLS and on in contexts) or (
            method == "Get" and on in {f"{r}.URL.Query()" for r in requests}
        ):
            where = "query"
        elif (method in _HEADER_CALLS and on in contexts) or (
            method == "Get" and on in {f"{r}.Header" for r in requests}
        ):
            where = "header"
        elif method in _BODY_CALLS and not body and _binds_the_body(method, on, args, contexts, requests, ctx):
            for a in args:  # Bind(&req), or Decode(f) of a pointer `f := &Filter{}`
                if a.type == "unary_expression" and text(a, ctx).startswith("&"):
                    a = a.named_children[-1]
                if a.type == "identifier" and text(a, ctx) in types:
                    body = _one_line(types[text(a, ctx)])
                    break
        name = _string(args[0], ctx) if where and args else None
        if name and (name, where) not in seen:
            seen.add((name, where))
            params.append({"name": name, "in": where, "type": ""})
    return {"returns": returns, "handler": handler, "params": params, "body": body, "response": ""}


def _binds_the_body(
    method: str, on: str, args: list[Node], contexts: set[str], requests: set[str], ctx: FileContext
) -> bool:
    """`c.ShouldBindJSON(&x)` (not `c.ShouldBindWith(&x, binding.Query)`: the query string),
    `json.NewDecoder(r.Body).Decode(&x)`, chi's `render.Bind(r, &x)`."""
    if on in contexts:
        return not any(re.search(r"binding\.(Query|Uri|Header|Form)\b", text(a, ctx)) for a in args)
    if method == "Decode":
        return any(on.startswith("json.NewDecoder(") and f"{r}.Body" in on for r in requests)
    return on == "render" and bool(args) and text(args[0], ctx) in requests


def _endpoints(root: Node, ctx: FileContext, pkg: str, skeleton: str) -> list[CodeUnit]:
    prefixes = _Prefixes(root, ctx)
    defs: dict[str, list[Node]] = {}
    for f in root.children:
        if f.type in FUNCS:
            defs.setdefault(text(f.child_by_field_name("name"), ctx), []).append(f)
    units = []
    for call in walk(root, {"call_expression"}):
        routes = _route(call, ctx)
        if not routes:
            continue
        recv = call.child_by_field_name("function").child_by_field_name("operand")
        base = prefixes.prefix(recv, _scope_of(call))
        statement = call
        while statement.parent is not None and statement.parent.type not in ("block", "statement_list", "source_file"):
            statement = statement.parent
        for verb, path, span_node, handler in routes:
            full = join_paths(base, normalise_path(path))
            name = None
            if handler is not None and handler.type == "unary_expression":  # &orderHandler{}
                handler = handler.named_children[-1]
            if handler is not None and handler.type == "composite_literal":  # orderHandler{}
                handler = handler.child_by_field_name("type")
            if handler is not None and handler.type == "qualified_type":
                handler = handler.child_by_field_name("name")
            if handler is not None and handler.type == "selector_expression":
                name = text(handler.child_by_field_name("field"), ctx)
            elif handler is not None and handler.type in ("identifier", "type_identifier"):
                name = text(handler, ctx)
            code, doc = text(statement, ctx), _doc(statement, ctx)
            fn, handler_id = (handler if handler is not None and handler.type == "func_literal" else None), ""
            if name and len(defs.get(name, [])) == 1:  # a handler of this file comes along, with its doc
                fn = defs[name][0]
                code = text(fn, ctx) + "\n\n" + code
                doc = doc or _doc(fn, ctx)
                if fn.child_by_field_name("body") is not None:  # the method unit `_code_units` made of it
                    handler_id = CodeUnit.make_id(ctx.file.id, (fn.start_byte, fn.end_byte))
            units.append(
                make_unit(
                    call,
                    ctx,
                    span_node=span_node,
                    kind="endpoint",
                    name=name or f"{verb} {full}",
                    class_name=pkg,
                    scope="file",
                    code=code,
                    doc=doc,
                    context=skeleton,
                    calls=_calls(handler, ctx),
                    http={"method": verb, "path": full} | _details(fn, handler_id, full, ctx),
                )
            )
    return units


@register_language("go")
def parse_go(root: Node, ctx: FileContext) -> list[CodeUnit]:
    pkg = package_name(root, ctx)
    bodies = [b for f in root.children if f.type in FUNCS and (b := f.child_by_field_name("body")) is not None]
    skeleton = elide(root, bodies, ctx, "{ ... }")
    if ctx.file.path.endswith("_test.go"):
        return _tests(root, ctx, pkg, skeleton)
    return _code_units(root, ctx, pkg, skeleton) + _endpoints(root, ctx, pkg, skeleton)
