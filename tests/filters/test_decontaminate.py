from minions.filters.decontaminate import decontaminate, shingles
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
