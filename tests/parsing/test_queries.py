"""Query units: @Query of each Spring Data store, derived query methods, MyBatis annotations and mapper
XML, their entities; MyBatis Generator output dropped. Fixtures: tests/parsing/fixtures/{jpa-shop,mybatis-shop}."""

import json
from pathlib import Path

import pytest

from minions.parsing import parse_files
from minions.parsing.sql import derived_query, names_in, statement_of
from minions.records import CodeUnit, SourceFile
from minions.sources.collect import collect

FIXTURES = Path(__file__).parent / "fixtures"


def _parse_fixture(name: str, languages=None):
    files, skipped = collect(FIXTURES / name)
    return files, skipped, parse_files(files, languages)


def _queries(res) -> dict[str, CodeUnit]:
    return {u.name: u for u in res.units if u.kind == "query"}


def _src(name: str, lang: str, path: str, text: str) -> SourceFile:
    return SourceFile.from_raw(name, "c", path, text, lang)


@pytest.fixture(scope="module")
def mybatis_shop():
    return _parse_fixture("mybatis-shop")


@pytest.fixture(scope="module")
def jpa_shop():
    return _parse_fixture("jpa-shop")


def test_query_annotations_read_text_blocks_concatenations_and_native_sql(jpa_shop):
    _, _, res = jpa_shop
    q = {n: u.query for n, u in _queries(res).items()}
    assert q["findBigSpenders"] == {
        "kind": "jpql",
        "statement": "select",
        "text": "select distinct c\nfrom Customer c\njoin c.invoices i\nwhere i.amount > :min",
        "entities": ["Customer"],
        "tables": [],
    }, "a text block, dedented; the join path c.invoices is no entity"
    assert q["activeNative"]["kind"] == "sql"
    assert q["activeNative"]["text"] == "select * from crm_customers c where c.status = 'ACTIVE'", "interface constant"
    assert q["activeNative"]["tables"] == ["crm_customers"]
    assert q["activeNative"]["entities"] == ["Customer"], "@Table(name = crm_customers) maps the table"
    assert (q["setStatus"]["kind"], q["setStatus"]["statement"]) == ("jpql", "update")
    assert q["bills"]["entities"] == ["Invoice", "Customer"], "@Entity(name = Bill) is Invoice; a parameter's entity"
    assert q["complaints"] == {
        "kind": "mongo",
        "statement": "select",
        "text": "{ 'productId': ?0, 'stars': { '$lte': 2 } }",
        "entities": ["Review"],
        "tables": [],
    }, "a Kotlin MongoRepository's JSON query, its \\$ unescaped"


def test_derived_query_methods_of_repositories(jpa_shop):
    _, _, res = jpa_shop
    q = {n: u.query for n, u in _queries(res).items()}
    assert q["findByEmailAndStatus"] == {
        "kind": "derived",
        "statement": "select",
        "text": "find by email and status",
        "entities": ["Customer"],
        "tables": [],
    }
    assert q["findTop10ByStatusOrderByEmailDesc"]["text"] == "find top 10 by status order by email desc"
    assert (q["deleteByStatus"]["statement"], q["countByStatus"]["statement"]) == ("delete", "select")
    assert q["findByProductIdAndStarsGreaterThan"]["entities"] == ["Review"], "Kotlin: MongoRepository<Review, String>"
    assert q["existsByProductId"]["kind"] == "derived"
    assert "findByMonth" not in q, "an interface that is no repository has no derived queries"
    kinds = {(u.kind, u.name) for u in res.units}
    assert ("method", "require") in kinds and ("query", "require") not in kinds, "a default method stays a method"
    derived = _queries(res)["findByEmailAndStatus"]
    assert derived.lang == "java" and derived.class_name == "CustomerRepository" and derived.span == (14, 14)
    assert derived.signature == "Optional<Customer> findByEmailAndStatus(String email, String status)"


def test_entities_are_annotated_classes(jpa_shop):
    _, _, jpa = jpa_shop
    assert jpa.summary()["queries_by_kind"] == {"derived": 6, "jpql": 3, "mongo": 1, "sql": 1}
    q = {n: u.query for n, u in _queries(jpa).items()}
    assert q["activeNative"]["entities"] == ["Customer"] and q["complaints"]["entities"] == ["Review"]


def test_result_map_types_are_entities(mybatis_shop):
    _, _, mb = mybatis_shop
    q = {n: u.query for n, u in _queries(mb).items()}
    assert q["findById"]["entities"] == ["Order", "OrderLine"], "resultMap type, then the collection's ofType"
    assert q["countLines"]["entities"] == ["OrderLine"], "table order_line maps OrderLine by name"
    assert q["insert"]["entities"] == ["Order"], "parameterType"


def test_mybatis_annotations_on_a_mapper_interface(mybatis_shop):
    _, _, res = mybatis_shop
    q = {n: u.query for n, u in _queries(res).items() if u.lang == "java"}
    assert q["findByEmail"] == {
        "kind": "mybatis-annotation",
        "statement": "select",
        "text": "select id, customer_email, status, total from shop_order where customer_email = #{email}",
        "entities": ["Order"],
        "tables": ["shop_order"],
    }, "array parts joined with spaces, the interface's constant resolved"
    assert (q["archive"]["statement"], q["archive"]["tables"]) == ("update", ["shop_order"])
    assert q["deleteLines"]["text"] == "delete from order_line\nwhere order_id = #{orderId}"
    assert q["deleteLines"]["entities"] == ["OrderLine"]


def test_mapper_xml_statements_are_bound_to_the_interface_methods(mybatis_shop):
    files, _, res = mybatis_shop
    xml = {u.name: u for u in res.units if u.kind == "query" and u.lang == "xml"}
    assert set(xml) == {"findById", "findByStatus", "insert", "updateStatus", "deleteCancelledBefore", "countLines"} | {
        "findSpendable"
    }
    find = xml["findById"]
    mapper_xml = next(f for f in files if f.path.endswith("OrderMapper.xml"))
    mapper_java = next(f for f in files if f.path.endswith("OrderMapper.java"))
    assert find.path == mapper_xml.path and find.file_id == mapper_xml.id
    lines = mapper_xml.text.splitlines()
    assert lines[find.span[0] - 1].strip() == '<select id="findById" resultMap="OrderResult">'
    assert lines[find.span[1] - 1].strip() == "</select>"
    start = mapper_xml.text.encode().index(b'<select id="findById"')
    end = mapper_xml.text.encode().index(b"</select>", start) + len(b"</select>")
    assert find.id == CodeUnit.make_id(mapper_xml.id, (start, end))
    assert find.code.startswith('    <select id="findById"') and find.code.endswith("</select>")
    src = mapper_java.text.encode()
    m_start = src.index(b"Order findById(")
    assert find.query["method_id"] == CodeUnit.make_id(mapper_java.id, (m_start, src.index(b";", m_start) + 1))
    assert find.query["mapper"] == "com.acme.shop.order.OrderMapper"
    assert (find.class_name, find.package, find.module) == ("OrderMapper", "com.acme.shop.order", "")
    assert find.signature == 'Order findById(@Param("id") long id)' and find.doc == "/** One order with its lines. */"
    assert find.context.startswith("@Mapper\npublic interface OrderMapper")
    assert find.query["statement"] == "select"
    assert find.query["text"].startswith('select <include refid="columns"/>, l.sku, l.quantity\n<include')
    assert find.query["tables"] == ["shop_order", "order_line"], "the included fragment's table is read"
    status = xml["findByStatus"].query
    assert '<if test="status > 0">o.status = #{status}</if>' in status["text"], "a > inside an attribute"
    assert status["text"].endswith("limit #{limit}")
    assert xml["deleteCancelledBefore"].query["statement"] == "delete"
    assert xml["countLines"].query["method_id"] is None, "no interface method of that name"


def test_mybatis_generator_output_is_dropped(mybatis_shop):
    files, _, res = mybatis_shop
    paths = {f.id: f.path for f in files}
    generated = sorted(
        paths[r.id].rsplit("/", 1)[-1] for r in res.skipped if r.reason == "generated (MyBatis Generator)"
    )
    assert generated == ["Coupon.java", "CouponExample.java", "CouponMapper.java", "CouponMapper.xml"]
    names = {(u.kind, u.class_name or u.name, u.name) for u in res.units}
    assert not any(n[1].startswith("Coupon") or n[1] in ("GeneratedCriteria", "Criteria") for n in names)
    # comments kept: the @mbg.generated members go, the hand-written ones stay
    assert ("method", "GiftCard", "isSpendableOn") in names and ("class", "GiftCard", "GiftCard") in names
    assert ("method", "GiftCard", "getId") not in names
    assert ("class", "GiftCardMapper", "GiftCardMapper") in names, "it declares a method of its own"
    gift_xml = [u.name for u in res.units if u.lang == "xml" and u.class_name == "GiftCardMapper"]
    assert gift_xml == ["findSpendable"]
    summary = res.summary()
    assert summary["skipped_by_reason"] == {"generated": 4}
    assert summary["methods"] == 4 and summary["queries_by_kind"] == {"mybatis-annotation": 3, "mybatis-xml": 7}


ORDER_MODEL = """package shop;

public class Order {
    private Long id;

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }
}
"""


def test_hand_written_look_alikes_of_generator_output_are_kept():
    example = (
        "package shop;\n\n/** A worked example. */\npublic class PricingExample {\n    int run() { return 1; }\n}\n"
    )
    model = ORDER_MODEL.replace("    private Long id;\n", "    private Long id;\n\n    int total() { return 2; }\n")
    mapper = (
        "package shop;\n\npublic interface OrderMapper {\n    Order selectByPrimaryKey(Long id);\n\n"
        "    List<Order> findLate(int days);\n}\n"
    )
    files = [
        _src("r", "java", "shop/PricingExample.java", example),
        _src("r", "java", "shop/Order.java", model),
        _src("r", "java", "shop/OrderMapper.java", mapper),
    ]
    res = parse_files(files)
    names = {(u.kind, u.name) for u in res.units}
    assert {("class", "PricingExample"), ("method", "run"), ("method", "getId"), ("class", "OrderMapper")} <= names
    assert res.skipped == []


def test_a_model_of_an_example_class_goes_only_when_all_its_methods_are_accessors():
    example = (FIXTURES / "mybatis-shop/src/main/java/com/acme/shop/coupon/CouponExample.java").read_text()
    example = example.replace("CouponExample", "OrderExample").replace("package com.acme.shop.coupon", "package shop")
    files = [_src("r", "java", "shop/OrderExample.java", example), _src("r", "java", "shop/Order.java", ORDER_MODEL)]
    res = parse_files(files)
    assert res.units == [] and len(res.skipped) == 2
    hand = ORDER_MODEL.replace("    private Long id;\n", "    private Long id;\n\n    int total() { return 2; }\n")
    res = parse_files([files[0], _src("r", "java", "shop/Order.java", hand)])
    assert {u.name for u in res.units} == {"Order", "getId", "setId", "total"}


MAPPER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE mapper PUBLIC "-//mybatis.org//DTD Mapper 3.0//EN" "http://mybatis.org/dtd/mybatis-3-mapper.dtd">
<mapper namespace="shop.OrderMapper">
  <select id="findLate" resultType="shop.Order">select * from orders where due &lt; now()</select>
</mapper>
"""


def test_unsafe_or_broken_mapper_xml_is_skipped_with_a_reason():
    bomb = MAPPER_XML.replace(
        '"http://mybatis.org/dtd/mybatis-3-mapper.dtd">',
        '"x.dtd" [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ).replace("select *", "select &b;")
    external = MAPPER_XML.replace(
        '<!DOCTYPE mapper PUBLIC "-//mybatis.org//DTD Mapper 3.0//EN" "http://mybatis.org/dtd/mybatis-3-mapper.dtd">',
        '<!DOCTYPE mapper [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ).replace("select *", "select &secret;")
    files = [
        _src("r", "xml", "a/BombMapper.xml", bomb),
        _src("r", "xml", "b/ExternalMapper.xml", external),
        _src("r", "xml", "c/BrokenMapper.xml", MAPPER_XML.replace("</select>", "")),
        _src("r", "xml", "d/OrderMapper.xml", MAPPER_XML),
    ]
    res = parse_files(files)
    by_id = {f.id: f.path for f in files}
    reasons = {by_id[r.id]: r.reason for r in res.skipped}
    assert reasons["a/BombMapper.xml"].startswith("unsafe XML")
    assert reasons["b/ExternalMapper.xml"].startswith("unsafe XML")
    assert reasons["c/BrokenMapper.xml"].startswith("syntax error near line 5")
    assert [u.name for u in res.units] == ["findLate"] and res.units[0].path == "d/OrderMapper.xml"
    assert res.units[0].query["text"] == "select * from orders where due &lt; now()"
    assert res.summary()["skipped_by_reason"] == {"syntax": 1, "unsafe XML": 2}


def test_xml_that_is_no_mapper_and_other_languages_are_left_alone():
    files = [
        _src("r", None, "pom.xml", "<project><name>mapper</name></project>"),
        _src("r", "xml", "logback.xml", "<configuration><appender name='mapper'/></configuration>"),
        _src("r", "xml", "d/OrderMapper.xml", MAPPER_XML),
    ]
    assert [u.name for u in parse_files(files).units] == ["findLate"]
    assert parse_files(files, ["python"]).units == [], "mapper XML is read when Java or Kotlin is"


def test_units_with_queries_round_trip_as_json(mybatis_shop):
    _, _, res = mybatis_shop
    for u in res.units:
        assert CodeUnit(**json.loads(json.dumps(u.model_dump()))) == u
    assert all((u.query is not None) == (u.kind == "query") for u in res.units)


@pytest.mark.parametrize(
    ("query", "jpql", "names"),
    [
        ("select o from Order o join o.items i where o.status = :s", True, ["Order"]),
        ("select u from com.shop.User u, Role r where r member of u.roles", True, ["User", "Role"]),
        ("delete Order o where o.id = :id", True, ["Order"]),
        (
            "select a.id, extract(year from a.created_at) from shop.orders a, customers c join items i on i.o = a.id"
            " where exists (select 1 from refunds r) for update",
            False,
            ["orders", "customers", "items", "refunds"],
        ),
        ("insert into t_user (name) values (#{n}) on duplicate key update name = values(name)", False, ["t_user"]),
        ("select * from `order` where note = 'from x' -- from y", False, ["order"]),
        ("with recent as (select * from orders) select * from recent", False, ["orders"]),
        ("select a from oms_order o left join item i on o.id = i.oid order by o.id asc, i.create_time", False, None),
        ("select * from ${table}", False, []),
    ],
)
def test_names_in_queries(query, jpql, names):
    assert names_in(query, jpql) == (names if names is not None else ["oms_order", "item"])


def test_statements_and_derived_names():
    assert [statement_of(q) for q in ("SELECT 1", "from Order o", "with x as (select 1) select", "merge into t")] == [
        "select",
        "select",
        "select",
        "insert",
    ]
    assert statement_of("<script>update t set a = 1</script>") == "update"
    assert derived_query("findByAddress_ZipCodeAndActiveTrue") == {
        "text": "find by address zip code and active true",
        "statement": "select",
    }
    assert derived_query("removeByExpiresOnBefore")["statement"] == "delete"
    assert derived_query("findAll") == {"text": "find all", "statement": "select"}
    assert derived_query("save") is None and derived_query("finder") is None and derived_query("getaway") is None


def _repo(store_import: str, body: str, extra: str = "") -> SourceFile:
    text = (
        f"package shop;\n\nimport {store_import};\n{extra}\n"
        f"public interface ItemRepository extends CrudRepository<Item, Long> {{\n{body}\n}}\n"
    )
    return _src("r", "java", "shop/ItemRepository.java", text)


@pytest.mark.parametrize(
    ("store_import", "annotation", "kind", "statement", "tables"),
    [
        ("org.springframework.data.jpa.repository.Query", '@Query("select i from Item i")', "jpql", "select", []),
        (
            "org.springframework.data.jdbc.repository.query.Query",
            '@Query("select * from item")',
            "sql",
            "select",
            ["item"],
        ),
        ("org.springframework.data.r2dbc.repository.Query", '@Query("delete from item")', "sql", "delete", ["item"]),
        (
            "org.springframework.data.cassandra.repository.Query",
            '@Query("SELECT * FROM items")',
            "cql",
            "select",
            ["items"],
        ),
        (
            "org.springframework.data.neo4j.repository.query.Query",
            '@Query("MATCH (i:Item) RETURN i")',
            "cypher",
            None,
            [],
        ),
        ("org.springframework.data.mongodb.repository.Query", "@Query(\"{ 'sku': ?0 }\")", "mongo", "select", []),
    ],
)
def test_the_store_a_query_annotation_comes_from_says_its_language(store_import, annotation, kind, statement, tables):
    res = parse_files([_repo(store_import, f"    {annotation}\n    List<Item> custom(String sku);")])
    (q,) = [u.query for u in res.units if u.kind == "query"]
    assert (q["kind"], q["statement"], q["tables"]) == (kind, statement, tables)


def test_a_query_annotation_without_a_query_and_tables_of_plain_classes():
    body = (
        "    @Query(fields = \"{ 'sku': 1 }\")\n    List<Item> findSkusByActiveTrue();\n\n"
        "    @Query(nativeQuery = true)\n    List<Item> namedNativeReport();\n\n"
        '    @Query("select i.* from item i join item_tag t on t.item_id = i.id")\n    List<Item> tagged();'
    )
    item = "package shop;\n\npublic class Item {\n    Long id;\n}\n"
    tag = "package shop;\n\n/** Spring Data JDBC needs no @Table. */\npublic class ItemTag {\n    Long itemId;\n}\n"
    files = [
        _repo("org.springframework.data.jdbc.repository.query.Query", body),
        _src("r", "java", "shop/Item.java", item),
        _src("r", "java", "shop/ItemTag.java", tag),
    ]
    q = {u.name: u.query for u in parse_files(files).units if u.kind == "query"}
    assert q["findSkusByActiveTrue"]["kind"] == "derived", "only a projection: the name is the query"
    assert (q["namedNativeReport"]["kind"], q["namedNativeReport"]["text"]) == ("sql", "")
    assert q["tagged"]["tables"] == ["item", "item_tag"]
    assert q["tagged"]["entities"] == ["Item", "ItemTag"], "classes named like the tables"


def test_framework_types_of_a_mapper_statement_are_no_entities():
    xml = MAPPER_XML.replace(
        'resultType="shop.Order"',
        'resultType="shop.Order" parameterType="org.springframework.data.jdbc.mybatis.MyBatisContext"',
    )
    res = parse_files([_src("r", "xml", "d/OrderMapper.xml", xml)])
    assert res.units[0].query["entities"] == ["Order"]


DYNAMIC_SQL_MAPPER = """package shop;

import jakarta.annotation.Generated;

@Mapper
public interface PersonMapper extends CommonCountMapper {
    @Generated("org.mybatis.generator.api.MyBatisGenerator")
    BasicColumn[] selectList = BasicColumn.columnList(id, firstName);

    @Generated("org.mybatis.generator.api.MyBatisGenerator")
    default long count(CountDSLCompleter completer) {
        return MyBatis3Utils.countFrom(this::count, person, completer);
    }

    @Generated(value = "org.mybatis.generator.api.MyBatisGenerator", comments = "Source Table: person")
    default int deleteByPrimaryKey(Integer id_) {
        return delete(c -> c.where(id, isEqualTo(id_)));
    }

    default List<Person> adults() {
        return select(c -> c.where(age, isGreaterThanOrEqualTo(18)));
    }
}
"""


def test_mybatis_dynamic_sql_members_marked_generated_are_dropped():
    res = parse_files([_src("r", "java", "shop/PersonMapper.java", DYNAMIC_SQL_MAPPER)])
    assert [(u.kind, u.name) for u in res.units] == [("class", "PersonMapper"), ("method", "adults")]
    assert res.skipped == []
    alone = DYNAMIC_SQL_MAPPER.split("    default List<Person> adults()")[0] + "}\n"
    res = parse_files([_src("r", "java", "shop/PersonMapper.java", alone)])
    assert res.units == [] and [r.reason for r in res.skipped] == ["generated (MyBatis Generator)"]


def test_the_documented_code_units_are_valid_and_show_a_query():
    doc = (Path(__file__).parents[2] / "docs" / "formats.md").read_text()
    section = doc.split("## Code unit", 1)[1].split("\n## ", 1)[0]
    block = section.split("```json\n", 1)[1].split("```", 1)[0]
    units = [CodeUnit(**json.loads(line)) for line in block.strip().splitlines()]
    assert any(u.kind == "query" and u.query["kind"] == "mybatis-xml" for u in units)


GOODS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<mapper namespace="shop.dao.GoodsMapper">
  <resultMap id="GoodsResult" type="shop.entity.Goods"/>
  <resultMap id="BannerResult" type="shop.entity.Carousel"/>
  <select id="findGoods" resultMap="GoodsResult">select * from tb_shop_goods_info where id = #{id}</select>
  <select id="countGoods" resultType="int">select count(*) from tb_shop_goods_info</select>
  <update id="hideBanner">update tb_shop_carousel set hidden = 1 where id = #{id}</update>
</mapper>
"""


def test_tables_map_entities_by_prefixed_names_and_by_what_the_statements_show():
    res = parse_files([_src("r", "xml", "res/GoodsMapper.xml", GOODS_XML)])
    q = {u.name: u.query for u in res.units}
    assert q["hideBanner"]["entities"] == ["Carousel"], "tb_shop_carousel: the name without its prefix words"
    assert q["countGoods"]["entities"] == ["Goods"], "findGoods shows tb_shop_goods_info holds Goods"


def test_a_select_result_type_is_an_entity_for_the_other_statements():
    xml = MAPPER_XML.replace(
        "</mapper>", '  <insert id="insertStatus">insert into order_status (id) values (#{id})</insert>\n</mapper>'
    )
    mapper = "package shop;\n\npublic interface OrderMapper {\n    void insertStatus(Order order);\n}\n"
    res = parse_files([_src("r", "xml", "d/OrderMapper.xml", xml), _src("r", "java", "shop/OrderMapper.java", mapper)])
    q = {u.name: u.query for u in res.units if u.kind == "query"}
    assert q["insertStatus"]["entities"] == ["Order"], "the bound method takes an Order, a class rows map to"


def test_a_deeply_nested_mapper_statement_is_read_without_recursing_to_death():
    from minions.parsing import parse_files
    from minions.records import SourceFile

    depth = 3000
    body = '<if test="a">' * depth + "select * from orders" + "</if>" * depth
    xml = (
        '<?xml version="1.0"?>\n<mapper namespace="shop.OrderMapper">\n'
        f'<select id="find" resultType="shop.Order">{body}</select>\n</mapper>\n'
    )
    res = parse_files([SourceFile.from_raw("r", "c", "OrderMapper.xml", xml, "xml")])
    assert [(u.kind, u.name) for u in res.units] == [("query", "find")]
    assert res.skipped == []


def test_a_statement_without_an_id_is_no_unit():
    from minions.parsing import parse_files
    from minions.records import SourceFile

    xml = (
        '<?xml version="1.0"?>\n<mapper namespace="shop.OrderMapper">\n'
        "<select>select * from orders</select>\n"
        '<select id="find">select * from orders where id = #{id}</select>\n</mapper>\n'
    )
    res = parse_files([SourceFile.from_raw("r", "c", "OrderMapper.xml", xml, "xml")])
    assert [u.name for u in res.units] == ["find"]


def test_a_class_whose_annotation_says_interface_is_no_interface():
    """Review finding: `_is_interface` read the word in an annotation's text on the class info line,
    so a DAO class with MBG-like methods and an `...Example` class was dropped as generated."""
    from minions.parsing.mybatis import _is_interface
    from minions.records import CodeUnit, Provenance

    def unit(info):
        src = Provenance(repo="r", commit="c", path="a/UserDao.java")
        return CodeUnit(
            id="x",
            kind="class",
            lang="java",
            path="a/UserDao.java",
            span=(1, 2),
            file_id="f",
            source=src,
            module="",
            name="UserDao",
            code="class UserDao {}",
            info=info,
        )

    assert not _is_interface(unit('@Api(tags = "the admin interface api") @Repository class com.x.UserDao'))
    assert _is_interface(unit("@Mapper interface com.x.UserDao"))
    assert _is_interface(unit("interface com.x.UserDao<T> : BaseMapper<T>"))


@pytest.mark.timeout(20)
def test_an_unclosed_text_block_does_not_hang_the_query_pass():
    """Review finding: `(?:.|\n)*?` backtracked exponentially on an unclosed triple-quoted string
    (a Kotlin test file of a real project never finished parsing); 40 lines took hours."""
    from minions.parsing.queries import _STRING_LITERAL

    text = 'val x = """abc\n' + "a\n" * 40 + 'val y = "q"'
    assert [m.group(0) for m in _STRING_LITERAL.finditer(text)] == ['""', '"abc\n' + "a\n" * 40 + 'val y = "']
