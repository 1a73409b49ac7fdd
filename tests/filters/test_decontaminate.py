import json

import pytest

from minions.errors import UserError
from minions.filters.decontaminate import benchmark_outputs, decontaminate, shared_spans, shingles, spans
from minions.records import InstructionRecord, Provenance

TOTAL = """public long total(List<Item> items) {
    long sum = 0;
    for (Item item : items) {
        sum += item.price() * item.quantity();
    }
    return sum;
}"""


def rec(i, output, input=""):
    return InstructionRecord(
        id=f"r{i}", task="t", instruction="i", input=input, output=output, lang="java",
        source=Provenance(repo="r", commit="c", path="p"), unit_ids=[str(i)], template_id="t", module="m",
        focal_class="C",
    )  # fmt: skip


def test_shingles():
    assert shingles("a b") == {("a", "b")}
    assert len(shingles("a b c d e f")) == 2
    assert shingles("") == set()


def test_near_copies_and_quoted_answers_are_dropped_from_train():
    held = [rec(0, TOTAL)]
    renamed = rec(1, TOTAL.replace("total(", "sumAll("))
    quoting = rec(2, "@Test\nvoid t() {\n    assertEquals(3, c.total(items));\n}", input="Code under test:\n" + TOTAL)
    unrelated = rec(3, "public void clear() {\n    items.clear();\n    dirty = true;\n}")
    kept, rejected = decontaminate([renamed, quoting, unrelated], held, 0.8)
    assert [r.id for r in kept] == ["r3"]
    reasons = {r.id: r.reason for r in rejected}
    assert reasons["r1"].startswith("output near-duplicates held-out record r0 (jaccard 0.")
    assert reasons["r2"] == "input contains held-out record r0's output (100%)"
    assert all(r.stage == "decontaminate" for r in rejected)


def test_threshold_matters():
    held = [rec(0, TOTAL)]
    half = rec(1, TOTAL.split("for")[0] + "return 0;\n}")
    assert decontaminate([half], held, 0.9)[0] == [half]
    assert decontaminate([half], held, 0.1)[0] == []


def test_an_exact_copy_is_dropped_even_at_threshold_one():
    held = [rec(0, TOTAL)]
    copy = rec(1, TOTAL).model_copy(update={"task": "implement"})
    kept, rejected = decontaminate([copy], held, 1.0)
    assert kept == []
    assert [(r.id, r.task, r.stage, r.reason) for r in rejected] == [
        ("r1", "implement", "decontaminate", "output near-duplicates held-out record r0 (jaccard 1.00)")
    ]


def test_an_input_containing_the_whole_answer_is_dropped_at_threshold_one():
    held = [rec(0, TOTAL)]
    quoting = rec(1, "assertEquals(3, c.total(items));", input="Code under test:\n" + TOTAL)
    kept, rejected = decontaminate([quoting], held, 1.0)
    assert kept == []
    assert [(r.id, r.task, r.reason) for r in rejected] == [
        ("r1", "t", "input contains held-out record r0's output (100%)")
    ]


def test_containment_equal_to_the_threshold_is_dropped():
    # the held-out output "a b c d e f" has two 5-grams; the input quotes one of them: containment 0.5
    held = [rec(0, "a b c d e f")]
    half = rec(1, "x", input="a b c d e")
    assert decontaminate([half], held, 0.5)[0] == []
    assert decontaminate([half], held, 0.51)[0] == [half]


def test_a_pair_just_under_the_threshold_is_kept():
    held = [rec(0, "a b c d e f")]
    # one 5-gram shared of three distinct: jaccard 1/3
    near = rec(1, "a b c d e g")
    assert decontaminate([near], held, 0.34) == ([near], [])
    assert decontaminate([near], held, 0.33)[1][0].reason.endswith("(jaccard 0.33)")
    # overlapping only through the input (one of two 5-grams, containment 0.5): the output's jaccard is 0
    quoting = rec(2, "", input="a b c d e")
    assert decontaminate([quoting], held, 0.6) == ([quoting], [])


def test_a_shared_13_token_span_drops_a_train_record():
    # train output reuses the loop of a held-out answer inside another method: jaccard is low, the span leaks
    leaky = rec(1, 'public void audit() {\n    log.info("start");\n' + TOTAL + '\n    log.info("end");\n}')
    clean = rec(2, "public void clear() {\n    items.clear();\n    dirty = true;\n}")
    assert decontaminate([leaky], [rec(0, TOTAL)], 0.8)[0] == [leaky], "the jaccard rule alone misses it"
    kept, rejected = shared_spans([leaky, clean], [("held-out record r0", TOTAL)])
    assert [r.id for r in kept] == ["r2"]
    assert [(r.id, r.stage, r.reason) for r in rejected] == [
        ("r1", "decontaminate", "output shares a 13-token span with held-out record r0")
    ]


def test_a_span_shorter_than_n_or_common_across_training_does_not_count():
    held = [("held-out record r0", TOTAL)]
    loop = "for (Item item : items) {\n    sum += item.price() * item.quantity();\n}"
    assert len(spans(loop, 13)) > 0
    boiler = [rec(i, f"void f{i}() {{\n    long sum = 0;\n    {loop}\n}}") for i in range(4)]
    assert shared_spans(boiler, held, 13, common=5)[1], "four copies are fewer than common=5: all dropped"
    assert shared_spans(boiler, held, 13, common=4) == (boiler, []), "in four training outputs: boilerplate"
    short = rec(9, "long sum = 0;\nreturn sum;")
    assert shared_spans([short], held, 13) == ([short], [])


def test_benchmark_files_count_as_held_out(tmp_path):
    bench = tmp_path / "humaneval-x.jsonl"
    bench.write_text(
        json.dumps({"task_id": "Java/0", "prompt": "class Solution {", "canonical_solution": TOTAL}) + "\n\n"
    )
    held = benchmark_outputs([bench])
    assert ("humaneval-x.jsonl line 1", TOTAL) in held
    kept, rejected = shared_spans([rec(1, TOTAL.replace("long sum", "long total"))], held)
    assert kept == [] and rejected[0].reason == "output shares a 13-token span with humaneval-x.jsonl line 1"


def test_a_bad_benchmark_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "b.jsonl"
    bad.write_text("{not json\n")
    with pytest.raises(UserError, match="b.jsonl line 1: not JSON"):
        benchmark_outputs([bad])
    with pytest.raises(UserError, match="missing.jsonl: cannot read it"):
        benchmark_outputs([tmp_path / "missing.jsonl"])


def test_benchmark_files_may_be_gzipped_or_start_with_a_byte_order_mark(tmp_path):
    import gzip

    line = json.dumps({"task_id": "Java/0", "canonical_solution": TOTAL}) + "\n"
    (tmp_path / "humaneval-x.jsonl.gz").write_bytes(gzip.compress(line.encode()))
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + line.encode())
    held = benchmark_outputs([tmp_path / "humaneval-x.jsonl.gz", tmp_path / "bom.jsonl"])
    assert ("humaneval-x.jsonl.gz line 1", TOTAL) in held and ("bom.jsonl line 1", TOTAL) in held
    (tmp_path / "broken.jsonl.gz").write_bytes(b"not gzip")
    with pytest.raises(UserError, match="broken.jsonl.gz: cannot read it"):
        benchmark_outputs([tmp_path / "broken.jsonl.gz"])


def test_import_and_package_lines_are_no_leak():
    # a small project's tests share their imports with a held-out test: boilerplate, not a leak
    head = "package com.shop.shipping;\n\nimport static org.junit.jupiter.api.Assertions.assertFalse;\n"
    head += "import static org.junit.jupiter.api.Assertions.assertTrue;\n\nimport org.junit.jupiter.api.Test;\n\n"
    body = "class ATest {\n    @Test\n    void a() {\n        assertTrue(A.ok());\n    }\n}"
    held = [("held-out record r0", head + body)]
    train = rec(1, head + "class BTest {\n    @Test\n    void b() {\n        assertFalse(B.bad(1, 2));\n    }\n}")
    assert shared_spans([train], held) == ([train], [])
