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
    assert CodeUnit.make_id("f1", (3, 9)) == CodeUnit.make_id("f1", (3, 9))
    assert CodeUnit.make_id("f1", (3, 9)) != CodeUnit.make_id("f1", (3, 10))
    r1 = InstructionRecord.make_id("write-test", ["u1", "u2"], "", "write-test/en/1")
    assert r1 == InstructionRecord.make_id("write-test", ["u1", "u2"], "", "write-test/en/1")
    assert r1 != InstructionRecord.make_id("write-test", ["u1", "u2"], "", "write-test/zh/1")
    assert r1 != InstructionRecord.make_id("write-test", ["u2", "u1"], "", "write-test/en/1")


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
