"""implement-method's related context: the info of the repository's own types a method names."""

from __future__ import annotations

import pytest

from helpers import ROOT
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from minions.tasks import implement_method as im

SERVICE = """package com.shop.order;

import com.shop.common.Money;

public class OrderService {
    private final OrderRepository orders;

    public OrderService(OrderRepository orders) {
        this.orders = orders;
    }

    /** Adds a line to the order and returns the new total. */
    public Money addLine(long orderId, Line line) {
        Order order = Order.requireOpen(orders.find(orderId));
        Order updated = order.add(line);
        OrderService.log(updated);
        return updated.total();
    }

    public String status(long orderId) {
        return orders.find(orderId).status();
    }

    static void log(Object o) {
    }
}
"""

ORDER = """package com.shop.order;

public class Order {
    private long id;

    public static Order requireOpen(Order order) {
        return order;
    }

    public Order add(Line line) {
        return this;
    }

    public Money total() {
        return null;
    }
}
"""

LEGACY_ORDER = """package com.shop.legacy;

public class Order {
    private String code;

    public String code() {
        return code;
    }
}
"""

MONEY = """package com.shop.common;

public class Money {
    private long cents;

    public Money plus(Money other) {
        return new Money();
    }
}
"""

LINE = """package com.shop.order;

public record Line(String sku, int quantity) {
}
"""

FILES = [
    ("src/main/java/com/shop/order/OrderService.java", SERVICE),
    ("src/main/java/com/shop/order/Order.java", ORDER),
    ("src/main/java/com/shop/legacy/Order.java", LEGACY_ORDER),
    ("src/main/java/com/shop/common/Money.java", MONEY),
    ("src/main/java/com/shop/order/Line.java", LINE),
]

ORDER_INFO = (
    "class com.shop.order.Order\n- fields: id:long\n"
    "- methods: requireOpen(Order): Order, add(Line): Order, total(): Money"
)
MONEY_INFO = "class com.shop.common.Money\n- fields: cents:long\n- methods: plus(Money): Money"
LINE_INFO = "record com.shop.order.Line(String, int)\n- fields: sku:String, quantity:int"


@pytest.fixture(scope="module")
def units():
    return parse_files([SourceFile.from_raw("shop", "c", p, t, "java") for p, t in FILES]).units


def _record(units, name, **opts):
    records, _ = run_tasks(units, ["implement-method"], TaskOptions(**opts))
    method = next(u for u in units if u.kind == "method" and u.name == name)
    return next(r for r in records if r.unit_ids == [method.id])


def test_related_types_most_named_first_in_the_input(units):
    r = _record(units, "addLine")
    assert r.input == (
        "File: src/main/java/com/shop/order/OrderService.java\n"
        "Class outline:\n"
        "```\n"
        "class com.shop.order.OrderService(OrderRepository)\n"
        "- fields: orders:OrderRepository\n"
        "- methods: addLine(long, Line): Money, status(long): String, log(Object): void\n"
        "```\n"
        "Related types:\n"
        "```\n"
        f"{ORDER_INFO}\n\n{MONEY_INFO}\n\n{LINE_INFO}\n"
        "```\n"
        "Method to implement:\n"
        "```java\n"
        "/** Adds a line to the order and returns the new total. */\n"
        "public Money addLine(long orderId, Line line)\n"
        "```"
    ), "Order is named 3 times, Money and Line twice each (signature counted with the code), in that order"


def test_a_name_two_packages_share_resolves_to_the_methods_package(units):
    r = _record(units, "addLine")
    assert "class com.shop.order.Order\n" in r.input and "com.shop.legacy.Order" not in r.input


def test_the_own_class_is_left_out(units):
    r = _record(units, "addLine")
    assert r.input.count("class com.shop.order.OrderService(") == 1, "named in the body, shown only as the outline"


def test_a_method_that_names_no_repository_type_gets_no_block(units):
    assert "Related types:" not in _record(units, "status").input


def test_the_budget_caps_the_block_and_passes_over_what_does_not_fit(units, monkeypatch):
    monkeypatch.setattr(im, "RELATED_BUDGET", len(ORDER_INFO) + 2 + len(LINE_INFO))
    r = _record(units, "addLine")
    block = r.input.split("Related types:\n```\n", 1)[1].split("\n```", 1)[0]
    assert block == f"{ORDER_INFO}\n\n{LINE_INFO}", "Money does not fit after Order; the smaller Line still does"
    monkeypatch.setattr(im, "RELATED_BUDGET", 10)
    assert "Related types:" not in _record(units, "addLine").input


def test_skeleton_outline_keeps_the_old_input(units):
    r = _record(units, "addLine", outline="skeleton")
    assert "Related types:" not in r.input and "```java\npublic class OrderService {" in r.input
    assert r.id == _record(units, "addLine").id


def test_acme_shop_records_carry_related_types_within_the_budget():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, _ = run_tasks(parse_files(files).units, ["implement-method"], TaskOptions())
    related = [r.input for r in records if "Related types:" in r.input]
    blocks = [i.split("Related types:\n```\n", 1)[1].split("\n```", 1)[0] for i in related]
    assert len(blocks) > len(records) // 3
    assert all(0 < len(b) <= im.RELATED_BUDGET for b in blocks)


def test_doc_and_signature_lines_sit_at_the_method_column():
    """A multi-line doc comment and an annotated signature lose the class's indentation."""
    java = (
        "package com.shop;\n\npublic class Carts {\n    /**\n     * Empties the cart and returns\n"
        "     * how many lines went.\n     */\n    @Transactional\n    public int clear(long id) {\n"
        "        return 0;\n    }\n}\n"
    )
    py = (
        'class Carts:\n    def clear(self, cart_id):\n        """Empties the cart and returns\n'
        '        how many lines went.\n        """\n        return 0\n'
    )
    files = [SourceFile.from_raw("r", "c", "C.java", java, "java"), SourceFile.from_raw("r", "c", "c.py", py, "python")]
    records, _ = run_tasks(parse_files(files).units, ["implement-method"], TaskOptions())
    by_lang = {r.lang: r for r in records}
    assert by_lang["java"].input.endswith(
        "```java\n/**\n * Empties the cart and returns\n * how many lines went.\n */\n@Transactional\n"
        "public int clear(long id)\n```"
    )
    assert by_lang["python"].input.endswith(
        '```python\ndef clear(self, cart_id):\n    """Empties the cart and returns\n'
        '    how many lines went.\n    """\n```'
    )
