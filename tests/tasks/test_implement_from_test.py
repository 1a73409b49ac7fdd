"""implement-from-test: a paired test and its focal class's info in, the focal method out."""

from __future__ import annotations

import pytest

from helpers import ROOT
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from minions.tasks.implement_from_test import parses

TASK = "implement-from-test"

SERVICE = """package com.shop;

@Service
public class CartService {
    private final CartRepository carts;

    public CartService(CartRepository carts) {
        this.carts = carts;
    }

    /** Total price of the cart in cents. */
    public long total(long cartId) {
        Cart cart = carts.find(cartId);
        return cart.items().stream().mapToLong(Item::price).sum();
    }
}
"""

SERVICE_TEST = """package com.shop;

class CartServiceTest {
    private final CartService service = new CartService(new FakeCarts());

    @Test
    void total_sumsItemPrices() {
        assertEquals(300, service.total(1L));
    }
}
"""

CONTROLLER = """package com.shop;

@RestController
@RequestMapping("/api/carts")
public class CartController {
    private final CartService service;

    public CartController(CartService service) {
        this.service = service;
    }

    @GetMapping("/{id}/total")
    public long total(@PathVariable long id) {
        return service.total(id);
    }
}
"""

CONTROLLER_TEST = """package com.shop;

@WebMvcTest
class CartApiTest {
    @Autowired MockMvc mvc;

    @Test
    void returnsTheTotal() throws Exception {
        mvc.perform(get("/api/carts/1/total")).andExpect(status().isOk());
    }
}
"""

PY = '''def convert(amount, rate):
    """Converts an amount at the given exchange rate, rounded to cents."""
    value = amount * rate
    return round(value, 2)
'''

PY_TEST = """from pricing import convert


def test_convert_rounds_to_cents():
    assert convert(10, 1.2345) == 12.35
"""

KOTLIN = """package com.shop

class Ledger(private val entries: MutableList<Long>) {
    fun balance(): Long {
        return entries.sum()
    }
}
"""

KOTLIN_TEST = """package com.shop

class LedgerTest {
    @Test
    fun balance_sumsEntries() {
        assertEquals(3L, Ledger(mutableListOf(1L, 2L)).balance())
    }
}
"""

TS = """export class PriceService {
  constructor(private readonly rate: number) {}

  discounted(price: number, pct: number): number {
    return Math.round(price * this.rate * (100 - pct)) / 100;
  }
}
"""

TS_TEST = """import { PriceService } from './price.service';

describe('PriceService', () => {
  it('discounted applies the percentage', () => {
    expect(new PriceService(1).discounted(10, 10)).toBe(9);
  });
});
"""

GO = """package shop

type Cart struct {
\tItems []int
}

func (c *Cart) Total() int {
\tt := 0
\tfor _, i := range c.Items {
\t\tt += i
\t}
\treturn t
}
"""

GO_TEST = """package shop

import "testing"

func TestCart_Total(t *testing.T) {
\tc := &Cart{Items: []int{1, 2}}
\tif c.Total() != 3 {
\t\tt.Fatal("want 3")
\t}
}
"""

FILES = [
    ("src/main/java/com/shop/CartService.java", SERVICE, "java"),
    ("src/test/java/com/shop/CartServiceTest.java", SERVICE_TEST, "java"),
    ("src/main/java/com/shop/CartController.java", CONTROLLER, "java"),
    ("src/test/java/com/shop/CartApiTest.java", CONTROLLER_TEST, "java"),
    ("tools/pricing.py", PY, "python"),
    ("tools/test_pricing.py", PY_TEST, "python"),
    ("ledger/src/main/kotlin/com/shop/Ledger.kt", KOTLIN, "kotlin"),
    ("ledger/src/test/kotlin/com/shop/LedgerTest.kt", KOTLIN_TEST, "kotlin"),
    ("web/src/price.service.ts", TS, "typescript"),
    ("web/src/price.service.spec.ts", TS_TEST, "typescript"),
    ("shop/cart.go", GO, "go"),
    ("shop/cart_test.go", GO_TEST, "go"),
]


@pytest.fixture(scope="module")
def units():
    return parse_files([SourceFile.from_raw("shop", "c", p, t, lang) for p, t, lang in FILES]).units


def _records(units, **opts):
    return run_tasks(units, [TASK], TaskOptions(**opts))


def _by_test(units, records):
    name = {u.id: u.name for u in units}
    return {name[r.unit_ids[1]]: r for r in records}


def test_one_record_per_paired_test_in_every_language(units):
    records, rejected = _records(units)
    by_test = _by_test(units, records)
    assert set(by_test) == {
        "total_sumsItemPrices",
        "returnsTheTotal",
        "test_convert_rounds_to_cents",
        "balance_sumsEntries",
        "discounted applies the percentage",
        "TestCart_Total",
    }
    assert rejected == []
    for r in records:
        assert r.output == r.output.strip() and parses(r.output, r.lang), r.output
        assert r.template_id.startswith(f"{TASK}/en/") and r.pairing_rule in ("name", "http")


def test_java_record_exactly(units):
    r = _by_test(units, _records(units)[0])["total_sumsItemPrices"]
    service = next(u for u in units if u.kind == "class" and u.name == "CartService")
    assert r.input == (
        "File: src/main/java/com/shop/CartService.java\n"
        "Class outline:\n"
        "```\n"
        "@Service class com.shop.CartService(CartRepository)\n"
        "- fields: carts:CartRepository\n"
        "- methods: total(long): long\n"
        "```\n"
        "Test (src/test/java/com/shop/CartServiceTest.java):\n"
        "```java\n"
        "@Test\n"
        "void total_sumsItemPrices() {\n"
        "    assertEquals(300, service.total(1L));\n"
        "}\n"
        "```"
    )
    assert service.info in r.input
    assert r.output == (
        "public long total(long cartId) {\n"
        "    Cart cart = carts.find(cartId);\n"
        "    return cart.items().stream().mapToLong(Item::price).sum();\n"
        "}"
    )
    assert "`total`" in r.instruction and "`CartService`" in r.instruction
    assert r.focal_class == "CartService" and r.source.path == "src/main/java/com/shop/CartService.java"
    assert r.pairing_rule == "name" and r.lang == "java"
    focal = next(u for u in units if u.kind == "method" and u.name == "total" and u.class_name == "CartService")
    test = next(u for u in units if u.name == "total_sumsItemPrices")
    assert r.unit_ids == [focal.id, test.id]


def test_an_endpoint_test_teaches_the_handler_method(units):
    r = _by_test(units, _records(units)[0])["returnsTheTotal"]
    assert r.pairing_rule == "http"
    assert r.output.startswith('@GetMapping("/{id}/total")\npublic long total(@PathVariable long id) {')
    handler = next(u for u in units if u.kind == "method" and u.class_name == "CartController" and u.name == "total")
    assert r.unit_ids[0] == handler.id and r.focal_class == "CartController"
    assert "@RestController" in r.input and 'mvc.perform(get("/api/carts/1/total"))' in r.input


def test_other_languages_keep_their_shape(units):
    by_test = _by_test(units, _records(units)[0])
    py = by_test["test_convert_rounds_to_cents"]
    assert py.output.startswith('def convert(amount, rate):\n    """Converts')
    assert py.output.endswith("return round(value, 2)")
    assert "Module outline:" in py.input and "function" in py.instruction
    assert "```python\ndef test_convert_rounds_to_cents():\n    assert convert(10, 1.2345) == 12.35\n```" in py.input
    go = by_test["TestCart_Total"]
    assert go.output.startswith("func (c *Cart) Total() int {") and "struct shop.Cart" in go.input
    ts = by_test["discounted applies the percentage"]
    assert ts.output.startswith("discounted(price: number, pct: number): number {")
    assert "class PriceService(number)" in ts.input and ts.input.endswith("toBe(9);\n});\n```")
    kt = by_test["balance_sumsEntries"]
    assert kt.output == "fun balance(): Long {\n    return entries.sum()\n}"


def test_skeleton_outline_and_chinese_wordings(units):
    records, _ = _records(units, outline="skeleton", zh_ratio=1.0)
    r = _by_test(units, records)["total_sumsItemPrices"]
    assert "```java\n@Service\npublic class CartService {" in r.input and "{ ... }" in r.input
    assert r.instruction_lang == "zh" and r.template_id.startswith(f"{TASK}/zh/") and "`total`" in r.instruction
    info = _by_test(units, _records(units)[0])["total_sumsItemPrices"]
    assert r.output == info.output and r.id != info.id, "another wording, another record id"


def test_tests_of_no_method_are_rejected_with_the_reason(units):
    cls = next(u for u in units if u.kind == "class" and u.name == "CartService")
    endpoint = next(u for u in units if u.kind == "endpoint")
    bare = endpoint.model_copy(update={"id": "bare-endpoint", "http": {**endpoint.http, "handler": ""}})
    test = next(u for u in units if u.name == "total_sumsItemPrices")
    ctor = next(u for u in units if u.kind == "method" and u.name == "CartService")
    to = {
        "of-class": cls.id,
        "of-bare-endpoint": bare.id,
        "of-ctor": ctor.id,
        "of-nothing": "missing",
    }
    tests = [
        test.model_copy(update={"id": tid, "pairs": [test.pairs[0].model_copy(update={"focal_id": f})]})
        for tid, f in to.items()
    ]
    records, rejected = run_tasks([*units, bare, *tests], [TASK], TaskOptions())
    assert len(records) == 6
    assert {(x.id, x.reason) for x in rejected} == {
        ("of-class", "focal is a class, not a method"),
        ("of-bare-endpoint", "focal is an endpoint without a handler method"),
        ("of-ctor", "focal is a constructor"),
        ("of-nothing", "focal unit not among the units"),
    }
    assert all(x.task == TASK and x.stage == "tasks" for x in rejected)


def test_ids_are_deterministic(units):
    a = [r.id for r in _records(units)[0]]
    assert a == [r.id for r in _records(units)[0]] and len(set(a)) == len(a)


def test_acme_shop_yields_records():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, _ = run_tasks(parse_files(files).units, [TASK], TaskOptions())
    assert len(records) > 100
    assert {r.lang for r in records} == {"java", "kotlin", "python", "typescript"}
    assert all(r.pairing_rule and len(r.unit_ids) == 2 and parses(r.output, r.lang) for r in records)
