"""spring-data-method: a derived query method declared from a description and its entity."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE
from minions.parsing import parse_files
from minions.records import SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks

USER = """package com.shop.model;

@Entity
public class User {
    private Long id;
    private String email;
    private int status;
}
"""

REPOSITORY = """package com.shop.repo;

import org.springframework.data.jpa.repository.JpaRepository;

public interface UserRepository extends JpaRepository<User, Long> {

    List<User> findByEmailAndStatus(String email, int status);

    /** The newest users first, at most ten. */
    @Transactional(readOnly = true)
    List<User> findTop10ByOrderByIdDesc();

    void recompute();
}
"""

ORPHAN = """package com.shop.repo;

public interface InvoiceRepository extends CrudRepository<Invoice, Long> {
    List<Invoice> findByNumber(String number);
}
"""

KOTLIN = """package com.shop.repo

@Entity
class Tag(@Id val id: Long, val label: String)

interface TagRepository : CrudRepository<Tag, Long> {
    fun findByLabel(label: String): Tag?
}
"""


@pytest.fixture(scope="module")
def units():
    files = [
        SourceFile.from_raw("shop", "c", "src/main/java/com/shop/model/User.java", USER, "java"),
        SourceFile.from_raw("shop", "c", "src/main/java/com/shop/repo/UserRepository.java", REPOSITORY, "java"),
        SourceFile.from_raw("shop", "c", "src/main/java/com/shop/repo/InvoiceRepository.java", ORPHAN, "java"),
        SourceFile.from_raw("shop", "c", "src/main/kotlin/com/shop/repo/Tags.kt", KOTLIN, "kotlin"),
    ]
    return parse_files(files).units


def _run(units, **opts):
    records, rejected = run_tasks(units, ["spring-data-method"], TaskOptions(**opts))
    name_of = {u.id: u.name for u in units}
    return {name_of[r.unit_ids[0]]: r for r in records}, {name_of[x.id]: x.reason for x in rejected}


def test_record_from_the_name_and_the_entity(units):
    records, rejected = _run(units)
    r = records["findByEmailAndStatus"]
    assert r.output == "List<User> findByEmailAndStatus(String email, int status);"
    assert r.input == (
        "Repository:\n```\ninterface com.shop.repo.UserRepository : JpaRepository<User, Long>\n```\n"
        "Entity:\n```\n@Entity class com.shop.model.User\n- fields: id:Long, email:String, status:int\n```\n"
        "Description: Find by email and status, given email and status"
    )
    assert r.lang == "java" and r.focal_class == "UserRepository" and "`UserRepository`" in r.instruction
    assert "recompute" not in records and "recompute" not in rejected, "not a derived query"


def test_doc_is_the_description_and_annotations_stay_in_the_output(units):
    records, _ = _run(units, zh_ratio=1.0)
    r = records["findTop10ByOrderByIdDesc"]
    assert r.output == "@Transactional(readOnly = true)\nList<User> findTop10ByOrderByIdDesc();"
    assert r.input.endswith("描述：The newest users first, at most ten.")
    assert r.instruction_lang == "zh" and r.template_id.startswith("spring-data-method/zh/")


def test_kotlin_and_the_missing_entity(units):
    records, rejected = _run(units)
    assert records["findByLabel"].output == "fun findByLabel(label: String): Tag?"
    assert records["findByLabel"].lang == "kotlin"
    assert rejected == {"findByNumber": "entity class not found"}


def test_ids_are_deterministic(units):
    a = [r.id for r in run_tasks(units, ["spring-data-method"], TaskOptions())[0]]
    assert a == [r.id for r in run_tasks(units, ["spring-data-method"], TaskOptions())[0]] and len(set(a)) == 3


def test_acme_shop_yields_records():
    files, _ = collect(EXAMPLE)
    records, _ = run_tasks(parse_files(files).units, ["spring-data-method"], TaskOptions())
    assert records and all(r.output.endswith(");") and "By" in r.output for r in records)
