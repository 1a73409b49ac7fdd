"""Link each test to the code it tests, strongest evidence first; the rule that found it is recorded.

- explicit: the test names its focal class in code: `@see OrderService#cancelOrder` (the method too),
  `@WebMvcTest(OrderController.class)`, `@InjectMocks OrderService service`,
  `@SpringBootTest(classes = OrderService.class)` (the focal method: the one the test is named after,
  else the one it calls most); or, for a test class not named after any class, a type it constructs
  in a field or its set-up method (`new OrderService(...)` in `@BeforeEach`/`setUp`) that has a method
  the test is named after (collaborators and fakes are constructed too, so a name must agree);
- name: the test class is named after the focal class (`OrderServiceTest`, `...Tests`, `...IT`,
  `...Spec`, `TestOrderService`, `test_pricing.py`, `pricing_test.py`) and the test after one of its
  methods (`cancelOrder_refunds`, `testCancelOrder`, Kotlin's `` `cancelOrder refunds` ``);
- http: the test sends a request that an endpoint maps: MockMvc and RestAssured `get("/api/x")`,
  TestRestTemplate `getForEntity("/x")`/`exchange("/x", HttpMethod.PUT, ...)`, WebTestClient
  `.get().uri("/x")`, Python clients `client.get(f"/items/{id}")` and `url_path_for("route")`; a path
  built from string constants of the test class (`BASE + "/1"`) is resolved; `{...}` parts match one
  segment; an `ANY` endpoint takes every verb;
- call: the focal class named after the test class, the method the test calls most.

A class of the test's own package comes first (`a.UtilTest` tests `a.Util`, not `b.Util`); a focal
interface stands for its one implementation in the repository (none when there are several).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from minions.records import CodeUnit, PairLink

_SEE = re.compile(r"@see\s+(\w+)#(\w+)")
_EVIDENCE = [
    re.compile(r"@WebMvcTest\(\s*(?:(?:controllers|value)\s*=\s*)?[{\[]?\s*(\w+)(?:\.class|::class)"),
    re.compile(r"@SpringBootTest\(\s*classes\s*=\s*[{\[]?\s*(\w+)(?:\.class|::class)"),
    re.compile(r"@InjectMocks\s+(?:(?:private|protected|public|final|lateinit|var|val)\s+)*(?:\w+\s*:\s*)?(\w+)"),
]
_CONSTRUCTED = re.compile(r"\bnew\s+(\w+)\s*(?:<[^>]*>)?\s*\(")
_SETUP = re.compile(r"@(?:BeforeEach|Before|BeforeAll|BeforeClass)\b|\bdef setUp\b|\bfun setUp\b|\bvoid setUp\b")
_PART = r"(?:\"[^\"]*\"|[A-Za-z_][\w.]*)"
# `NAME = "/api"` or `NAME = BASE + "/x"` (a plain `a = b` is no string constant)
_STRING_CONST = re.compile(
    r"\b([A-Za-z_]\w*)\s*=\s*(\"[^\"]*\"(?:\s*\+\s*" + _PART + r")*|" + _PART + r"(?:\s*\+\s*" + _PART + r")+)\s*;"
)
# a path expression: string literals and constant names joined by `+`
_EXPR = r"(" + _PART + r"(?:\s*\+\s*" + _PART + r")*)"
_JVM_REQUESTS = [
    # MockMvc (get(...)), RestAssured (.get(...)), TestRestTemplate (.delete(...)/.put(...))
    (re.compile(r"\b(get|post|put|delete|patch)\(\s*" + _EXPR), None),
    (re.compile(r"\b(get|post|put|delete|patch)For(?:Entity|Object)\(\s*" + _EXPR), None),
    (re.compile(r"\bexchange\(\s*" + _EXPR + r"\s*,\s*HttpMethod\.(\w+)"), "exchange"),
    (re.compile(r"\.(get|post|put|delete|patch)\(\)\s*\.uri\(\s*" + _EXPR), None),
]
# `get("/api/orders/42")`, `client.post('/items/')`, `client.get(f"/items/{item.id}")`: (verb, path)
_HTTP_CALL = re.compile(r"\b(get|post|put|delete|patch)\(\s*f?[\"'](/[^\"']*)[\"']")
# an f-string led by a base the test reads from settings: `client.get(f"{settings.API_V1_STR}/items/{id}")`;
# the base is dropped (an app's router prefix from settings is not in its endpoints' paths either)
_BASED_CALL = re.compile(r"\b(get|post|put|delete|patch)\(\s*f[\"']\{[^{}\"']*\}(/[^\"']*)[\"']")
# FastAPI/Starlette: `client.get(app.url_path_for("read_item", item_id=1))`: (verb, route name)
_URL_FOR = re.compile(r"\b(get|post|put|delete|patch)\(\s*[\w.]*\.url_path_for\(\s*[\"'](\w+)[\"']")
# what every request pattern above starts with
_ANY_REQUEST = re.compile(r"\b(?:get|post|put|delete|patch)(?:For(?:Entity|Object))?\(|\bexchange\(")
# one of them is in every match of _ANY_REQUEST (a substring test is many times faster than the regex)
_REQUEST_WORDS = ("get(", "post(", "put(", "delete(", "patch(", "ForEntity(", "ForObject(", "exchange(")
# a test that maps its own routes (`@app.route("/")` on a nested view, `app.add_url_rule`) requests those
_OWN_ROUTES = re.compile(
    r"@\w+\.route\(|@(?:app|api|router|bp|blueprint|\w+_(?:app|router|bp)|\w+Router)\.(?:get|post|put|delete|patch)\("
    r"|\.add_url_rule\(|\.add_api_route\("
)
_TEMPLATE = re.compile(r"\{[^{}/]*\}")


def _maps_own_routes(code: str) -> bool:
    """`_OWN_ROUTES` found in the code; the substrings every match holds are looked for first."""
    if not (
        ("@" in code and any(w in code for w in (".route(", ".get(", ".post(", ".put(", ".delete(", ".patch(")))
        or ".add_url_rule(" in code
        or ".add_api_route(" in code
    ):
        return False
    return _OWN_ROUTES.search(code) is not None


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
            if (not rest or rest[0] in "_ " or rest[0].isupper()) and (best is None or len(n) > len(best.name)):
                best = m
    return best


def _by_call(test: CodeUnit, methods: list[CodeUnit]) -> CodeUnit | None:
    names = {m.name: m for m in methods}
    counts = Counter(c for c in test.calls if c in names)
    if not counts:
        return None
    return names[counts.most_common(1)[0][0]]


@lru_cache(maxsize=4096)
def _path_regex(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(path)) + "/?$")


def _resolve(expr: str, consts: dict[str, str]) -> str | None:
    """The value of `"/a" + BASE + "/b"`: literals and known constants; None when a part is unknown."""
    out = []
    for part in re.split(r"\s*\+\s*", expr):
        if part.startswith('"'):
            out.append(part[1:-1])
        elif part.rsplit(".", 1)[-1] in consts:
            out.append(consts[part.rsplit(".", 1)[-1]])
        else:
            return None
    return "".join(out)


@lru_cache(maxsize=256)
def _string_constants(context: str) -> dict[str, str]:
    """The string constants a test class declares (its tests share the context: computed once)."""
    consts: dict[str, str] = {}
    for name, expr in _STRING_CONST.findall(context):  # in order: a constant may use earlier ones
        if (value := _resolve(expr, consts)) is not None:
            consts[name] = value
    return consts


def requests(test: CodeUnit) -> list[tuple[str, str | None, str | None]]:
    """(VERB, path, route name) of each request the test sends, in order: a path (host, query and
    fragment dropped, `{...}` parts as `x`) or a route name (`url_path_for`)."""
    found: list[tuple[int, str, str | None, str | None]] = []
    if not any(w in test.code for w in _REQUEST_WORDS) or not _ANY_REQUEST.search(test.code):
        return []  # most tests send none: substring scans, then one regex scan, instead of five
        return []
    if test.lang in ("java", "kotlin"):
        consts = _string_constants(test.context)
        for pattern, kind in _JVM_REQUESTS:
            for m in pattern.finditer(test.code):
                verb, expr = (m.group(2), m.group(1)) if kind == "exchange" else (m.group(1), m.group(2))
                path = _resolve(expr, consts)
                if path is not None and "/" in path:
                    found.append((m.start(), verb.upper(), path, None))
    else:
        found += [(m.start(), m.group(1).upper(), m.group(2), None) for m in _HTTP_CALL.finditer(test.code)]
        found += [(m.start(), m.group(1).upper(), m.group(2), None) for m in _BASED_CALL.finditer(test.code)]
    found += [(m.start(), m.group(1).upper(), None, m.group(2)) for m in _URL_FOR.finditer(test.code)]
    out = []
    for _, verb, path, route in sorted(set(found)):
        if path is not None:
            path = re.sub(r"^https?://[^/]*", "", path).split("?")[0].split("#")[0] or "/"
            path = _TEMPLATE.sub("x", path)
        out.append((verb, path, route))
    return out


def _words(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)} - {"test", "should", "when"}


def _by_http(test: CodeUnit, endpoints: list[CodeUnit]) -> CodeUnit | None:
    """The endpoint of one of the test's requests (see `requests`): the one whose handler's name shares
    the most words with the test's name, else the first request's (a log-in before the request under
    test comes first but is not what `test_get_existing_user` tests)."""
    hits: list[CodeUnit] = []
    for verb, path, route in requests(test):
        for e in endpoints:
            if not e.http or e.http["method"] not in (verb, "ANY"):
                continue
            if (route is not None and e.name == route) or (
                path is not None and _path_regex(e.http["path"]).match(path)
            ):
                hits.append(e)
                break
    if not hits:
        return None
    words = _words(test.name)
    return max(hits, key=lambda e: len(words & _words(e.name)))  # max keeps the first of equals


def _annotated(test: CodeUnit) -> list[str]:
    """Classes the test class names in its annotations (`@WebMvcTest(X.class)`, `@InjectMocks X x`)."""
    return _annotated_in(test.context)


@lru_cache(maxsize=256)
def _annotated_in(context: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for p in _EVIDENCE for m in p.finditer(context)))


def _constructed(test: CodeUnit, setups: list[CodeUnit]) -> list[str]:
    """Types the test constructs in its fields or set-up methods (collaborators and fakes among them)."""
    names = _constructed_in(test.context) + [n for s in setups for n in _CONSTRUCTED.findall(s.code)]
    return list(dict.fromkeys(n for n in names if n != test.class_name))


@lru_cache(maxsize=256)
def _constructed_in(context: str) -> list[str]:
    return _CONSTRUCTED.findall(context) if "new" in context else []


def _implementations(units: list[CodeUnit]) -> dict[tuple[str, str, str], list[str]]:
    """(repo, lang, interface or base name) -> the classes that declare it in their header."""
    out: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for u in units:
        if u.kind != "class":
            continue
        brace = u.code.find("{")
        header = u.code[:brace] if brace >= 0 else u.code  # not split: that copies the whole class
        for sup in re.findall(r"\b(?:implements|extends)\s+([\w\s,.<>]+)|:\s*([\w\s,.<>()]+)$", header):
            for name in re.findall(r"\b([A-Z]\w*)\b(?![^<]*>)", " ".join(sup)):
                out[(u.source.repo, u.lang, name)].append(u.name)
    return out


def pair_tests(units: list[CodeUnit]) -> list[CodeUnit]:
    """The same units, each test carrying the link to its focal unit (if one is found)."""
    methods: dict[tuple[str, str, str], list[CodeUnit]] = defaultdict(list)
    setups: dict[tuple[str, str | None], list[CodeUnit]] = defaultdict(list)
    for u in units:
        if u.kind == "method" and u.class_name:
            methods[(u.source.repo, u.lang, u.class_name)].append(u)
            sig = u.signature
            if (("@Before" in sig or "setUp" in sig) and _SETUP.search(sig)) or u.name in ("setUp", "setup_method"):
                setups[(u.path, u.class_name)].append(u)
    impls = _implementations(units)
    endpoints = [u for u in units if u.kind == "endpoint"]

    by_package: dict[tuple[str, str, str, str], list[CodeUnit]] = defaultdict(list)
    for key, found in methods.items():
        for m in found:
            by_package[(*key, m.package)].append(m)
    packages = {key: {m.package for m in found} for key, found in methods.items()}

    def of_class(test: CodeUnit, cls: str) -> list[CodeUnit]:
        """Members of the class in the test's package; else of the one package holding a class of that
        name (tests may sit elsewhere); none when several do (`a.UtilTest`, `b.Util`, `c.Util`)."""
        key = (test.source.repo, test.lang, cls)
        same = by_package.get((*key, test.package))
        if same:
            return same
        return methods.get(key, []) if len(packages.get(key, ())) == 1 else []

    def members(test: CodeUnit, cls: str) -> list[CodeUnit]:
        found = of_class(test, cls)
        if not found and len(impl := impls.get((test.source.repo, test.lang, cls), [])) == 1:
            found = of_class(test, impl[0])
        return found

    # a test's requests reach the app of its own build module; where that module maps none (an
    # integration-test module), every endpoint of the repository (key `None`)
    endpoints_of: dict[tuple[str, str | None], list[CodeUnit]] = defaultdict(list)
    endpoints_in_file: dict[tuple[str, str], list[CodeUnit]] = defaultdict(list)
    for e in sorted(endpoints, key=lambda e: not (e.http or {}).get("handler")):  # served here first
        endpoints_of[(e.source.repo, e.module)].append(e)
        endpoints_of[(e.source.repo, None)].append(e)
        endpoints_in_file[(e.source.repo, e.path)].append(e)

    out = []
    for u in units:
        if u.kind != "test":
            out.append(u)
            continue
        link = None
        see = _SEE.search(u.doc) if "@see" in u.doc else None
        if see:
            hit = [m for m in members(u, see.group(1)) if m.name == see.group(2)]
            link = PairLink(focal_id=hit[0].id, rule="explicit") if hit else None
        for cls in _annotated(u) if link is None else []:
            focal = members(u, cls)
            if m := _by_name(u.name, focal) or _by_call(u, focal):
                link = PairLink(focal_id=m.id, rule="explicit")
                break
        named = focal_class_name(u)
        focal = members(u, named) if named != u.class_name else []  # not its own helpers
        if link is None and (m := _by_name(u.name, focal)):
            link = PairLink(focal_id=m.id, rule="name")
        # a test class not named after its focal class: a type it constructs that a test is named after
        for cls in _constructed(u, setups.get((u.path, u.class_name), [])) if link is None and not focal else []:
            if m := _by_name(u.name, members(u, cls)):
                link = PairLink(focal_id=m.id, rule="explicit")
                break
        reachable = endpoints_of.get((u.source.repo, u.module)) or endpoints_of.get((u.source.repo, None), [])
        in_file = endpoints_in_file.get((u.source.repo, u.path), [])  # a test file's own app comes first
        if (
            link is None
            and not _maps_own_routes(u.code)
            and (e := (_by_http(u, in_file) if in_file else None) or _by_http(u, reachable))
        ):
            link = PairLink(focal_id=e.id, rule="http")
        if link is None and (m := _by_call(u, focal)):
            link = PairLink(focal_id=m.id, rule="call")
        pairs = [link] if link else []
        out.append(u.model_copy(update={"pairs": pairs}) if pairs != u.pairs else u)
    return out
