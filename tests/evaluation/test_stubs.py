"""Stubs from the outline: a generated Java member compiles inside its class, its errors count, the
stub's and the repository's missing types do not."""

from minions.evaluation.ladder import compile_java_batch, jdk_class_names
from minions.evaluation.outputs import compile_scores
from minions.evaluation.stubs import focal_outline, java_member_file, parse_outline, split_top

OUTLINE = """@Service class com.example.shop.catalog.CatalogService(ProductRepository) : Base
- fields: productRepository:ProductRepository, limits:Map<String, Integer>
- methods: getProduct(long): Product, countAll(): int, isOpen(): boolean, names(): List<String>, \
touch(String, int): void
- private methods: check(Product): void"""

INPUT = (
    f"File: shop/CatalogService.java\nClass outline:\n```\n{OUTLINE}\n```\n"
    "Method to implement:\n```java\nint countAll()\n```"
)


def test_split_top_keeps_generics_together():
    assert split_top("a(): Map<String, Integer>, b(int, long): void") == [
        "a(): Map<String, Integer>",
        "b(int, long): void",
    ]


def test_an_outline_is_read_line_by_line():
    o = parse_outline(OUTLINE)
    assert (o.kind, o.package, o.name) == ("class", "com.example.shop.catalog", "CatalogService")
    assert o.fields == (("productRepository", "ProductRepository"), ("limits", "Map<String, Integer>"))
    assert o.methods[0] == ("getProduct", ("long",), "Product") and o.methods[4] == ("touch", ("String", "int"), "void")
    assert o.methods[-1] == ("check", ("Product",), "void"), "private helpers are stubbed too"
    assert focal_outline(INPUT) == o and focal_outline("no fences") is None
    assert parse_outline("interface com.a.Repo : JpaRepository<Product, Long>").kind == "interface"


def test_the_member_sits_in_a_stub_of_its_class_with_its_line_span():
    member = "public int countAll() {\n    return limits.size();\n}"
    source, (first, last) = java_member_file(member, parse_outline(OUTLINE))
    lines = source.splitlines()
    assert lines[0].startswith("import java.util.*;") and lines[1] == "public class CatalogService {"
    assert "    static ProductRepository productRepository;" in lines
    assert (
        "    static boolean isOpen() { return false; }" in lines
        and "    static int countAll() { return 0; }" not in lines
    )
    assert "    static void touch(String a0, int a1) { }" in lines
    assert lines[first - 1 : last] == member.splitlines()


def test_a_member_using_its_class_compiles_and_a_broken_one_does_not():
    o = parse_outline(OUTLINE)
    good = (
        'public int countAll() {\n    if (isOpen()) { touch("x", 1); }\n    return limits.size() + names().size();\n}'
    )
    wrong_type = "public int countAll() {\n    return names();\n}"
    undefined = "public int countAll() {\n    return nope + 1;\n}"
    repo_type = "public int countAll() {\n    Product p = getProduct(1L);\n    return p == null ? 0 : 1;\n}"
    missing_import = "public int countAll() {\n    ArrayList<String> a = new ArrayList<>();\n    return a.size();\n}"
    sources, counted = {}, {}
    for key, member in [("good", good), ("type", wrong_type), ("undefined", undefined), ("repo", repo_type),
                        ("import", missing_import)]:  # fmt: skip
        sources[key], counted[key] = java_member_file(member, o)
    found = compile_java_batch(sources, counted=counted)
    assert found["good"].compiles is True, "the stub's own missing types are not the member's"
    assert found["type"].compiles is False and "incompatible types" in found["type"].error
    assert found["undefined"].compiles is False and "nope" in found["undefined"].error
    assert found["repo"].compiles is None and "Product" in found["repo"].unresolved
    assert found["import"].compiles is True, "the stub imports java.util.*, as the member's file would"


def test_compile_scores_use_the_outline_for_java_members():
    record = {"task": "implement-method", "lang": "java", "input": INPUT, "output": ""}
    found = compile_scores([record, record], ["int countAll() { return 1; }", 'int countAll() { return "x"; }'])
    assert [f["compiles"] for f in found] == [1.0, 0.0]


def test_the_jdk_names_come_from_the_runtime_image():
    names = jdk_class_names()
    assert {"List", "Optional", "BigDecimal", "LocalDate", "ArrayList"} <= names and "Product" not in names


def test_review_override_static_calls_on_repository_classes_and_more_jdk_packages_are_not_errors():
    o = focal_outline(
        "```\n@Service class com.acme.PostServiceImpl(PostRepository) : PostService\n"
        "- fields: repo:PostRepository\n- methods: findAll(): List<Post>, count(): long\n```\n"
    )
    members = {
        "override": "@Override\npublic long count() {\n    return repo.count();\n}",
        "static-call": "public List<Post> findAll() {\n    return PostMapper.sorted(repo.findAll());\n}",
        "regex": 'public long count() {\n    Pattern p = Pattern.compile("x");\n    return p.pattern().length();\n}',
        "undefined-local": "public long count() {\n    long total = 0;\n    return Total + total;\n}",
    }
    sources, counted = {}, {}
    for key, member in members.items():
        sources[key], counted[key] = java_member_file(member, o)
    found = compile_java_batch(sources, counted=counted)
    assert found["override"].compiles is True, "the stub has no supertypes: @Override cannot be checked"
    assert found["static-call"].compiles is None and "PostMapper" in found["static-call"].unresolved
    assert found["regex"].compiles is True, "java.util.regex is imported as the real file would"
    assert found["undefined-local"].compiles is None, "a capitalised unknown name reads as a class"


def test_review_a_class_with_equals_and_a_constructor_gets_a_stub_that_compiles():
    """Object's methods stubbed `static` did not compile ("equals(Object) in Money cannot override"),
    so every member of a class that declares equals failed the compile rung; and a test's
    `new Money(1, "EUR")` needs the outline's constructor."""
    o = parse_outline(
        "class com.acme.Money(long, String) : Comparable<Money>\n- fields: cents:long\n"
        "- methods: plus(Money): Money, equals(Object): boolean, hashCode(): int, toString(): String, clone(): Money"
    )
    assert o.constructor == ("long", "String") and parse_outline("class com.a.B").constructor is None
    member = "public Money plus(Money other) {\n    return new Money(cents + other.cents, toString());\n}"
    source, span = java_member_file(member, o, package=True)
    assert source.startswith("package com.acme; import java.util.*;")
    assert "    public Money(long a0, String a1) { }" in source.splitlines()
    assert "    public boolean equals(Object a0) { return false; }" in source.splitlines()
    assert compile_java_batch({"m": source}, counted={"m": span})["m"].compiles is True
