"""Query units: @Query of each Spring Data store, derived query methods, their entities.
Fixture: tests/parsing/fixtures/jpa-shop."""

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
