import pytest

from minions.errors import UserError
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.tasks import TASKS, TaskOptions, build_records, register_task

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

    public String getName() {
        return name;
    }
}
"""

TEST = """package com.shop;

class CartServiceTest {
    private final CartService service = new CartService(new FakeCarts());

    @Test
    void total_sumsItemPrices() {
        assertEquals(300, service.total(1L));
    }
}
"""


@pytest.fixture
def units():
    files = [
        SourceFile.from_raw("shop", "c", "src/main/java/CartService.java", SERVICE, "java"),
        SourceFile.from_raw("shop", "c", "src/test/java/CartServiceTest.java", TEST, "java"),
    ]
    return parse_files(files).units


def test_builtins_are_registered_and_unknown_is_refused(units):
    assert {"implement-method", "write-test"} <= set(TASKS)
    with pytest.raises(UserError, match="unknown task 'nope'"):
        build_records(units, ["nope"], TaskOptions())
    with pytest.raises(ValueError, match="already registered"):
        register_task("write-test", "again")(lambda u, o: [])


def test_implement_method_records(units):
    recs = build_records(units, ["implement-method"], TaskOptions())
    name_of = {u.id: u.name for u in units}
    names = {name_of[r.unit_ids[0]]: r for r in recs}
    assert set(names) == {"total", "getName"}, "constructors are not implement-method records"
    r = names["total"]
    assert r.output.startswith("/** Total") is False and r.output.startswith("public long total(long cartId) {")
    assert "return cart.items()" in r.output and "return cart.items()" not in r.input
    assert "/** Total price of the cart in cents. */" in r.input and "public long total(long cartId)" in r.input
    assert r.lang == "java" and r.instruction_lang == "en" and r.pairing_rule is None
    assert r.focal_class == "CartService" and r.source.path == "src/main/java/CartService.java"
    assert r.template_id.startswith("implement-method/en/") and "`total`" in r.instruction


CART_INFO = """@Service class com.shop.CartService(CartRepository)
- fields: carts:CartRepository
- methods: total(long): long, getName(): String"""


def test_implement_method_outlines_the_class_by_its_info(units):
    r = next(r for r in build_records(units, ["implement-method"], TaskOptions()) if "`total`" in r.instruction)
    assert r.input.startswith(f"File: src/main/java/CartService.java\nClass outline:\n```\n{CART_INFO}\n```\n")
    assert "{ ... }" not in r.input and "private final CartRepository carts;" not in r.input
    old = next(
        r
        for r in build_records(units, ["implement-method"], TaskOptions(outline="skeleton"))
        if "`total`" in r.instruction
    )
    assert "```java\n@Service\npublic class CartService {" in old.input and "{ ... }" in old.input
    assert CART_INFO not in old.input and old.id == r.id, "the outline form changes the input, not the record"


def test_go_methods_find_their_type_in_the_package_folder():
    """A method's type may sit in another file of the package; without one, the skeleton stays."""
    src = "package shop\n\nfunc (s *Cart) Total() int {\n\ttotal := 0\n\treturn total\n}\n"
    cart = "package shop\n\ntype Cart struct {\n\tItems []int\n}\n"
    units = parse_files([SourceFile.from_raw("r", "c", "shop/cart_total.go", src, "go")]).units
    (r,) = build_records(units, ["implement-method"], TaskOptions())
    assert "```go\nfunc (s *Cart) Total() int { ... }\n```" in r.input
    with_type = [
        SourceFile.from_raw("r", "c", p, t, "go") for p, t in [("shop/cart_total.go", src), ("shop/cart.go", cart)]
    ]
    (r,) = build_records(parse_files(with_type).units, ["implement-method"], TaskOptions())
    assert "```\nstruct shop.Cart\n- fields: Items:[]int\n```" in r.input


def test_write_test_shows_the_class_under_test(units):
    (r,) = build_records(units, ["write-test"], TaskOptions())
    assert r.input.startswith(
        f"Class under test:\n```\n{CART_INFO}\n```\nCode under test (src/main/java/CartService.java):"
    )
    (old,) = build_records(units, ["write-test"], TaskOptions(outline="skeleton"))
    assert old.input.startswith("Code under test (src/main/java/CartService.java):")


def test_write_test_records_carry_the_pair(units):
    (r,) = build_records(units, ["write-test"], TaskOptions(zh_ratio=1.0))
    assert r.pairing_rule == "name" and len(r.unit_ids) == 2
    assert r.output == "package com.shop;\n\n" + TEST.split("\n\n", 1)[1].strip(), "the whole (one-test) file"
    assert "public long total(long cartId)" in r.input and "JUnit" in r.instruction
    assert r.instruction_lang == "zh" and "测试" in r.instruction
    assert r.focal_class == "CartService", "a test's class group is its focal class"
    assert r.source.path == "src/test/java/CartServiceTest.java"


def test_ids_are_deterministic(units):
    a = [r.id for r in build_records(units, ["implement-method", "write-test"], TaskOptions())]
    b = [r.id for r in build_records(units, ["implement-method", "write-test"], TaskOptions())]
    assert a == b and len(set(a)) == len(a)


def test_module_functions_are_called_functions():
    src = "def convert(amount, rate):\n    value = amount * rate\n    return round(value, 2)\n"
    units = parse_files([SourceFile.from_raw("r", "c", "tools/pricing.py", src, "python")]).units
    (r,) = build_records(units, ["implement-method"], TaskOptions())
    assert "function" in r.instruction and "`convert`" in r.instruction and "Python module `pricing`" in r.instruction
    assert "Module outline:" in r.input and "Function to implement:" in r.input
