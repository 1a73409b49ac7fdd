from minions.parsing.pairing import focal_class_name, pair_tests
from minions.records import CodeUnit, Provenance


def unit(kind, name, cls, calls=(), code="", doc="", http=None, lang="java"):
    return CodeUnit(
        id=f"{kind}:{cls}.{name}",
        kind=kind,
        lang=lang,
        path="p",
        span=(1, 2),
        file_id="f",
        source=Provenance(repo="r", commit="c", path="p"),
        module="m",
        name=name,
        class_name=cls,
        code=code or name,
        calls=list(calls),
        doc=doc,
        http=http,
    )


SERVICE = [
    unit("method", "cancel", "OrderService"),
    unit("method", "cancelAll", "OrderService"),
    unit("method", "place", "OrderService"),
]


def rules(units):
    return {u.name: (u.pairs[0].focal_id, u.pairs[0].rule) if u.pairs else None for u in units if u.kind == "test"}


def test_focal_class_names():
    assert focal_class_name(unit("test", "t", "OrderServiceTest")) == "OrderService"
    assert focal_class_name(unit("test", "t", "TestOrderService")) == "OrderService"
    assert focal_class_name(unit("test", "t", "test_pricing", lang="python")) == "pricing"


def test_rules_in_order():
    tests = [
        unit("test", "cancelAll_emptiesCart", "OrderServiceTest", calls=["cancel"]),
        unit("test", "testCancel", "OrderServiceTest"),
        unit("test", "shouldRejectUnknown", "OrderServiceTest", calls=["place", "place", "cancel"]),
        unit("test", "whatever", "OrderServiceTest", doc="/** @see OrderService#place */", calls=["cancel"]),
        unit("test", "getsOrder", "OrderControllerTest", code='mockMvc.perform(get("/api/orders/42"))'),
        unit("test", "unrelated", "NothingTest", calls=["x"]),
    ]
    endpoint = unit("endpoint", "get", "OrderController", http={"method": "GET", "path": "/api/orders/{id}"})
    got = rules(pair_tests([*SERVICE, endpoint, *tests]))
    assert got == {
        "cancelAll_emptiesCart": ("method:OrderService.cancelAll", "name"),
        "testCancel": ("method:OrderService.cancel", "name"),
        "shouldRejectUnknown": ("method:OrderService.place", "call"),
        "whatever": ("method:OrderService.place", "explicit"),
        "getsOrder": ("endpoint:OrderController.get", "http"),
        "unrelated": None,
    }


def in_repo(u, repo="r", lang=None):
    return u.model_copy(update={"source": Provenance(repo=repo, commit="c", path="p"), "lang": lang or u.lang})


def test_tests_pair_only_within_their_repository_and_language():
    tests = [
        in_repo(unit("test", "testCancel", "OrderServiceTest"), repo="other"),
        in_repo(unit("test", "shouldCancel", "OrderServiceTest", calls=["cancel"]), lang="kotlin"),
        in_repo(unit("test", "seeAlso", "OrderServiceTest", doc="@see OrderService#place"), repo="other"),
    ]
    assert rules(pair_tests([*SERVICE, *tests])) == {"testCancel": None, "shouldCancel": None, "seeAlso": None}
    endpoint = unit("endpoint", "get", "OrderController", http={"method": "GET", "path": "/api/orders/{id}"})
    far = in_repo(unit("test", "fetches", "OrderControllerTest", code='get("/api/orders/42")'), repo="other")
    assert rules(pair_tests([endpoint, far])) == {"fetches": None}


def test_http_rule_needs_the_same_verb_and_path():
    endpoints = [
        unit("endpoint", "get", "OrderController", http={"method": "GET", "path": "/api/orders/{id}"}),
        unit("endpoint", "cancel", "OrderController", http={"method": "DELETE", "path": "/api/orders/{id}"}),
    ]
    tests = [
        unit("test", "posts", "ApiTest", code='mockMvc.perform(post("/api/orders/42"))'),
        unit("test", "deletes", "ApiTest", code='mockMvc.perform(delete("/api/orders/42?force=true"))'),
        unit("test", "nested", "ApiTest", code='mockMvc.perform(get("/api/orders/42/items"))'),
    ]
    assert rules(pair_tests([*endpoints, *tests])) == {
        "posts": None,
        "deletes": ("endpoint:OrderController.cancel", "http"),
        "nested": None,
    }


def test_name_rule_stops_at_a_word_boundary():
    tests = [
        unit("test", "cancellationIsLogged", "OrderServiceTest"),
        unit("test", "test_cancel_refunds", "OrderServiceTest"),
        unit("test", "placeholderShown", "OrderServiceTest"),
        unit("test", "place", "OrderServiceTest"),
        unit("test", "cancel refunds a paid order", "OrderServiceTest", lang="kotlin"),  # a backtick name
        unit("test", "placeholder shown", "OrderServiceTest", lang="kotlin"),
    ]
    kotlin = [u.model_copy(update={"lang": "kotlin"}) for u in SERVICE]
    assert rules(pair_tests([*SERVICE, *kotlin, *tests])) == {
        "cancellationIsLogged": None,
        "test_cancel_refunds": ("method:OrderService.cancel", "name"),
        "placeholderShown": None,
        "place": ("method:OrderService.place", "name"),
        "cancel refunds a paid order": ("method:OrderService.cancel", "name"),
        "placeholder shown": None,
    }


def test_focal_class_name_strips_each_affix_once():
    names = {
        ("OrderServiceTests", "java"): "OrderService",
        ("OrderServiceIT", "java"): "OrderService",
        ("OrderServiceSpec", "groovy"): "OrderService",
        ("pricing_test", "python"): "pricing",
        ("test_pricing", "python"): "pricing",
        ("Test", "java"): "",
        ("IT", "java"): "IT",
        ("Spec", "java"): "Spec",
        ("OrderChecks", "java"): "OrderChecks",
    }
    got = {key: focal_class_name(unit("test", "t", key[0], lang=key[1])) for key in names}
    assert got == names
    assert focal_class_name(unit("test", "t", None)) == ""


def test_python_affixes_apply_to_python_only():
    assert focal_class_name(unit("test", "t", "test_pricing", lang="java")) == "test_pricing"
    assert focal_class_name(unit("test", "t", "pricing_test", lang="java")) == "pricing_test"
    assert focal_class_name(unit("test", "t", "pricing_test", lang="kotlin")) == "pricing_test"


def test_name_rule_ignores_the_case_of_the_test_prefix():
    tests = [
        unit("test", "TestCancel", "OrderServiceTest"),
        unit("test", "TEST_place_twice", "OrderServiceTest"),
        unit("test", "Testplace", "OrderServiceTest"),
    ]
    assert rules(pair_tests([*SERVICE, *tests])) == {
        "TestCancel": ("method:OrderService.cancel", "name"),
        "TEST_place_twice": ("method:OrderService.place", "name"),
        "Testplace": ("method:OrderService.place", "name"),
    }


def test_name_rule_prefers_the_longest_method_at_a_camel_case_boundary():
    methods = [
        unit("method", "cancel", "OrderService"),
        unit("method", "cancelOrder", "OrderService"),
        unit("method", "cancelOrderLine", "OrderService"),
    ]
    tests = [
        unit("test", "cancelOrderRefunds", "OrderServiceTest"),
        unit("test", "cancelOrderLines", "OrderServiceTest"),
        unit("test", "cancelOrderX", "OrderServiceTest"),
        unit("test", "cancelOrders", "OrderServiceTest"),
    ]
    assert rules(pair_tests([*methods, *tests])) == {
        "cancelOrderRefunds": ("method:OrderService.cancelOrder", "name"),
        "cancelOrderLines": ("method:OrderService.cancelOrder", "name"),
        "cancelOrderX": ("method:OrderService.cancelOrder", "name"),
        "cancelOrders": ("method:OrderService.cancel", "name"),
    }


def test_name_rule_picks_the_first_of_overloads():
    first = unit("method", "cancel", "OrderService").model_copy(update={"id": "method:cancel(int)"})
    second = unit("method", "cancel", "OrderService").model_copy(update={"id": "method:cancel(String)"})
    test = unit("test", "cancel_refunds", "OrderServiceTest")
    assert rules(pair_tests([first, second, test])) == {"cancel_refunds": ("method:cancel(int)", "name")}
    assert rules(pair_tests([second, first, test])) == {"cancel_refunds": ("method:cancel(String)", "name")}


def test_only_methods_of_the_focal_class_are_paired():
    others = [
        unit("class", "refund", "OrderService"),
        unit("endpoint", "settle", "OrderService"),
        unit("query", "audit", "OrderService"),
        unit("method", "archive", None),
    ]
    tests = [
        unit("test", "refundIsIssued", "OrderServiceTest", calls=["refund"]),
        unit("test", "settles", "OrderServiceTest", calls=["settle", "audit"]),
        unit("test", "archive_keeps_history", "Test", calls=["archive"]),
    ]
    assert rules(pair_tests([*others, *tests])) == {
        "refundIsIssued": None,
        "settles": None,
        "archive_keeps_history": None,
    }


def test_see_naming_an_unknown_class_or_method_falls_back_to_the_other_rules():
    tests = [
        unit("test", "cancelIsLogged", "OrderServiceTest", doc="@see BillingService#cancel"),
        unit("test", "placesTwice", "OrderServiceTest", doc="@see OrderService#refund", calls=["place"]),
        unit("test", "unknownEverywhere", "OrderServiceTest", doc="@see Nowhere#nothing"),
    ]
    assert rules(pair_tests([*SERVICE, *tests])) == {
        "cancelIsLogged": ("method:OrderService.cancel", "name"),
        "placesTwice": ("method:OrderService.place", "call"),
        "unknownEverywhere": None,
    }


def test_http_rule_skips_units_without_a_mapping():
    endpoints = [
        unit("endpoint", "legacy", "OrderController"),
        unit("endpoint", "get", "OrderController", http={"method": "GET", "path": "/api/orders/{id}"}),
    ]
    tests = [
        unit("test", "fetches", "ApiTest", code='get("/api/orders/42?expand=items")'),
        unit("test", "fetchesAll", "ApiTest", code='get("/api/orders")'),
    ]
    assert rules(pair_tests([*endpoints, *tests])) == {
        "fetches": ("endpoint:OrderController.get", "http"),
        "fetchesAll": None,
    }


def test_http_rule_drops_the_query_string_before_matching():
    endpoints = [
        unit("endpoint", "list", "OrderController", http={"method": "GET", "path": "/api/orders"}),
        unit("endpoint", "get", "OrderController", http={"method": "GET", "path": "/api/orders/{id}"}),
    ]
    tests = [
        unit("test", "pages", "ApiTest", code='get("/api/orders?page=2")'),
        unit("test", "follows", "ApiTest", code='get("/api/orders/42?next=/api/orders/43")'),
        unit("test", "slashed", "ApiTest", code='get("/api/orders/?page=2")'),
    ]
    assert rules(pair_tests([*endpoints, *tests])) == {
        "pages": ("endpoint:OrderController.list", "http"),
        "follows": ("endpoint:OrderController.get", "http"),
        "slashed": ("endpoint:OrderController.list", "http"),
    }


def test_a_test_pairs_with_the_class_of_its_own_package():
    from minions.parsing import parse_files
    from minions.records import SourceFile

    def util(pkg):
        return f"package {pkg};\nclass Util {{ static int twice(int x) {{ return 2 * x; }} }}"

    test = "package {};\nclass UtilTest {{ @Test void twice_doubles() {{ Util.twice(2); }} }}"
    files = [
        ("a/Util.java", util("com.shop.a")),
        ("b/Util.java", util("com.shop.b")),
        ("a/UtilTest.java", test.format("com.shop.a")),
        ("c/UtilTest.java", test.format("com.shop.c")),  # no Util here, two elsewhere: ambiguous
        ("d/UtilTest.java", test.format("com.shop.d")),
    ]
    res = parse_files([SourceFile.from_raw("r", "c", p, t, "java") for p, t in files[:2] + files[2:4]])
    by_path = {u.path: u for u in res.units}
    assert by_path["a/UtilTest.java"].pairs[0].focal_id == next(
        u.id for u in res.units if u.kind == "method" and u.path == "a/Util.java"
    )
    assert [u.pairs for u in res.units if u.path == "c/UtilTest.java" and u.kind == "test"] == [[]]
    res = parse_files([SourceFile.from_raw("r", "c", p, t, "java") for p, t in [files[1], files[4]]])
    only_b = next(u for u in res.units if u.kind == "method")
    assert [t.pairs[0].focal_id for t in res.units if t.kind == "test"] == [only_b.id], "one package has it: paired"


def _java(files):
    from minions.parsing import parse_files
    from minions.records import SourceFile

    res = parse_files([SourceFile.from_raw("r", "c", p, t, "java") for p, t in files])
    focal = {
        u.id: f"{u.class_name}.{u.name}" if u.kind != "endpoint" else f"{u.http['method']} {u.http['path']}"
        for u in res.units
    }
    return {u.name: [(focal[p.focal_id], p.rule) for p in u.pairs] for u in res.units if u.kind == "test"}


CONTROLLER = """package shop;
@RestController
@RequestMapping("/api/owners")
class OwnerController {
    @GetMapping("/{id}") Owner show(@PathVariable long id) { return repo.find(id); }
    @PutMapping("/{id}") Owner update(@PathVariable long id) { return repo.save(id); }
    @PostMapping Owner create() { return repo.save(0); }
    @DeleteMapping("/{id}") void remove(@PathVariable long id) { repo.delete(id); }
    Owner find(long id) { return null; }
}
"""


def test_explicit_evidence_in_annotations_names_the_focal_class():
    tests = """package shop;
@WebMvcTest(controllers = OwnerController.class)
class OwnerWebTests {
    @Test void show_returnsOwner() { mvc.perform(get("/api/owners/1")); }
}
class OwnerMockTests {
    @InjectMocks private OwnerController controller;
    @Test void findsIt() { controller.find(1); controller.find(2); }
}
"""
    assert _java([("shop/OwnerController.java", CONTROLLER), ("shop/OwnerWebTests.java", tests)]) == {
        "show_returnsOwner": [("OwnerController.show", "explicit")],
        "findsIt": [("OwnerController.find", "explicit")],
    }


def test_http_requests_of_every_client_with_constants_resolved():
    tests = """package shop;
class OwnerApiIT {
    private static final String OWNERS = "/api/owners";
    static final String ONE = OWNERS + "/{id}";
    @Test void fetchesOne() { mvc.perform(get(ONE, 7)).andExpect(status().isOk()); }
    @Test void updates() { rest.exchange(OWNERS + "/7", HttpMethod.PUT, entity, Owner.class); }
    @Test void creates() { rest.postForEntity("http://localhost:8080/api/owners?x=1", body, Owner.class); }
    @Test void removes() { client.delete().uri(OWNERS + "/7").exchange(); }
    @Test void unknownBase() { mvc.perform(get(baseUrl + "/7")); }
}
"""
    assert _java([("shop/OwnerController.java", CONTROLLER), ("shop/OwnerApiIT.java", tests)]) == {
        "fetchesOne": [("GET /api/owners/{id}", "http")],
        "updates": [("PUT /api/owners/{id}", "http")],
        "creates": [("POST /api/owners", "http")],
        "removes": [("DELETE /api/owners/{id}", "http")],
        "unknownBase": [],
    }


def test_a_set_up_constructed_type_counts_only_when_a_test_is_named_after_its_method():
    code = """package shop;
class PriceCalculator { long total(long x) { return x; } }
class FakeClock { long now() { return 0; } }
"""
    tests = """package shop;
class CheckoutScenarios {
    private PriceCalculator calc;
    @BeforeEach void setUp() { calc = new PriceCalculator(); clock = new FakeClock(); }
    @Test void total_addsTax() { calc.total(1); clock.now(); clock.now(); }
    @Test void somethingElse() { clock.now(); }
}
"""
    assert _java([("shop/PriceCalculator.java", code), ("shop/CheckoutScenarios.java", tests)]) == {
        "total_addsTax": [("PriceCalculator.total", "explicit")],
        "somethingElse": [],
    }


def test_a_test_of_an_interface_pairs_with_its_one_implementation():
    code = """package shop;
interface Pricing { long price(long x); }
class FlatPricing implements Pricing { public long price(long x) { return x; } }
"""
    tests = "package shop;\nclass PricingTest { @Test void price_isFlat() { p.price(1); } }"
    assert _java([("shop/Pricing.java", code), ("shop/PricingTest.java", tests)]) == {
        "price_isFlat": [("FlatPricing.price", "name")]
    }
    second = "package shop;\nclass TieredPricing implements Pricing { public long price(long x) { return 2 * x; } }"
    files = [("shop/Pricing.java", code), ("shop/Tiered.java", second), ("shop/PricingTest.java", tests)]
    assert _java(files) == {"price_isFlat": []}, "two implementations: no guess"


def test_http_comes_before_call():
    code = CONTROLLER.replace("Owner find(long id)", "Owner perform(long id)")
    tests = 'package shop;\nclass OwnerControllerTest { @Test void getsOne() { mvc.perform(get("/api/owners/3")); } }'
    assert _java([("shop/OwnerController.java", code), ("shop/OwnerControllerTest.java", tests)]) == {
        "getsOne": [("GET /api/owners/{id}", "http")]
    }


def test_a_client_interface_is_no_endpoint_and_a_served_endpoint_comes_first():
    client = """package a;
@FeignClient(name = "users", path = "/users")
interface UserClient { @GetMapping("/{id}") User get(@PathVariable long id); }
"""
    api = """package a;
@RequestMapping("/users")
interface UserApi { @GetMapping("/{id}") User get(@PathVariable long id); }
"""
    controller = """package a;
@RestController
@RequestMapping("/users")
class UserController { @GetMapping("/{id}") User show(@PathVariable long id) { return null; } }
"""
    tests = 'package a;\nclass UserWebIT { @Test void returnsUser() { mvc.perform(get("/users/1")); } }'
    files = [("a/UserClient.java", client), ("a/UserApi.java", api), ("a/UserController.java", controller)]
    files.append(("a/UserWebIT.java", tests))
    assert _java(files) == {"returnsUser": [("GET /users/{id}", "http")]}
    from minions.parsing import parse_files
    from minions.records import SourceFile

    res = parse_files([SourceFile.from_raw("r", "c", p, t, "java") for p, t in files])
    endpoints = [(u.path, u.http["handler"] != "") for u in res.units if u.kind == "endpoint"]
    assert endpoints == [("a/UserApi.java", False), ("a/UserController.java", True)], "no client endpoint"
    (test,) = [u for u in res.units if u.kind == "test"]
    focal = next(u for u in res.units if u.id == test.pairs[0].focal_id)
    assert focal.path == "a/UserController.java", "the served endpoint, not the interface's"


def test_http_pairing_reaches_the_tests_own_app_only():
    """Found on flask: 113 library tests that map their own `/` route and request it were paired with
    the tutorial app's `/` endpoint (another build module of the repository)."""
    from minions.parsing import parse_files
    from minions.records import SourceFile

    blog = (
        'from flask import Blueprint\n\nbp = Blueprint("blog", __name__)\n\n\n'
        '@bp.route("/")\ndef index():\n    return "posts"\n'
    )
    own = (
        'def test_basic_routing(app, client):\n    @app.route("/")\n    def index():\n        return "x"\n\n'
        '    assert client.get("/").data == b"x"\n'
    )
    tutorial_test = 'def test_listing(client):\n    response = client.get("/")\n    assert b"posts" in response.data\n'
    files = [
        ("pyproject.toml", "[project]\nname = 'lib'\n", None),
        ("examples/tutorial/pyproject.toml", "[project]\nname = 'tutorial'\n", None),
        ("examples/tutorial/flaskr/blog.py", blog, "python"),
        ("examples/tutorial/tests/test_listing.py", tutorial_test, "python"),
        ("tests/test_routing.py", own, "python"),
        ("lib/app.py", blog.replace("index", "front").replace('"posts"', '"front"'), "python"),
        ("tests/test_front_page.py", tutorial_test.replace("test_listing", "test_shows_the_page"), "python"),
    ]
    units = parse_files([SourceFile.from_raw("r", "c", p, t, lang) for p, t, lang in files]).units
    tutorial, library = (
        next(u for u in units if u.kind == "endpoint" and u.path == p) for p in (files[2][0], "lib/app.py")
    )
    links = {u.name: [(p.focal_id, p.rule) for p in u.pairs] for u in units if u.kind == "test"}
    assert links == {
        "test_listing": [(tutorial.id, "http")],
        "test_basic_routing": [],  # it requests the route it maps itself
        "test_shows_the_page": [(library.id, "http")],  # its own module's app, not the tutorial's
    }


def test_a_mock_patch_decorator_is_no_route_of_the_test():
    """Review finding: `@mock.patch(...)` read as the test mapping its own route stopped http pairing."""
    from minions.parsing import parse_files
    from minions.records import SourceFile

    app = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items")\ndef list_items():\n    return []\n'
    test = (
        "from unittest import mock\n\n\n@mock.patch('app.main.db')\ndef test_it_answers(db, client):\n"
        "    assert client.get('/items').status_code == 200\n"
    )
    files = [("app/main.py", app), ("tests/test_it.py", test)]
    units = parse_files([SourceFile.from_raw("r", "c", p, t, "python") for p, t in files]).units
    endpoint = next(u for u in units if u.kind == "endpoint")
    (t,) = [u for u in units if u.kind == "test"]
    assert [(p.focal_id, p.rule) for p in t.pairs] == [(endpoint.id, "http")]


def test_a_test_files_own_app_comes_first():
    """Review finding (fastapi's own tests): a test file that defines its app at module level was paired
    with a same-path endpoint of another file."""
    from minions.parsing import parse_files
    from minions.records import SourceFile

    other = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post("/")\ndef sum_numbers():\n    return 1\n'
    test = (
        'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post("/")\ndef foo(x: int):\n    return x\n\n\n'
        'def test_call_valid(client):\n    assert client.post("/", json={}).status_code == 200\n'
    )
    files = [("docs_src/tutorial.py", other), ("tests/test_props.py", test)]
    units = parse_files([SourceFile.from_raw("r", "c", p, t, "python") for p, t in files]).units
    own = next(u for u in units if u.kind == "endpoint" and u.path == "tests/test_props.py")
    (t,) = [u for u in units if u.kind == "test"]
    assert [(p.focal_id, p.rule) for p in t.pairs] == [(own.id, "http")]
