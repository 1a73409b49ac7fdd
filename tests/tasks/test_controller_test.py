from helpers import ROOT
from minions.parsing import parse_files
from minions.parsing.languages import LANGUAGES
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from tasks.spring_fixture import reasons, shop_units

TEST_METHOD = """@Test
void byCustomer() throws Exception {
    mockMvc.perform(get("/api/orders").param("customer", "ann"))
        .andExpect(status().isOk());
}"""


def test_mockmvc_test_of_a_paired_endpoint():
    units = shop_units()
    records, rejected = run_tasks(units, ["controller-test"], TaskOptions())
    (r,) = records
    assert r.output == TEST_METHOD
    assert r.input.startswith(
        'Controller:\n```\n@RestController @RequestMapping("/api/orders") class com.shop.order.OrderController'
    )
    assert "Endpoints:\n| verb | path | request | response |\n|---|---|---|---|\n| GET | /api/orders |" in r.input
    assert "Test class outline (src/test/java/com/shop/order/OrderControllerTest.java):" in r.input
    assert "private MockMvc mockMvc;" in r.input and '.param("customer"' not in r.input
    assert "`byCustomer`" in r.instruction and "(GET /api/orders)" in r.instruction
    assert r.focal_class == "OrderController" and r.pairing_rule is not None and len(r.unit_ids) == 2
    assert not LANGUAGES["java"].parser().parse(f"class X {{\n{r.output}\n}}".encode()).root_node.has_error
    assert reasons(units, rejected) == {"ping": "not a MockMvc test"}


def test_deterministic_and_chinese():
    a = run_tasks(shop_units(), ["controller-test"], TaskOptions(zh_ratio=1.0))[0]
    b = run_tasks(shop_units(), ["controller-test"], TaskOptions(zh_ratio=1.0))[0]
    assert [r.model_dump() for r in a] == [r.model_dump() for r in b]
    assert a[0].instruction_lang == "zh" and "MockMvc" in a[0].instruction


def test_acme_shop():
    files, _ = collect(ROOT / "examples" / "acme-shop")
    records, _ = run_tasks(parse_files(files).units, ["controller-test"], TaskOptions())
    assert len(records) >= 2 and all("mockMvc" in r.output for r in records)
