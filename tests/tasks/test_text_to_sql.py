"""text-to-sql: native SQL, MyBatis (annotation and XML) and JPQL queries with their schema and question."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE
from minions.parsing import parse_files
from minions.records import InstructionRecord, Rejection, SourceFile
from minions.sources.collect import collect
from minions.tasks import TaskOptions, run_tasks
from minions.tasks.text_to_sql import doc_text, param_names, question, sql_problem, xml_sql

USER = """package com.shop.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

@Entity
@Table(name = "users")
public class User {
    private Long id;
    private String email;
    private int status;

    public String getEmail() { return email; }
}
"""

REPOSITORY = """package com.shop.repo;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface UserRepository extends JpaRepository<User, Long> {

    @Query(value = "select * from users\\n where email = :email and status = :status", nativeQuery = true)
    List<User> findActive(@Param("email") String email, @Param("status") int status);

    /**
     * Users who signed up after the given day.
     *
     * @param day the day
     */
    @Query("select u from User u where u.createdAt > :day")
    List<User> recent(@Param("day") Instant day);

    @Query(value = "selec broken frm users", nativeQuery = true)
    List<User> broken();

    @Query(value = "select * from users where id = :#{#user.id}", nativeQuery = true)
    User bySpel(User user);

    List<User> findByEmail(String email);
}
"""

MAPPER = """package com.shop.mapper;

import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Select;

@Mapper
public interface UserMapper {
    @Select("SELECT count(*) FROM users WHERE status = #{status}")
    int countByStatus(int status);

    List<User> listCheap(long max);

    List<User> search(String keyword);

    List<User> byIds(List<Long> ids);

    List<User> ordered(String column);

    List<User> withColumns();
}
"""

MAPPER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<mapper namespace="com.shop.mapper.UserMapper">
    <sql id="cols">id, email</sql>
    <select id="listCheap" resultType="com.shop.model.User">
        SELECT id, email
        FROM users
        <where>
            AND status &lt; 3
            <![CDATA[ AND price <= #{max} ]]>
        </where>
    </select>
    <select id="search" resultType="com.shop.model.User">
        SELECT * FROM users
        <where>
            <if test="keyword != null">email LIKE #{keyword}</if>
        </where>
    </select>
    <select id="byIds" resultType="com.shop.model.User">
        SELECT * FROM users WHERE id IN
        <foreach collection="ids" item="id" open="(" separator="," close=")">#{id}</foreach>
    </select>
    <select id="ordered" resultType="com.shop.model.User">
        SELECT * FROM users ORDER BY ${column}
    </select>
    <select id="withColumns" resultType="com.shop.model.User">
        SELECT <include refid="cols"/> FROM users
    </select>
</mapper>
"""


@pytest.fixture(scope="module")
def units():
    files = [
        SourceFile.from_raw("shop", "c", "src/main/java/com/shop/model/User.java", USER, "java"),
        SourceFile.from_raw("shop", "c", "src/main/java/com/shop/repo/UserRepository.java", REPOSITORY, "java"),
        SourceFile.from_raw("shop", "c", "src/main/java/com/shop/mapper/UserMapper.java", MAPPER, "java"),
        SourceFile.from_raw("shop", "c", "src/main/resources/mapper/UserMapper.xml", MAPPER_XML, "xml"),
    ]
    return parse_files(files).units


def _run(units, **opts) -> tuple[dict[str, InstructionRecord], dict[str, str]]:
    records, rejected = run_tasks(units, ["text-to-sql"], TaskOptions(**opts))
    name_of = {u.id: u.name for u in units}
    return {name_of[r.unit_ids[0]]: r for r in records}, {name_of[x.id]: x.reason for x in rejected}


def test_native_sql_record_has_schema_question_and_parsed_output(units):
    records, _ = _run(units)
    r = records["findActive"]
    assert r.lang == "sql" and r.task == "text-to-sql" and r.template_id.startswith("text-to-sql/en/")
    assert r.output == "select * from users\n where email = :email and status = :status"
    assert r.input == (
        'Entities:\n```\n@Entity @Table(name = "users") class com.shop.model.User\n'
        "- fields: id:Long, email:String, status:int\n```\n"
        "Tables: users\n"
        "Question: Find active, given email and status"
    ), "the schema is the entity's info without its methods, then the tables"
    assert "SQL" in r.instruction and r.focal_class == "UserRepository"


def test_jpql_records_are_jpql_and_take_the_doc_as_question(units):
    records, _ = _run(units)
    r = records["recent"]
    assert r.lang == "jpql" and "JPQL" in r.instruction
    assert r.output == "select u from User u where u.createdAt > :day"
    assert r.input.endswith("Question: Users who signed up after the given day.")
    assert "Tables:" not in r.input, "JPQL names entities, not tables"


def test_rejections_name_the_rule(units):
    records, rejected = _run(units)
    assert rejected == {
        "broken": "sql does not parse (sqlglot)",
        "bySpel": "SpEL expression in query",
        "search": "mybatis dynamic sql (<if>)",
        "byIds": "mybatis dynamic sql (<foreach>)",
        "ordered": "mybatis ${} text substitution",
    }
    assert "findByEmail" not in records and "findByEmail" not in rejected, "derived queries are another task's"


def test_mybatis_records_render_xml_and_keep_parameter_markers(units):
    records, _ = _run(units, zh_ratio=1.0)
    r = records["listCheap"]
    assert r.output == "SELECT id, email\nFROM users\n WHERE status < 3\n     AND price <= #{max}"
    assert r.lang == "sql" and r.instruction_lang == "zh" and r.template_id.startswith("text-to-sql/zh/")
    assert "#{name}" in r.input and "问题：List cheap, given max" in r.input
    assert records["withColumns"].output == "SELECT id, email FROM users", "a static <sql> fragment in place"
    a = records["countByStatus"]
    assert a.output == "SELECT count(*) FROM users WHERE status = #{status}"
    assert "Tables: users" in a.input


def test_ids_are_deterministic(units):
    a = [r.id for r in run_tasks(units, ["text-to-sql"], TaskOptions())[0]]
    assert a == [r.id for r in run_tasks(units, ["text-to-sql"], TaskOptions())[0]] and len(set(a)) == len(a)


def test_helpers():
    assert param_names('List<User> f(@Param("a") String a, Map<String, Long> b, int... c)', "f") == ["a", "b", "c"]
    assert param_names("fun f(email: String, ids: List<Long>): User?", "f") == ["email", "ids"]
    assert doc_text("/**\n * Counts {@code x} rows.\n * @return n\n */") == "Counts x rows."
    assert sql_problem("select a from b where c = ?1") is None
    assert sql_problem("select from where") == "sql does not parse (sqlglot)"
    assert sql_problem("call proc(1)") == "sql does not parse (sqlglot)", "an opaque command is no parse"
    assert xml_sql('<update id="u">UPDATE t <set>a = 1, b = 2,</set> WHERE id = #{id}</update>') == (
        "UPDATE t SET a = 1, b = 2 WHERE id = #{id}"
    )


def test_a_link_only_doc_falls_back_to_the_name(units):
    unit = next(u for u in units if u.name == "findActive")
    linked = unit.model_copy(update={"doc": "/** See https://example.org/q */"})
    assert question(linked) == "Find active, given email and status"


def test_acme_shop_yields_jpql_and_mybatis_records():
    files, _ = collect(EXAMPLE)
    records, rejected = run_tasks(parse_files(files).units, ["text-to-sql"], TaskOptions())
    assert records and all(r.output == r.output.strip() for r in records)
    assert {r.lang for r in records} == {"jpql", "sql"}
    # SalesReportMapper: two static XML selects, an insert, an update, and one @Select
    sql = sorted(r.output.split()[0] for r in records if r.lang == "sql")
    assert sql == ["INSERT", "SELECT", "SELECT", "SELECT", "UPDATE"]
    assert all(isinstance(x, Rejection) for x in rejected)
    assert [x.reason for x in rejected] == ["mybatis dynamic sql (<if>)"]


def test_another_mappers_fragment_is_not_this_ones_of_the_same_name():
    """Review finding: `refid="com.x.UserMapper.cols"` was resolved against this mapper's `cols`."""
    xml = """<?xml version="1.0"?>
<mapper namespace="com.x.OrderMapper">
    <sql id="cols">id, order_sn</sql>
    <select id="own" resultType="com.x.Order">select <include refid="com.x.OrderMapper.cols"/> from orders</select>
    <select id="foreign" resultType="com.x.Order">select <include refid="com.x.UserMapper.cols"/> from users</select>
</mapper>
"""
    units = parse_files([SourceFile.from_raw("r", "c", "src/main/resources/OrderMapper.xml", xml, "xml")]).units
    records, rejected = run_tasks(units, ["text-to-sql"], TaskOptions())
    assert [r.output for r in records] == ["select id, order_sn from orders"]
    assert [x.reason for x in rejected] == ["mybatis <include> of a fragment outside the mapper"]
