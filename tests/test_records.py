from minions.records import CodeUnit, InstructionRecord, Provenance, SourceFile, stable_id


def test_file_id_hashes_repo_commit_path_only():
    a = SourceFile.from_raw("shop", "abc", "src/A.java", "class A {}", "java")
    b = SourceFile.from_raw("shop", "abc", "src/A.java", "class A { int x; }", "java")
    c = SourceFile.from_raw("shop", "abd", "src/A.java", "class A {}", "java")
    assert a.id == b.id == stable_id("shop", "abc", "src/A.java")
    assert a.id != c.id
    assert a.text_hash != b.text_hash
    assert "shop" not in a.id and "A.java" not in a.id


def test_unit_and_record_ids_are_stable_and_distinct():
    # expected values computed once and written here: the same on any machine, process or Python
    # (a salted hash() would pass a same-process comparison, and fail this)
    assert stable_id("shop", "abc", "src/A.java") == "446b90fc10af4bdc8a12"
    assert CodeUnit.make_id("f1", (3, 9)) == "3c8086e5c64617dc36f0"
    assert CodeUnit.make_id("f1", (3, 9)) != CodeUnit.make_id("f1", (3, 10))
    r1 = InstructionRecord.make_id("write-test", ["u1", "u2"], "", "write-test/en/1")
    assert r1 == "a7c254b20e4e11d40897"
    assert r1 != InstructionRecord.make_id("write-test", ["u1", "u2"], "", "write-test/zh/1")
    assert r1 != InstructionRecord.make_id("write-test", ["u2", "u1"], "", "write-test/en/1")


CART = """package com.shop;

public class Cart {
    public long total(long[] prices) {
        long sum = 0;
        for (long p : prices) sum += p;
        return sum;
    }
}
"""


def test_ids_from_a_parsed_file_are_fixed():
    from minions.parsing import parse_files
    from minions.tasks import TaskOptions, build_records

    f = SourceFile.from_raw("shop", "abc123", "src/main/java/com/shop/Cart.java", CART, "java")
    assert f.id == "ebffb121553babc0eb12"
    units = parse_files([f], ["java"]).units
    assert [(u.kind, u.name, u.id) for u in units] == [
        ("class", "Cart", "b2a551f1c1bfda671c51"),
        ("method", "total", "7bc68e4a2aadc081f755"),
    ]
    [record] = build_records(units, ["implement-method"], TaskOptions())
    assert (record.template_id, record.id) == (
        "implement-method/en/2",
        "213619a521803f21fef9",
    )  # wording chosen by hash


def test_chat_form_replaces_instruction_input_output():
    r = InstructionRecord(
        id="x",
        task="t",
        instruction="Do it",
        input="code",
        output="done",
        lang="java",
        source=Provenance(repo="r", commit="c", path="p"),
        unit_ids=["u"],
        template_id="t/en/1",
        module="m",
        focal_class="C",
    )
    chat = r.to_chat("sys")
    assert {"instruction", "input", "output"}.isdisjoint(chat)
    assert [m["role"] for m in chat["messages"]] == ["system", "user", "assistant"]
    assert chat["messages"][1]["content"] == "Do it\n\ncode"
    assert chat["messages"][2]["content"] == "done"
    assert chat["schema_version"] == 1
