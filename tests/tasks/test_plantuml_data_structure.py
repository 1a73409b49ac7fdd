"""plantuml-data-structure: a package's entities drawn from their fields and JPA relations; the validator."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from minions.tasks.plantuml_data_structure import validate

BASE = """package com.shop.model;

@MappedSuperclass
public abstract class BaseEntity {
    @Id
    private Long id;
}
"""

CUSTOMER = """package com.shop.model;

/** A person who buys. Registered once. */
@Entity
public class Customer extends BaseEntity {
    private String name;

    @Embedded
    private Address address;

    @OneToMany(mappedBy = "customer")
    private List<PurchaseOrder> orders = new ArrayList<>();
}
"""

ORDER = """package com.shop.model;

@Entity
public class PurchaseOrder {
    @Id
    private Long id;

    @ManyToOne
    @JoinColumn(name = "customer_id")
    private Customer customer;

    private Set<OrderLine> lines;

    @ManyToMany
    private Set<Tag> tags;
}
"""

LINE = """package com.shop.model;

@Entity
public class OrderLine {
    @Id
    private Long id;
    private int quantity;
}
"""

ADDRESS = """package com.shop.model;

@Embeddable
public class Address {
    private String city;
}
"""

TAG = """package com.shop.model;

@Entity
public class Tag {
    @Id
    private Long id;
    private String label;
}
"""

EXPECTED = """@startuml
class Address {
  city : String
}
abstract class BaseEntity {
  id : Long
}
class Customer {
  name : String
  address : Address
  orders : List<PurchaseOrder>
}
class OrderLine {
  id : Long
  quantity : int
}
class PurchaseOrder {
  id : Long
  customer : Customer
  lines : Set<OrderLine>
  tags : Set<Tag>
}
class Tag {
  id : Long
  label : String
}
BaseEntity <|-- Customer
Customer *-- Address : address
Customer "1" -- "*" PurchaseOrder : orders
PurchaseOrder --> "*" OrderLine : lines
PurchaseOrder "*" -- "*" Tag : tags
@enduml"""


@pytest.fixture(scope="module")
def units():
    files = [
        SourceFile.from_raw("shop", "c", f"src/main/java/com/shop/model/{name}.java", text, "java")
        for name, text in [
            ("BaseEntity", BASE),
            ("Customer", CUSTOMER),
            ("PurchaseOrder", ORDER),
            ("OrderLine", LINE),
            ("Address", ADDRESS),
            ("Tag", TAG),
        ]
    ]
    return parse_files(files).units


def test_diagram_of_fields_and_relations(units):
    records, rejected = run_tasks(units, ["plantuml-data-structure"], TaskOptions())
    assert rejected == []
    (r,) = records
    assert r.output == EXPECTED, "one line per pair: the @ManyToOne back to Customer is the @OneToMany's"
    assert validate(r.output) == []
    assert r.input == (
        "Package: com.shop.model\nEntities:\n- Address\n- BaseEntity\n- Customer: A person who buys.\n"
        "- OrderLine\n- PurchaseOrder\n- Tag"
    )
    assert r.lang == "plantuml" and r.focal_class == "com.shop.model" and len(r.unit_ids) == 6
    assert r.template_id.startswith("plantuml-data-structure/en/")


def test_chinese_wording_and_stable_ids(units):
    (zh,) = run_tasks(units, ["plantuml-data-structure"], TaskOptions(zh_ratio=1.0))[0]
    assert (
        zh.instruction_lang == "zh" and zh.input.startswith("包：com.shop.model\n实体：\n") and "类图" in zh.instruction
    )
    (en,) = run_tasks(units, ["plantuml-data-structure"], TaskOptions())[0]
    assert en.id == run_tasks(units, ["plantuml-data-structure"], TaskOptions())[0][0].id and en.id != zh.id


def test_too_many_entities_is_rejected():
    files = [
        SourceFile.from_raw(
            "r", "c", f"src/main/java/big/E{i}.java", f"package big;\n@Entity\nclass E{i} {{ int a; }}\n", "java"
        )
        for i in range(21)
    ]
    records, rejected = run_tasks(parse_files(files).units, ["plantuml-data-structure"], TaskOptions())
    assert records == [] and [x.reason for x in rejected] == ["more than 20 entities"]


GOOD = """@startuml
title Shop
skinparam classAttributeIconSize 0
hide empty methods
' a comment
class Order <<Entity>> {
  -id : Long
  +total() : long
  String note
  --
}
enum Status {
  NEW
  PAID
}
interface Priced
class Empty
Order "1" -- "*" Line : lines
Order --> Status
Order *-- Address
Line ..|> Priced
note right of Order : the aggregate root
note left of Line
  many lines
end note

@enduml"""


def test_validator_accepts_the_known_constructs():
    assert validate(GOOD) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("class A {\n}\n@enduml", "does not start with @startuml"),
        ("@startuml\nclass A {\n}", "does not end with @enduml"),
        ("@startuml\nclass A {\n  id : Long\n@enduml", "unbalanced braces"),
        ("@startuml\nclass A {\n}\n}\n@enduml", "line 4: unbalanced closing brace"),
        ("@startuml\nA => B\n@enduml", "line 2: unknown construct"),
        ("@startuml\nclass A {\n  class B {\n  }\n}\n@enduml", "line 3: not a member line"),
        ("@startuml\nSELECT * FROM a\n@enduml", "line 2: unknown construct"),
        ("@startuml\nnote left of A\n  text\n@enduml", "note without end note"),
        ("", "does not start with @startuml"),
    ],
)
def test_validator_finds_bad_diagrams(text, problem):
    assert problem in validate(text)


def test_acme_shop_yields_diagrams_that_pass_the_validator():
    files, _ = collect(EXAMPLE)
    records, _ = run_tasks(parse_files(files).units, ["plantuml-data-structure"], TaskOptions())
    assert records and all(validate(r.output) == [] for r in records)
    assert any('"1" -- "*"' in r.output for r in records), "acme-shop's Order has a @OneToMany"
    relations = {line for r in records for line in r.output.splitlines() if " -- " in line}
    assert 'Category "*" -- "*" Product : products' in relations, "Category's @ManyToMany"
    assert 'Category "*" -- "1" Category : parent' in relations, "a self-relation (a category's parent), drawn once"
    assert 'Review "1" -- "*" ReviewVote : votes' in relations, "a bidirectional mapping is drawn once"
