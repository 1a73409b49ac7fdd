import pytest

from minions.conventions.sql import RULES, check_code, check_sql


def rules(found) -> list[str]:
    return [v.rule for v in found]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM owners WHERE id = #{id}", ["select-star"]),
        ("select o.* from owners o join pets p on p.owner_id = o.id", ["select-star"]),
        ("select id from owners where id in (select * from pets)", ["select-star"]),
        ("select `id` from `pms_brand` where name like concat('%', ${name}, '%')", ["concatenated-parameter"]),
        ("select id, name from owners order by ${sort}", ["concatenated-parameter"]),
        # a statement sqlglot reads in no dialect falls back to the regex
        ("SELECT * FROM owners WHERE ((", ["select-star"]),
    ],
)
def test_bad_sql_breaks_its_rule(sql, expected):
    assert sorted(rules(check_sql(sql))) == sorted(expected)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id, first_name FROM owners WHERE id = #{id}",
        "select count(*) from owners",
        "SELECT '*' AS star FROM owners",
        "-- select * from x\nselect id from owners",
        "INSERT INTO pets (name, owner_id) VALUES (#{name}, #{ownerId})",
    ],
)
def test_good_sql_passes(sql):
    assert check_sql(sql) == []


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ('String q = "select name from owners where id = " + id;', "java"),
        (
            "public List<Owner> find(String name) {\n"
            '    return jdbc.query("SELECT id FROM owners WHERE name = \'" + name + "\'");\n}',
            "java",
        ),
        ("String q = String.format(\"select id from owners where name = '%s'\", name);", "java"),
        ('@Select("select id from owners where id = ${id}")\nOwner find(long id);', "java"),
        ('val q = "select id from owners where id = $id"', "kotlin"),
        ('val q = "select id from owners where id = " + id', "kotlin"),
        ('q = f"select id from owners where id = {owner_id}"', "python"),
        ('q = "select id from owners where id = %s" % owner_id', "python"),
        ('q = "select id from owners where id = {}".format(owner_id)', "python"),
        ("const q = `select id from owners where id = ${id}`;", "typescript"),
        ('const q = "select id from owners where id = " + id;', "tsx"),
        ('package p\n\nfunc f() { q := "select id from owners where id = " + id }', "go"),
        ('package p\n\nfunc f() { q := fmt.Sprintf("select id from owners where id = %d", id) }', "go"),
    ],
)
def test_concatenated_parameters_in_code(code, lang):
    assert rules(check_code(code, lang)) == ["concatenated-parameter"]


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ('jdbc.query("select id from owners where id = ?", id);', "java"),
        ('String q = "select id from " + TABLE + " where id = ?";', "java"),  # a constant is no parameter
        ('String msg = "Updated " + count + " rows where asked";', "java"),  # not SQL
        ('val q = "select id from owners where id = :id"', "kotlin"),
        ('cur.execute("select id from owners where id = %s", (owner_id,))', "python"),
        ('log.info(f"loaded {n} owners")', "python"),
        ("const q = `select id from owners where id = $1`;", "typescript"),
        ('package p\n\nfunc f() { db.Query("select id from owners where id = $1", id) }', "go"),
    ],
)
def test_bound_parameters_in_code_pass(code, lang):
    assert check_code(code, lang) == []


def test_select_star_in_code_strings():
    assert rules(check_code('jdbc.query("SELECT * FROM owners WHERE id = ?", id);', "java")) == ["select-star"]
    assert check_code('String s = "select * is bad";', "java") == []  # no from: not a query


def test_a_language_not_read_gives_nothing():
    assert check_code('q = "select * from t where id = " + id', "ruby") == []


def test_every_violation_carries_its_rule_message():
    v = check_sql("select * from owners")[0]
    assert v.message == RULES["select-star"]


@pytest.mark.parametrize(
    "lang,code",
    [
        ("java", 'void f() { log.info("deleting order where id = " + id); }'),
        ("java", 'void f() { throw new IllegalStateException("no user where name = " + name); }'),
        ("python", 'def f(n):\n    raise ValueError(f"Update the row where id = {n} first")\n'),
        ("kotlin", 'fun f(id: Long) { logger.warn("select name from users where id = " + id) }'),
    ],
)
def test_messages_that_mention_sql_words_are_not_queries(lang, code):
    # review findings: a log line or an error saying "where id = " + id is not SQL built by concatenation
    assert check_code(code, lang) == []


def test_a_query_built_by_concatenation_next_to_a_message_is_still_found():
    code = 'void f() { log.info("start"); jdbc.query("delete from t where id = " + id); }'
    assert [v.rule for v in check_code(code, "java")] == ["concatenated-parameter"]


def test_exists_select_star_is_the_idiom_not_a_smell():
    assert check_sql("SELECT id FROM t WHERE EXISTS (SELECT * FROM u WHERE u.t = t.id)") == []
    assert [v.rule for v in check_sql("SELECT * FROM t WHERE EXISTS (SELECT * FROM u)")] == ["select-star"]
