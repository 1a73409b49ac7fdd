from minions.parsing import parse_files
from minions.records import CodeUnit, SourceFile

CONTROLLER = """package com.shop.order;

@RestController
@RequestMapping("/api/orders")
public class OrderController {
    private final OrderService service;

    /** Finds one order. */
    @GetMapping("/{id}")
    public Order get(@PathVariable long id) {
        return service.find(id);
    }

    @RequestMapping(path = "/{id}/cancel", method = RequestMethod.POST)
    public Order cancel(@PathVariable long id) {
        Order o = service.find(id);
        return service.cancel(o);
    }
}
"""

REPOSITORY = """package com.shop.order;

public interface OrderRepository extends JpaRepository<Order, Long> {
    @Query("select o from Order o where o.status = :status")
    List<Order> findByStatus(String status);

    List<Order> findByCustomerId(long id);
}
"""

TEST = """package com.shop.order;

import org.junit.jupiter.api.Test;

class OrderServiceTest {
    private final OrderService service = new OrderService();

    @Test
    void cancel_refundsPayment() {
        assertEquals(1, service.cancel(order()).refunds());
    }

    private Order order() { return new Order(); }
}
"""


def _parse(files):
    return parse_files([SourceFile.from_raw("r", "c", p, t, "java" if p.endswith(".java") else None) for p, t in files])


def test_classes_methods_endpoints_queries_tests():
    res = _parse(
        [
            ("svc/src/main/java/OrderController.java", CONTROLLER),
            ("svc/src/main/java/OrderRepository.java", REPOSITORY),
            ("svc/src/test/java/OrderServiceTest.java", TEST),
            ("svc/pom.xml", "<project/>"),
        ]
    )
    kinds = [(u.kind, u.name) for u in res.units]
    assert ("class", "OrderController") in kinds and ("method", "get") in kinds
    assert ("query", "findByStatus") in kinds and ("method", "findByCustomerId") not in kinds
    assert ("test", "cancel_refundsPayment") in kinds and ("method", "order") in kinds
    endpoints = {
        u.name: {k: u.http[k] for k in ("method", "path", "returns")} for u in res.units if u.kind == "endpoint"
    }
    assert endpoints == {
        "get": {"method": "GET", "path": "/api/orders/{id}", "returns": "body"},
        "cancel": {"method": "POST", "path": "/api/orders/{id}/cancel", "returns": "body"},
    }
    get = next(u for u in res.units if u.kind == "method" and u.name == "get")
    assert get.span == (9, 12), "span starts at the annotations, 1-based"
    assert get.doc == "/** Finds one order. */"
    assert get.signature.startswith('@GetMapping("/{id}")') and get.signature.endswith("get(@PathVariable long id)")
    assert get.calls == ["find"] and get.class_name == "OrderController"
    assert get.module == "svc", "module is the nearest folder with a build file"
    assert "{ ... }" in get.context and "return service.find" not in get.context
    assert "private final OrderService service;" in get.context
    assert len({u.id for u in res.units}) == len(res.units)
    s = res.summary()
    assert (s["files"], s["files_parsed"], s["endpoints"], s["tests"], s["skipped"]) == (4, 3, 2, 1, 0)
    assert s["pairs_by_rule"] == {"call": 0, "explicit": 0, "http": 0, "name": 0} and s["skipped_by_reason"] == {}


def test_syntax_error_skips_the_file_with_a_reason():
    res = _parse([("A.java", "class A { void f( { }"), ("B.java", "class B { void g() { h(); } }")])
    assert [u.name for u in res.units if u.kind == "method"] == ["g"]
    assert len(res.skipped) == 1 and res.skipped[0].reason.startswith("syntax error near line 1")
    assert res.summary()["skipped"] == 1 and res.summary()["skipped_by_reason"] == {"syntax": 1}


def test_a_syntax_error_drops_only_the_units_it_touches():
    src = (
        "class A {\n"
        "    int ok() {\n        return 1;\n    }\n"
        "    void broken( {\n        x = ;\n    }\n"
        "    int alsoOk() {\n        return 2;\n    }\n"
        "}\n"
    )
    res = _parse([("A.java", src)])
    assert [(u.kind, u.name) for u in res.units] == [("method", "ok"), ("method", "alsoOk")], "the class spans it"
    (skip,) = res.skipped
    assert skip.reason.startswith("syntax error near line 5 (lines 5") and skip.reason.endswith("2 of 4 units kept)")
    assert res.summary()["files_parsed"] == 1 and res.summary()["skipped_by_reason"] == {"syntax": 1}


def test_a_build_file_at_the_root_makes_the_root_the_module():
    res = _parse([("pom.xml", "<project/>"), ("src/main/java/A.java", "class A { int f() { return 1; } }")])
    assert {u.module for u in res.units} == {""}
    res = _parse([("src/main/java/A.java", "class A { int f() { return 1; } }")])
    assert {u.module for u in res.units} == {"src"}, "no build file: the top-level folder"


def test_units_on_one_line_have_distinct_ids():
    res = _parse([("Point.java", "public class Point { int x() { return 1; } int y() { return 2; } }")])
    assert [u.span for u in res.units] == [(1, 1)] * 3
    assert len({u.id for u in res.units}) == 3


def test_tab_indented_code_dedents_without_a_stray_space():
    from minions.tasks.registry import dedent

    src = 'class A {\n\t@Override\n\tpublic String toString() {\n\t\treturn "a";\n\t}\n}\n'
    method = next(u for u in _parse([("A.java", src)]).units if u.kind == "method")
    assert method.code.startswith("\t@Override\n\tpublic")
    assert dedent(method.code) == '@Override\npublic String toString() {\n\treturn "a";\n}'


VETS = """package org.shop.vet;

@Controller
@RequestMapping({"/clinic", "/c"})
class VetController {
    private static final String VETS = "/vets";
    static final String VET = VETS + "/{id}";

    @GetMapping({"/vets", "/vets.html"})
    public String showVetList(Model model) { return "vets/list"; }

    @RequestMapping(value = VET, method = {RequestMethod.GET, RequestMethod.POST})
    @ResponseBody
    public Vet vet(@PathVariable int id) { return null; }

    @RequestMapping("/any")
    public String any() { return "any"; }

    @GetMapping(path = Paths.SPECIALTIES)
    public ResponseEntity<List<String>> specialties() { return null; }
}
"""


def test_mapping_arrays_constants_verb_lists_and_view_controllers():
    res = _parse([("vet/VetController.java", VETS)])
    endpoints = [
        (u.name, u.http["method"], u.http["path"], u.http["returns"]) for u in res.units if u.kind == "endpoint"
    ]
    assert endpoints == [
        ("showVetList", "GET", "/clinic/vets", "view"),
        ("showVetList", "GET", "/clinic/vets.html", "view"),
        ("showVetList", "GET", "/c/vets", "view"),
        ("showVetList", "GET", "/c/vets.html", "view"),
        ("vet", "GET", "/clinic/vets/{id}", "body"),  # a constant built from another, @ResponseBody
        ("vet", "POST", "/clinic/vets/{id}", "body"),
        ("vet", "GET", "/c/vets/{id}", "body"),
        ("vet", "POST", "/c/vets/{id}", "body"),
        ("any", "ANY", "/clinic/any", "view"),  # no method: every verb
        ("any", "ANY", "/c/any", "view"),
        ("specialties", "GET", "/clinic/Paths.SPECIALTIES", "body"),  # another class's constant: its name
        ("specialties", "GET", "/c/Paths.SPECIALTIES", "body"),  # ResponseEntity writes the body
    ]
    assert len({u.id for u in res.units}) == len(res.units), "each (verb, path) of one annotation has its own id"
    first = next(u for u in res.units if u.kind == "endpoint")
    assert first.id == CodeUnit.make_id(
        first.file_id,
        (VETS.encode().index(b"@GetMapping"), VETS.encode().index(b")\n    public String showVetList") + 1),
    )
    assert {u.package for u in res.units} == {"org.shop.vet"}


def test_enum_methods_nested_tests_and_interface_mappings():
    enum = "enum Status { NEW, PAID; boolean done() { return this == PAID; } }"
    nested = (
        "class OrderServiceTest {\n  @Nested\n  class Cancel {\n    @Test\n    void refunds() { s.cancel(); }\n"
        "    @Nested\n    class Twice { @Test void fails() { s.cancel(); } }\n  }\n}"
    )
    api = (
        '@RequestMapping("/api/pets")\npublic interface PetApi {\n'
        '  @GetMapping("/{id}")\n  Pet get(@PathVariable long id);\n}'
    )
    res = _parse([("Status.java", enum), ("OrderServiceTest.java", nested), ("PetApi.java", api)])
    assert [(u.kind, u.name, u.class_name) for u in res.units if u.kind in ("method", "test")] == [
        ("method", "done", "Status"),
        ("test", "refunds", "OrderServiceTest"),
        ("test", "fails", "OrderServiceTest"),
    ]
    assert [(u.name, u.http) for u in res.units if u.kind == "endpoint"] == [
        (
            "get",
            {
                "method": "GET",
                "path": "/api/pets/{id}",
                "returns": "body",
                "handler": "",  # declared here, implemented by a controller elsewhere
                "params": [{"name": "id", "in": "path", "type": "long"}],
                "body": "",
                "response": "Pet",
            },
        )
    ]


def test_endpoint_details_and_jax_rs_resources():
    spring = """@RestController
@RequestMapping("/api/orders")
class OrderController {
    static final String ID = "orderId";
    @PostMapping("/{orderId}/lines")
    ResponseEntity<Line> addLine(@PathVariable(ID) long id, @RequestParam(name = "dry", required = false) boolean dry,
                                 @RequestHeader("X-Tenant") String tenant, @RequestBody LineRequest line) {
        return null;
    }
}
"""
    jaxrs = """@Path("/pets")
public class PetResource {
    @GET
    @Path("/{id}")
    public Pet find(@PathParam("id") long id, @QueryParam("full") boolean full) { return null; }
    @POST
    public Response create(Pet pet) { return null; }
}
"""
    res = _parse([("OrderController.java", spring), ("PetResource.java", jaxrs)])
    methods = {u.name: u.id for u in res.units if u.kind == "method"}
    https = [u.http for u in res.units if u.kind == "endpoint"]
    assert https == [
        {
            "method": "POST",
            "path": "/api/orders/{orderId}/lines",
            "returns": "body",
            "handler": methods["addLine"],
            "params": [
                {"name": "orderId", "in": "path", "type": "long"},  # the name from a constant
                {"name": "dry", "in": "query", "type": "boolean"},
                {"name": "X-Tenant", "in": "header", "type": "String"},
            ],
            "body": "LineRequest",
            "response": "ResponseEntity<Line>",
        },
        {
            "method": "GET",
            "path": "/pets/{id}",
            "returns": "body",
            "handler": methods["find"],
            "params": [
                {"name": "id", "in": "path", "type": "long"},
                {"name": "full", "in": "query", "type": "boolean"},
            ],
            "body": "",
            "response": "Pet",
        },
        {
            "method": "POST",
            "path": "/pets",
            "returns": "body",
            "handler": methods["create"],
            "params": [],
            "body": "Pet",  # JAX-RS: the parameter without annotations is the entity
            "response": "Response",
        },
    ]


def test_a_process_pool_gives_the_same_result():
    from helpers import ROOT
    from minions.sources.collect import collect

    files, _ = collect(ROOT / "examples" / "acme-shop")
    one, two = parse_files(files, workers=1), parse_files(files, workers=2)
    assert [u.model_dump() for u in one.units] == [u.model_dump() for u in two.units]
    assert (one.skipped, one.summary()) == (two.skipped, two.summary())
    assert one.summary()["files_parsed"] > 90
