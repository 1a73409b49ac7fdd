from helpers import ROOT
from minions.parsing import parse_files
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from tasks.spring_fixture import CONTROLLER, KOTLIN_CONTROLLER, reasons, shop_units

ORDER_INPUT = """File: src/main/java/com/shop/order/OrderController.java
Controller to write:
```
@RestController @RequestMapping("/api/orders") class com.shop.order.OrderController(OrderService)
- fields: service:OrderService
- methods: byCustomer(String): List<Order>
```
Endpoints:
| verb | path | request | response |
|---|---|---|---|
| GET | /api/orders | customer: String (query) | List<Order> |
Services it injects:
```
@Service class com.shop.order.OrderService(OrderRepository)
- fields: orders:OrderRepository
- methods: forCustomer(String): List<Order>
```"""


def test_controller_given_its_services():
    units = shop_units()
    records, rejected = run_tasks(units, ["spring-controller"], TaskOptions())
    by_class = {r.focal_class: r for r in records}
    r = by_class["OrderController"]
    assert r.input == ORDER_INPUT and r.output == CONTROLLER.split("\n", 2)[2].strip()
    service = next(u for u in units if u.kind == "class" and u.name == "OrderService")
    assert r.unit_ids[1:] == [service.id] and r.template_id.startswith("spring-controller/en/")
    assert "services" in r.instruction and "`OrderController`" in r.instruction
    assert reasons(units, rejected) == {"PingController": "no injected service or repository found"}


def test_kotlin_controller_falls_back_to_its_repository():
    records, _ = run_tasks(shop_units(), ["spring-controller"], TaskOptions(zh_ratio=1.0))
    r = next(r for r in records if r.focal_class == "ArchiveController")
    assert "Repositories it injects:\n```\n@Repository class com.shop.order.OrderDao(JdbcTemplate)" in r.input
    assert r.output == KOTLIN_CONTROLLER.split("\n", 2)[2].strip() and r.lang == "kotlin"
    assert r.instruction_lang == "zh" and "仓储" in r.instruction


def test_deterministic():
    a = [r.model_dump() for r in run_tasks(shop_units(), ["spring-controller"], TaskOptions())[0]]
    assert a == [r.model_dump() for r in run_tasks(shop_units(), ["spring-controller"], TaskOptions())[0]]


def test_acme_shop():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, _ = run_tasks(parse_files(files).units, ["spring-controller"], TaskOptions())
    assert len(records) >= 5 and all("Services it injects:" in r.input for r in records)
