"""Link each test to the code it tests. Rules, tried in order, the first hit wins:

- explicit: the test's doc names its focal method (`@see OrderService#cancelOrder`);
- name: the test is named after a method of the focal class (`cancelOrder_refunds`, `testCancelOrder`);
- call: the test calls methods of the focal class; the one it calls most;
- http: the test sends a request (`get("/api/orders/42")`, `client.get(f"/items/{id}")`,
  `client.get(app.url_path_for("read_item"))`) that an endpoint maps.

The focal class of `OrderServiceTest` is `OrderService`; of `test_pricing.py`, the module `pricing`; a
class of the test's own package first (`a.UtilTest` tests `a.Util`, not `b.Util`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from minions.records import CodeUnit, PairLink

_SEE = re.compile(r"@see\s+(\w+)#(\w+)")
# `get("/api/orders/42")`, `client.post('/items/')`, `client.get(f"/items/{item.id}")`: (verb, path)
_HTTP_CALL = re.compile(r"\b(get|post|put|delete|patch)\(\s*f?[\"'](/[^\"']*)[\"']")
# FastAPI/Starlette: `client.get(app.url_path_for("read_item", item_id=1))`: (verb, route name)
_URL_FOR = re.compile(r"\b(get|post|put|delete|patch)\(\s*[\w.]*\.url_path_for\(\s*[\"'](\w+)[\"']")
_TEMPLATE = re.compile(r"\{[^{}/]*\}")


def focal_class_name(test: CodeUnit) -> str:
    name = test.class_name or ""
    if test.lang == "python" and name.startswith("test_"):
        return name[len("test_") :]
    if test.lang == "python" and name.endswith("_test"):
        return name[: -len("_test")]
    for suffix in ("Tests", "Test", "IT", "Spec"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name[4:] if name.startswith("Test") else name


def _by_name(test: str, methods: list[CodeUnit]) -> CodeUnit | None:
    stem = re.sub(r"^test_?", "", test, flags=re.IGNORECASE)
    best = None
    for m in methods:
        n = m.name
        if stem.lower().startswith(n.lower()):
            rest = stem[len(n) :]
            if (not rest or rest[0] == "_" or rest[0].isupper()) and (best is None or len(n) > len(best.name)):
                best = m
    return best


def _by_call(test: CodeUnit, methods: list[CodeUnit]) -> CodeUnit | None:
    names = {m.name: m for m in methods}
    counts = Counter(c for c in test.calls if c in names)
    if not counts:
        return None
    return names[counts.most_common(1)[0][0]]


def _path_regex(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(path)) + "/?$")


def _by_http(test: CodeUnit, endpoints: list[CodeUnit]) -> CodeUnit | None:
    """The endpoint of the test's first request that one maps: by verb (an `ANY` endpoint takes every
    verb) and path (an f-string's `{...}` parts match one segment), or by route name (`url_path_for`)."""
    requests = [(m.start(), m.group(1).upper(), m.group(2), None) for m in _HTTP_CALL.finditer(test.code)]
    requests += [(m.start(), m.group(1).upper(), None, m.group(2)) for m in _URL_FOR.finditer(test.code)]
    for _, verb, path, route in sorted(requests):
        for e in endpoints:
            if not e.http or e.http["method"] not in (verb, "ANY"):
                continue
            if route is not None and e.name == route:
                return e
            if path is not None and _path_regex(e.http["path"]).match(_TEMPLATE.sub("x", path.split("?")[0])):
                return e
    return None


def _in_package(candidates: list[CodeUnit], package: str) -> list[CodeUnit]:
    """Members of the focal class in the test's package; else of the one package holding a class of
    that name (tests may sit elsewhere); none when several packages do (`a.UtilTest`, `b.Util`, `c.Util`)."""
    same = [m for m in candidates if m.package == package]
    if same:
        return same
    return candidates if len({m.package for m in candidates}) == 1 else []


def pair_tests(units: list[CodeUnit]) -> list[CodeUnit]:
    """The same units, each test carrying the link to its focal unit (if one is found)."""
    methods: dict[tuple[str, str, str], list[CodeUnit]] = defaultdict(list)
    for u in units:
        if u.kind == "method" and u.class_name:
            methods[(u.source.repo, u.lang, u.class_name)].append(u)
    endpoints = [u for u in units if u.kind == "endpoint"]
    out = []
    for u in units:
        if u.kind != "test":
            out.append(u)
            continue
        focal = _in_package(methods.get((u.source.repo, u.lang, focal_class_name(u)), []), u.package)
        link = None
        see = _SEE.search(u.doc)
        if see:
            named = _in_package(methods.get((u.source.repo, u.lang, see.group(1)), []), u.package)
            hit = [m for m in named if m.name == see.group(2)]
            link = PairLink(focal_id=hit[0].id, rule="explicit") if hit else None
        if link is None and (m := _by_name(u.name, focal)):
            link = PairLink(focal_id=m.id, rule="name")
        if link is None and (m := _by_call(u, focal)):
            link = PairLink(focal_id=m.id, rule="call")
        if link is None and (e := _by_http(u, [e for e in endpoints if e.source.repo == u.source.repo])):
            link = PairLink(focal_id=e.id, rule="http")
        out.append(u.model_copy(update={"pairs": [link] if link else []}))
    return out
