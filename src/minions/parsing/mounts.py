"""Path prefixes given in another file than the routes': the pass after every file is parsed.

- Python: `app.include_router(items.router, prefix="/items")` (FastAPI) and
  `app.register_blueprint(bp, url_prefix="/shop")` (Flask) in one module give the endpoints of the
  module the router comes from (`from .routers import items`, `from app.api.routes.items import
  router`) that prefix, after the prefix of the module that includes it (a chain: main includes
  `api_router` with `/api`, api/main.py includes `items.router` with `/items`). Every endpoint of the
  included module takes the prefix (a module holds one router, as the frameworks' guides write them);
  a prefix that is not a string literal (`settings.API_V1_STR`) adds nothing, as in pairing.
- Express: `app.use("/api", routes)` or `Router().use(articles)` where `routes` / `articles` is imported
  from another file of the repository (`import routes from "./routes"`, `const r = require("./r")`)
  gives that file's routes the path, after the prefix the receiving router has in its own file
  (`const api = Router().use(articles); export default Router().use("/api", api)`), followed up the
  chain of files the same way.
- Go: `users.Register(v1.Group("/users"))`, a router group passed to a function of another package of
  the repository (the import path resolved through `go.mod`), gives the endpoints registered in that
  function the group's prefix (as the calling file resolves it).
- NestJS: `app.setGlobalPrefix("api")` in a module's bootstrap file prefixes the endpoints of every
  controller of that module (build folder).

Only literal prefixes and imports that resolve to one file of the repository count; the endpoints'
ids do not change (they are taken from the mapping's span when parsed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from tree_sitter import Node
from tree_sitter_language_pack import get_parser

from minions.parsing.languages import join_http_path, walk
from minions.records import CodeUnit, SourceFile

_PY_MOUNTS = {"include_router": "prefix", "register_blueprint": "url_prefix"}
_NEST_PREFIX = re.compile(
    r"""^(?![ \t]*//).*?\.setGlobalPrefix\(\s*["'`]([^"'`$]*)["'`]""", re.M
)  # a literal, not commented out


@dataclass(frozen=True)
class _Mount:
    parent: str  # the path of the module that includes
    child: str  # the path of the module whose router is included
    prefix: str
    replaces: str = ""  # the child's own prefix this mount replaces (Flask's url_prefix option)


def apply_mounts(files: list[SourceFile], units: list[CodeUnit], build_dirs: dict[str, set[str]]) -> list[CodeUnit]:
    """The units, endpoints prefixed by what other files mount them under (see the module doc);
    `build_dirs`: per repository, the folders holding a build file (`parse.build_dirs_of`)."""
    from minions.parsing.parse import module_of  # the same modules the units were given

    prefixes: dict[tuple[str, str], str] = {}  # (repo, path) -> prefix for Python modules
    replaced: dict[tuple[str, str], str] = {}  # (repo, path) -> the module's own prefix its mount replaces
    nest: dict[tuple[str, str], str] = {}  # (repo, module) -> Nest global prefix
    go_funcs: dict[tuple[str, str, str], str] = {}  # (repo, package folder, function) -> prefix
    by_repo: dict[str, list[SourceFile]] = {}
    for f in files:
        by_repo.setdefault(f.repo, []).append(f)
    for repo, repo_files in by_repo.items():
        py_files = {f.path: f for f in repo_files if f.lang == "python"}
        mounts = [
            m
            for f in py_files.values()
            if any(f"{call}(" in f.text for call in _PY_MOUNTS)
            for m in _python_mounts(f, set(py_files), py_files)
        ]
        ts_paths = {f.path for f in repo_files if f.lang in ("typescript", "tsx")}
        mounts += [
            m
            for f in repo_files
            if f.lang in ("typescript", "tsx") and ".use(" in f.text
            for m in _express_mounts(f, ts_paths)
        ]
        for path, (prefix, replaces) in _chain(mounts).items():
            prefixes[(repo, path)] = prefix
            if replaces:
                replaced[(repo, path)] = replaces
        modules = _go_modules(repo_files)
        package_names = {  # folder -> the package its files declare
            PurePosixPath(f.path).parent.as_posix(): m.group(1)
            for f in repo_files
            if modules
            and f.lang == "go"
            and not f.path.endswith("_test.go")
            and (m := re.search(r"(?m)^package\s+(\w+)", f.text))
        }
        for f in repo_files:
            if f.lang == "go" and not f.path.endswith("_test.go") and any(f'"{m}' in f.text for m in modules):
                for folder, func, prefix in _go_mounts(f, modules, package_names):
                    go_funcs.setdefault((repo, folder, func), prefix)
        for f in repo_files:
            if f.lang in ("typescript", "tsx") and (m := _NEST_PREFIX.search(f.text)):
                nest.setdefault((repo, module_of(f.path, build_dirs.get(repo, set()))), m.group(1))
    if not prefixes and not nest and not go_funcs:
        return units
    spans = {  # (repo, folder, function) -> [(path, span)] of the Go functions mounted with a prefix
        (u.source.repo, PurePosixPath(u.path).parent.as_posix(), u.name): (u.path, u.span)
        for u in units
        if u.lang == "go" and u.kind == "method" and u.scope == "file"
    }
    inside: dict[tuple[str, str], list[tuple[int, int, str]]] = {}  # (repo, path) -> [(first, last, prefix)]
    for key, prefix in go_funcs.items():
        if key in spans:
            path, (a, b) = spans[key]
            inside.setdefault((key[0], path), []).append((a, b, prefix))
    out = []
    for u in units:
        extra = ""
        path = u.http["path"] if u.kind == "endpoint" and u.http else ""
        if u.kind == "endpoint" and u.http and u.lang == "go":
            extra = next((p for a, b, p in inside.get((u.source.repo, u.path), []) if a <= u.span[0] <= b), "")
        elif u.kind == "endpoint" and u.http:
            if u.lang == "python" or (u.lang in ("typescript", "tsx") and u.scope == "file"):  # Express's
                extra = prefixes.get((u.source.repo, u.path), "")
                own = replaced.get((u.source.repo, u.path), "")
                own = join_http_path(own, "") if own.strip("/") else ""
                if own and (path + "/").startswith(own + "/"):
                    path = path[len(own) :] or "/"  # Flask: url_prefix= replaces the blueprint's
            elif u.lang in ("typescript", "tsx") and u.scope == "class":  # a Nest controller's
                extra = nest.get((u.source.repo, u.module), "")
        if extra.strip("/") or (path and path != u.http["path"]):
            u = u.model_copy(update={"http": {**u.http, "path": join_http_path(extra, path)}})
        out.append(u)
    return out


def _go_modules(files: list[SourceFile]) -> dict[str, str]:
    """Module path -> its folder in the repository ('.' for the root), from every go.mod."""
    out = {}
    for f in files:
        if PurePosixPath(f.path).name == "go.mod" and (m := re.search(r"(?m)^module\s+(\S+)", f.text)):
            out[m.group(1)] = PurePosixPath(f.path).parent.as_posix()
    return out


def _go_mounts(f: SourceFile, modules: dict[str, str], names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(package folder, function, prefix) for each `pkg.Func(group)` call of the file where `pkg` is
    a package of the repository and `group` has a prefix in this file."""
    from minions.parsing.go import _Prefixes, _scope_of  # the file's own router prefixes
    from minions.parsing.languages import FileContext

    src = f.text.encode()
    root = get_parser("go").parse(src).root_node

    def text(n: Node) -> str:
        return src[n.start_byte : n.end_byte].decode("utf-8", "replace")

    packages: dict[str, str] = {}  # local name -> folder
    for spec in walk(root, {"import_spec"}):
        path_node, alias = spec.child_by_field_name("path"), spec.child_by_field_name("name")
        path = text(path_node).strip('"`') if path_node is not None else ""
        for module, folder in modules.items():
            if path == module or path.startswith(module + "/"):
                rest = path[len(module) :].strip("/")
                target = "/".join(p for p in (folder if folder != "." else "", rest) if p) or "."
                # bound by its alias, else by its package clause (`.../users/v2` is package users)
                local = text(alias) if alias is not None else names.get(target, path.rsplit("/", 1)[-1])
                packages[local] = target
    if not packages:
        return []
    prefixes = _Prefixes(root, FileContext(file=f, module="", src=src))
    out = []
    for call in walk(root, {"call_expression"}):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            continue
        folder = packages.get(text(fn.child_by_field_name("operand")))
        args = call.child_by_field_name("arguments")
        if folder is None or args is None:
            continue
        for a in args.named_children:
            if a.type != "comment" and (prefix := prefixes.prefix(a, _scope_of(call))).strip("/"):
                out.append((folder, text(fn.child_by_field_name("field")), prefix))
                break
    return out


def _chain(mounts: list[_Mount]) -> dict[str, tuple[str, str]]:
    """Each included module's whole prefix (its own mount's after its includer's, followed up the chain)
    and the own prefix its mount replaces. A router mounted twice (`/v1` and `/v2`), or in a cycle,
    keeps what the first mount gives: an endpoint unit has one path."""
    parent_of: dict[str, _Mount] = {}
    for m in mounts:
        parent_of.setdefault(m.child, m)

    def whole(path: str, seen: frozenset[str]) -> str:
        m = parent_of.get(path)
        if m is None or path in seen:
            return ""
        return join_http_path(whole(m.parent, seen | {path}), m.prefix)

    return {child: (whole(child, frozenset()), m.replaces) for child, m in parent_of.items()}


def _python_mounts(f: SourceFile, py_paths: set[str], files_by_path: dict[str, SourceFile]) -> list[_Mount]:
    src = f.text.encode()
    root = get_parser("python").parse(src).root_node

    def text(n: Node) -> str:
        return src[n.start_byte : n.end_byte].decode("utf-8", "replace")

    from minions.parsing.languages import FileContext
    from minions.parsing.python import _routers  # the routers a module makes, with their own prefixes

    imported = _imports(root, text, f.path, py_paths)
    own = _routers(root, FileContext(file=f, module="", src=src))
    out = []
    for n in walk(root, {"call"}):  # in source order: the first mount of a module counts
        fn = n.child_by_field_name("function")
        if fn is None or fn.type != "attribute":
            continue
        keyword = _PY_MOUNTS.get(text(fn.child_by_field_name("attribute")))
        args = n.child_by_field_name("arguments")
        if keyword is None or args is None or not args.named_children:
            continue
        target = args.named_children[0]
        # items.router -> the module bound to `items` (or to `routers.items`); router (imported by name) -> its module
        name = text(target.child_by_field_name("object")) if target.type == "attribute" else text(target)
        child = imported.get(name)
        if child is None:
            continue
        prefix, given = "", False
        for a in args.named_children[1:]:
            if a.type == "keyword_argument" and text(a.child_by_field_name("name")) == keyword:
                value = a.child_by_field_name("value")
                literal = re.fullmatch(r"""[rRuU]?(["'])([^"'{}]*)\1""", text(value)) if value is not None else None
                prefix, given = (literal.group(2) if literal else ""), True
        receiver = own.get(text(fn.child_by_field_name("object")), "")  # api_router = APIRouter(prefix="/api")
        replaces = ""
        if keyword == "url_prefix" and given:  # Flask: the option replaces the blueprint's own url_prefix
            replaces = _own_prefix(child, name, target, text, files_by_path)
        out.append(_Mount(f.path, child, join_http_path(receiver, prefix), replaces))
    return out


def _own_prefix(child: str, name: str, target: Node, text, files_by_path: dict[str, SourceFile]) -> str:
    """The prefix the included router was made with in its own module (`Blueprint(url_prefix=...)`)."""
    from minions.parsing.languages import FileContext
    from minions.parsing.python import _routers

    f = files_by_path.get(child)
    if f is None:
        return ""
    var = text(target.child_by_field_name("attribute")) if target.type == "attribute" else name
    src = f.text.encode()
    routers = _routers(get_parser("python").parse(src).root_node, FileContext(file=f, module="", src=src))
    return routers.get(var, "")


_TS_SUFFIXES = ("", ".ts", ".tsx", ".mts", ".js", "/index.ts", "/index.tsx", "/index.js")


def _express_mounts(f: SourceFile, ts_paths: set[str]) -> list[_Mount]:
    """`X.use([path,] Y, ...)` where `Y` (or `Y.router`) is imported from a repository file."""
    from minions.parsing.languages import FileContext
    from minions.parsing.typescript import _constants, _Express  # the file's own routers and prefixes

    src = f.text.encode()
    root = get_parser("tsx" if f.lang == "tsx" else "typescript").parse(src).root_node
    ctx = FileContext(file=f, module="", src=src)

    def text(n: Node) -> str:
        return src[n.start_byte : n.end_byte].decode("utf-8", "replace")

    here = PurePosixPath(f.path).parent
    imported: dict[str, str] = {}
    for n in walk(root, {"import_statement", "variable_declarator"}):
        source = n.child_by_field_name("source")
        if n.type == "variable_declarator":  # const r = require("./r")
            value = n.child_by_field_name("value")
            call = value if value is not None and value.type == "call_expression" else None
            if call is None or text(call.child_by_field_name("function")) != "require":
                continue
            args = call.child_by_field_name("arguments")
            source = args.named_children[0] if args is not None and args.named_children else None
            names = [n.child_by_field_name("name")]
        else:
            names = [c for c in walk(n, {"identifier"}) if c.parent is not None and c.parent.type != "import_specifier"]
            names += [
                c.child_by_field_name("alias") or c.child_by_field_name("name") for c in walk(n, {"import_specifier"})
            ]
        found = _ts_file(text(source), here, ts_paths) if source is not None and source.type == "string" else None
        for name in names:
            if found and name is not None:
                imported[text(name)] = found
    if not imported:
        return []
    routers = _Express(root, ctx, _constants(root, ctx))
    out = []
    for call in walk(root, {"call_expression"}):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "member_expression" or text(fn.child_by_field_name("property")) != "use":
            continue
        args = call.child_by_field_name("arguments")
        values = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        path = text(values[0]).strip("'\"`") if values and values[0].type == "string" else ""
        receiver = _bound_name(call, fn.child_by_field_name("object"), text)
        # the router is the last argument (middleware comes before it): a name imported from a repository
        # file, `ns.router`, or `require("./users")` written in place
        last = values[-1] if values else None
        if last is None:
            continue
        if last.type == "call_expression" and text(last.child_by_field_name("function")) == "require":
            spec = last.child_by_field_name("arguments")
            found = _ts_file(
                text(spec.named_children[0]) if spec is not None and spec.named_children else "", here, ts_paths
            )
        else:
            name = text(last.child_by_field_name("object")) if last.type == "member_expression" else text(last)
            found = imported.get(name)
        if found:
            out.append(_Mount(f.path, found, join_http_path(routers.prefix(receiver), path)))
    return out


def _ts_file(spec: str, here: PurePosixPath, ts_paths: set[str]) -> str | None:
    """The repository file a relative module specifier names (`./users`, `../routes/index`), else None."""
    spec = spec.strip("'\"`")
    if not spec.startswith("."):
        return None  # a package, or a path alias: not resolved
    parts: list[str] = []
    for part in (here / spec).as_posix().split("/"):  # ./a/../b -> b
        if part == "..":
            parts = parts[:-1]
        elif part not in (".", ""):
            parts.append(part)
    stem = "/".join(parts)
    return next((stem + s for s in _TS_SUFFIXES if stem + s in ts_paths), None)


def _bound_name(call: Node, receiver: Node, text) -> str:
    """The router a `.use(...)` call mounts on: the receiver's name, or for a chain on a new router
    (`Router().use(a).use(b)`) the name the whole chain is bound to (`default` when exported so)."""
    if receiver.type in ("identifier", "member_expression"):
        return text(receiver)
    top = call
    while top.parent is not None and top.parent.type in ("member_expression", "call_expression"):
        top = top.parent
    parent = top.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name"))
    return text(receiver)


def _imports(root: Node, text, path: str, py_paths: set[str]) -> dict[str, str]:
    """Local name -> the repository file it names, for `from .routers import items`, `from
    app.api.routes.items import router`, `import app.routers.users as users` (resolved when exactly
    one file fits)."""
    here = PurePosixPath(path).parent
    out: dict[str, str] = {}
    for stmt in walk(root, {"import_from_statement", "import_statement"}):  # in a factory function too
        if stmt.type == "import_from_statement":
            module = stmt.child_by_field_name("module_name")
            if module is None:
                continue
            dotted = text(module)
            for item in stmt.children_by_field_name("name"):
                name_node = item.child_by_field_name("name") if item.type == "aliased_import" else item
                alias_node = item.child_by_field_name("alias") if item.type == "aliased_import" else item
                local, imported = text(alias_node), text(name_node)
                # `from .routers import items`: a module `items`; `from .routers.items import router`: `router` in it
                joined = f"{dotted}{imported}" if not dotted.strip(".") else f"{dotted}.{imported}"  # `from . import x`
                found = _resolve(joined, here, py_paths) or _resolve(dotted, here, py_paths)
                if found:
                    out[local] = found
        elif stmt.type == "import_statement":
            for item in stmt.named_children:
                if item.type == "aliased_import":  # import app.routers.users as users
                    found = _resolve(text(item.child_by_field_name("name")), here, py_paths)
                    if found:
                        out[text(item.child_by_field_name("alias"))] = found
                elif item.type == "dotted_name" and (found := _resolve(text(item), here, py_paths)):
                    out[text(item)] = found  # import routers.users: used as routers.users.router
    return out


def _resolve(dotted: str, here: PurePosixPath, py_paths: set[str]) -> str | None:
    """The file a module name names: relative (`.routers.items`, from the importing file's folder) or
    absolute (the one file whose path ends with `app/api/routes/items.py`)."""
    level = len(dotted) - len(dotted.lstrip("."))
    parts = [p for p in dotted.lstrip(".").split(".") if p]
    if level:
        base = here
        for _ in range(level - 1):
            base = base.parent
        stem = "/".join([*([base.as_posix()] if base.as_posix() != "." else []), *parts])
        candidates = [f"{stem}.py", f"{stem}/__init__.py"]
        found = [c for c in candidates if c in py_paths]
        return found[0] if found else None
    if not parts:
        return None
    tail = "/".join(parts)
    for name in (f"{tail}.py", f"{tail}/__init__.py"):  # a module, else a package
        found = [p for p in py_paths if p == name or p.endswith(f"/{name}")]
        if found:
            return found[0] if len(found) == 1 else None
    return None
