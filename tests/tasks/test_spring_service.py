from helpers import ROOT
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from tasks.spring_fixture import SERVICE, reasons, shop_units

INPUT = """File: src/main/java/com/shop/order/OrderService.java
Service to write:
```
@Service class com.shop.order.OrderService(OrderRepository)
- fields: orders:OrderRepository
- methods: forCustomer(String): List<Order>
```
Repositories it injects:
```
interface com.shop.order.OrderRepository : JpaRepository<Order, Long>
- methods: findByCustomer(String): List<Order>
```"""


def test_service_given_its_repositories():
    units = shop_units()
    records, rejected = run_tasks(units, ["spring-service"], TaskOptions())
    (r,) = records
    assert r.input == INPUT and r.output == SERVICE.split("\n", 2)[2].strip()
    assert r.focal_class == "OrderService" and len(r.unit_ids) == 2 and r.lang == "java"
    assert r.template_id.startswith("spring-service/en/") and "`OrderService`" in r.instruction
    assert reasons(units, rejected) == {
        "ClockService": "no injected repository found",
        "PricingService": "an interface: no implementation to write",
    }


def test_chinese_wording_and_determinism():
    a = run_tasks(shop_units(), ["spring-service"], TaskOptions(zh_ratio=1.0))[0]
    b = run_tasks(shop_units(), ["spring-service"], TaskOptions(zh_ratio=1.0))[0]
    assert [r.model_dump() for r in a] == [r.model_dump() for r in b]
    assert a[0].instruction_lang == "zh" and a[0].template_id.startswith("spring-service/zh/")


def test_kotlin_service():
    src = """package com.shop

@Service
class StockService(private val items: ItemRepository) {
    fun count(): Long = items.count()
}
"""
    repo = """package com.shop

interface ItemRepository : JpaRepository<Item, Long> {
    fun findBySku(sku: String): Item?
}
"""

    files = [
        SourceFile.from_raw("s", "c", "src/main/kotlin/com/shop/StockService.kt", src, "kotlin"),
        SourceFile.from_raw("s", "c", "src/main/kotlin/com/shop/ItemRepository.kt", repo, "kotlin"),
    ]
    (r,) = run_tasks(parse_files(files).units, ["spring-service"], TaskOptions())[0]
    assert r.lang == "kotlin" and r.output.startswith("@Service\nclass StockService(")
    assert "Repositories it injects:\n```\ninterface com.shop.ItemRepository : JpaRepository<Item, Long>" in r.input


def test_acme_shop():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, _ = run_tasks(parse_files(files).units, ["spring-service"], TaskOptions())
    assert len(records) >= 5 and all("Repositories it injects:" in r.input for r in records)
