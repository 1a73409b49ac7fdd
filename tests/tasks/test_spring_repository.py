from helpers import ROOT
from minions.parsing import parse_files
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from tasks.spring_fixture import DAO, REPO, reasons, shop_units

ENTITY_INFO = """```
@Entity class com.shop.order.Order
- fields: id:Long, customer:String
- methods: getId(): Long
```"""


def test_spring_data_interface_and_dao_given_their_entity():
    units = shop_units()
    records, rejected = run_tasks(units, ["spring-repository"], TaskOptions())
    by_class = {r.focal_class: r for r in records}
    assert set(by_class) == {"OrderRepository", "OrderDao"}
    r = by_class["OrderRepository"]
    assert r.input == (
        "File: src/main/java/com/shop/order/OrderRepository.java\nRepository: interface OrderRepository\n"
        f"Entity:\n{ENTITY_INFO}"
    )
    assert r.output == REPO.split("\n", 2)[2].strip() and "interface" in r.instruction
    dao = by_class["OrderDao"]
    assert dao.input.endswith(ENTITY_INFO) and "Repository: class OrderDao" in dao.input
    assert dao.output == DAO.split("\n", 2)[2].strip()
    entity = next(u for u in units if u.kind == "class" and u.name == "Order")
    assert r.unit_ids[1:] == [entity.id] == dao.unit_ids[1:]
    assert reasons(units, rejected) == {
        "ArchiveRepository": "no methods of its own",
        "LogRepository": "no entity found",
    }


def test_deterministic_and_chinese():
    a = run_tasks(shop_units(), ["spring-repository"], TaskOptions(zh_ratio=1.0))[0]
    assert [r.id for r in a] == [
        r.id for r in run_tasks(shop_units(), ["spring-repository"], TaskOptions(zh_ratio=1.0))[0]
    ]
    assert all(r.instruction_lang == "zh" and r.template_id.startswith("spring-repository/zh/") for r in a)


def test_acme_shop():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, _ = run_tasks(parse_files(files).units, ["spring-repository"], TaskOptions())
    assert len(records) >= 5 and all(r.input.count("Entity:") == 1 for r in records)
