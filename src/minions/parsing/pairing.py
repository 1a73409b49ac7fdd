"""Link each test to the code it tests. Rules, tried in order, the first hit wins:

- explicit: the test's doc names its focal method (`@see OrderService#cancelOrder`);
- name: the test is named after a method of the focal class (`cancelOrder_refunds`, `testCancelOrder`);
- call: the test calls methods of the focal class; the one it calls most;
- http: the test sends a request (`get("/api/orders/42")`) that an endpoint maps.

The focal class of `OrderServiceTest` is `OrderService`; of `test_pricing.py`, the module `pricing`; a
class of the test's own package first (`a.UtilTest` tests `a.Util`, not `b.Util`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from minions.records import CodeUnit, PairLink

_SEE = re.compile(r"@see\s+(\w+)#(\w+)")
_HTTP_CALL = re.compile(r"\b(get|post|put|delete|patch)\(\s*\"(/[^\"]*)\"")


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
    for verb, path in _HTTP_CALL.findall(test.code):
        for e in endpoints:
            if e.http and e.http["method"] == verb.upper() and _path_regex(e.http["path"]).match(path.split("?")[0]):
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
