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
