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
    ]
    assert rules(pair_tests([*SERVICE, *tests])) == {
        "cancellationIsLogged": None,
        "test_cancel_refunds": ("method:OrderService.cancel", "name"),
        "placeholderShown": None,
        "place": ("method:OrderService.place", "name"),
    }
