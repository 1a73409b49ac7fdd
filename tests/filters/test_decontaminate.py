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
