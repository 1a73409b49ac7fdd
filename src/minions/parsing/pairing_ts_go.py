"""Pairing for TypeScript and Go tests, where the rules of `pairing.py` need other candidates.

`pair_ts_go(units)` runs after `pairing.pair_tests` and links each TypeScript (and TSX) and Go test
again, over the candidates the language's conventions give; other languages' units pass through
unchanged, and an explicit link found by `pair_tests` is kept. The rules are tried in the order
explicit, name, http, call: a test that sends a request to a route tests that endpoint, and the
functions it calls on the way (`setupRouter()`, `NewServer()`) are its set-up.

- TypeScript: the focal units are the methods of the class its outermost `describe` names
  (`describe("OrderService")`, `describe(OrderService.name)`), else the units of the file with the
  test file's stem (`orders.test.ts`, `orders.spec.ts`, `__tests__/orders.ts` -> `orders.ts`;
  nearest folder first). Name: a `describe` or `it` title, innermost first, that starts with a focal
  unit's name (`describe("cancelOrder")`, `describe("#cancelOrder()")`, `it("cancelOrder refunds")`).
- Go: the focal units are the functions and methods of the test's package, that is its folder
  (`orders_test.go` and `package orders_test` included). Name: `TestService_Cancel`,
  `TestServiceCancel`, `TestCancel`, `TestCancel_refunds` name `Service.Cancel` or `Cancel`; the
  longest match wins, then the one in the file the test file is named after (`service_test.go` ->
  `service.go`). Call: the functions of that file first, then the package's.
- http, both: the requests a test sends, matched against the endpoints of its repository (the nearest
  by folder when several match; none when the test registers routes itself; for Go, only routes of
  the test's folder or of a package its file imports): supertest
  and friends `request(app).get('/api/x')` (any quotes; `${...}` stands for one path segment), Go
  `httptest.NewRequest("GET", "/api/x", nil)`, `http.NewRequest(http.MethodGet, srv.URL+"/x", nil)`,
  `http.Get(srv.URL + "/x")`, and what `pairing._HTTP_CALL` reads. An `ANY` endpoint takes any verb.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

from minions.parsing.pairing import _HTTP_CALL, _by_call, _path_regex, focal_class_name
from minions.parsing.typescript import file_stem, is_test_file
from minions.records import CodeUnit, PairLink

TS_LANGS = {"typescript", "tsx"}
LANGS = TS_LANGS | {"go"}

_TS_REQUEST = re.compile(r"\.(get|post|put|delete|patch|head|options)\(\s*([\"'`])(/[^\"'`]*)\2", re.IGNORECASE)
_GO_NEW_REQUEST = re.compile(
    r"\b(?:httptest\.NewRequest|http\.NewRequest|http\.NewRequestWithContext)\(\s*(?:[\w.()]+\s*,\s*)?"
    r"(?:\"(\w+)\"|http\.Method(\w+))\s*,\s*(?:[\w.]+\s*\+\s*)?\"((?:https?://[^/\"]*)?/[^\"]*)\""
)
_GO_CLIENT_CALL = re.compile(
    r"\bhttp\.(Get|Head|Post|PostForm)\(\s*(?:[\w.]+\s*\+\s*)?\"((?:https?://[^/\"]*)?/[^\"]*)\""
)
# a route registration (a path, then a handler) in the test's own code: `r.Get("/x", h)`, `app.get('/x', (req, res) =>`
_ROUTE_IN_TEST = re.compile(
    r"\.(?:get|post|put|delete|patch|all|GET|POST|PUT|DELETE|PATCH|Any|Get|Post|Put|Delete|Patch|HandleFunc|Handle)"
    r"\(\s*([\"'`])/[^\"'`]*\1\s*,"
)
_GO_IMPORT_BLOCK = re.compile(r"^import\s*\(([^)]*)\)", re.MULTILINE)
_GO_IMPORT_PATH = re.compile(r"\"([^\"\s]+)\"")
_GO_IMPORT_LINE = re.compile(r"^import\s+(?:[\w.]+\s+)?\"([^\"\s]+)\"", re.MULTILINE)
_TEMPLATE_PART = re.compile(r"\$\{[^}]*\}")


def _family(lang: str) -> str:
    return "typescript" if lang in TS_LANGS else lang


def requests(test: CodeUnit) -> list[tuple[str, str]]:
    """(VERB, path) of each HTTP request the test's code sends, in order."""
    out: list[tuple[int, str, str]] = []
    code = test.code
    if test.lang in TS_LANGS:
        for m in _TS_REQUEST.finditer(code):
            out.append((m.start(), m.group(1).upper(), _TEMPLATE_PART.sub("x", m.group(3))))
    if test.lang == "go":
        for m in _GO_NEW_REQUEST.finditer(code):
            out.append((m.start(), (m.group(1) or m.group(2)).upper(), m.group(3)))
        for m in _GO_CLIENT_CALL.finditer(code):
            verb = "POST" if m.group(1) == "PostForm" else m.group(1).upper()
            out.append((m.start(), verb, m.group(2)))
    for m in _HTTP_CALL.finditer(code):
        out.append((m.start(), m.group(1).upper(), m.group(2)))
    paths = []
    for _, verb, path in sorted(out):
        path = re.sub(r"^https?://[^/]*", "", path).split("?")[0].split("#")[0]
        paths.append((verb, path or "/"))
    return paths


def _go_imports(test: CodeUnit) -> list[str]:
    """The import paths of a Go test's file (its context is the file with bodies elided)."""
    out = []
    for block in _GO_IMPORT_BLOCK.findall(test.context):
        out += _GO_IMPORT_PATH.findall(block)
    return out + _GO_IMPORT_LINE.findall(test.context)


def _go_reaches(test: CodeUnit, endpoint: CodeUnit) -> bool:
    """A Go test reaches routes registered in its own folder, or in a package it imports."""
    folder = PurePosixPath(endpoint.path).parent.as_posix()
    if folder == PurePosixPath(test.path).parent.as_posix():
        return True
    return folder != "." and any(p == folder or p.endswith("/" + folder) for p in _go_imports(test))


def _by_http(test: CodeUnit, endpoints: list[CodeUnit]) -> CodeUnit | None:
    """The endpoint the test's first matching request reaches; the nearest one (by folder) when several do."""
    if _ROUTE_IN_TEST.search(test.code):
        return None  # the test sends its requests to routes it registers itself
    for verb, path in requests(test):
        hits = [
            e
            for e in endpoints
            if e.http
            and e.http["method"] in (verb, "ANY")
            and _path_regex(e.http["path"]).match(path)
            and (test.lang != "go" or _go_reaches(test, e))
        ]
        if hits:
            return max(hits, key=lambda e: (_common_depth(test.path, e.path), _family(e.lang) == _family(test.lang)))
    return None


def _boundary(rest: str) -> bool:
    return not rest or rest[0] in "_ (.:,-" or rest[0].isupper() or rest[0].isdigit()


def _ts_by_name(test: CodeUnit, focal: list[CodeUnit]) -> CodeUnit | None:
    names = {}
    for m in focal:
        names.setdefault(m.name, m)
    titles = (test.signature or test.name).split(" › ")
    for title in reversed(titles):
        t = title.strip().lstrip("#.:")
        best = None
        for n, m in names.items():
            if t.startswith(n) and _boundary(t[len(n) :]) and (best is None or len(n) > len(best.name)):
                best = m
        if best is not None:
            return best
    return None


def _go_file(test: CodeUnit) -> str:
    """`orders/service_test.go` -> `orders/service.go`: the file a Go test file is named after."""
    return test.path.removesuffix("_test.go") + ".go"


def _go_by_name(test: CodeUnit, focal: list[CodeUnit]) -> CodeUnit | None:
    """The longest `Type_Method`, `TypeMethod` or `Name` the test's name starts with; on a tie, the one
    in the file the test file is named after, then the one with the same case."""
    stem = test.name[len("Test") :].lstrip("_") if test.name.startswith("Test") else test.name
    best, best_score = None, (0, False, False)
    for m in focal:
        keys = [m.name]
        if m.scope == "class" and m.class_name:
            keys += [f"{m.class_name}_{m.name}", f"{m.class_name}{m.name}"]
        for k in keys:
            if stem.lower().startswith(k.lower()) and _boundary(stem[len(k) :]):
                score = (len(k), m.path == _go_file(test), stem.startswith(k))
                if score > best_score:
                    best, best_score = m, score
    return best


def _common_depth(a: str, b: str) -> int:
    pa, pb = PurePosixPath(a).parent.parts, PurePosixPath(b).parent.parts
    n = 0
    while n < min(len(pa), len(pb)) and pa[n] == pb[n]:
        n += 1
    return n


class _Index:
    def __init__(self, units: list[CodeUnit]):
        self.by_class: dict[tuple[str, str, str], list[CodeUnit]] = defaultdict(list)
        self.by_stem: dict[tuple[str, str, str], list[CodeUnit]] = defaultdict(list)
        self.by_dir: dict[tuple[str, str, str], list[CodeUnit]] = defaultdict(list)
        self.endpoints: dict[str, list[CodeUnit]] = defaultdict(list)
        for u in units:
            if u.kind == "endpoint":
                self.endpoints[u.source.repo].append(u)
            if u.kind != "method" or u.lang not in LANGS:
                continue
            key = (u.source.repo, _family(u.lang))
            if u.class_name and u.scope == "class":
                self.by_class[(*key, u.class_name)].append(u)
            if u.lang in TS_LANGS and not is_test_file(u.path):
                self.by_stem[(*key, file_stem(u.path))].append(u)
            if u.lang == "go":
                self.by_dir[(*key, PurePosixPath(u.path).parent.as_posix())].append(u)

    def focal(self, test: CodeUnit) -> list[CodeUnit]:
        key = (test.source.repo, _family(test.lang))
        if test.lang == "go":
            return self.by_dir.get((*key, PurePosixPath(test.path).parent.as_posix()), [])
        if test.scope == "class" and (hit := self.by_class.get((*key, focal_class_name(test)))):
            return hit
        same_stem = self.by_stem.get((*key, file_stem(test.path)), [])
        if not same_stem:
            return []
        nearest = max(_common_depth(test.path, u.path) for u in same_stem)
        return [u for u in same_stem if _common_depth(test.path, u.path) == nearest]


def pair_ts_go(units: list[CodeUnit]) -> list[CodeUnit]:
    """The same units, TypeScript and Go tests linked again by their languages' conventions."""
    index = _Index(units)
    out = []
    for u in units:
        if u.kind != "test" or u.lang not in LANGS:
            out.append(u)
            continue
        link = next((p for p in u.pairs if p.rule == "explicit"), None)
        focal = index.focal(u)
        by_name = _go_by_name if u.lang == "go" else _ts_by_name
        if link is None and (m := by_name(u, focal)):
            link = PairLink(focal_id=m.id, rule="name")
        if link is None and (e := _by_http(u, index.endpoints.get(u.source.repo, []))):
            link = PairLink(focal_id=e.id, rule="http")
        same_file = [m for m in focal if m.path == _go_file(u)] if u.lang == "go" else []
        if link is None and (m := _by_call(u, same_file) or _by_call(u, focal)):
            link = PairLink(focal_id=m.id, rule="call")
        out.append(u.model_copy(update={"pairs": [link] if link else []}))
    return out
