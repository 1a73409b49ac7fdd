from minions.config import FiltersConfig
from minions.filters import apply_filters, dedup_rows, field_text, normalize
from minions.filters.dedup import RowDuplicate
from minions.records import InstructionRecord, Provenance


def rec(i, output, task="implement-method"):
    return InstructionRecord(
        id=f"r{i}",
        task=task,
        instruction="i",
        input="x",
        output=output,
        lang="java",
        source=Provenance(repo="r", commit="c", path="p"),
        unit_ids=[f"u{i}"],
        template_id="t",
        module="m",
        focal_class="C",
    )


BODY = "public int f() {\n    int a = 1;\n    return a + 1;\n}"


def test_normalize_collapses_whitespace():
    assert normalize("  a \n\t b  ") == "a b"


def test_dedup_rows_keeps_first_and_rows_without_field():
    rows = [{"t": "a  b"}, {"t": "a b"}, {"x": 1}, {"t": "c"}, {"t": "a\nb"}, {"t": 3}]
    kept, removed, missing = dedup_rows(rows, "t", threshold=1)
    assert kept == [{"t": "a  b"}, {"x": 1}, {"t": "c"}, {"t": 3}]
    assert [(d.row, d.kept_row, d.exact) for d in removed] == [(2, 1, True), (5, 1, True)]
    assert missing == 2


def test_filters_reject_with_reasons():
    records = [
        rec(1, BODY),
        rec(2, BODY.replace("    ", "  ")),  # same code, other indentation
        rec(3, "public String getName() {\n    return name;\n}"),
        rec(4, "public void setName(String name) {\n    this.name = name;\n}"),
        rec(5, "void f() {}"),
        rec(6, "x\n" * 2000),
        rec(7, "public void run() {\n}"),
        rec(8, "public String getName() {\n    return name;\n}", task="write-test"),
    ]
    kept, rejected = apply_filters(records, FiltersConfig())
    assert [r.id for r in kept] == ["r1", "r8"]
    reasons = {r.id: (r.stage, r.reason) for r in rejected}
    assert reasons["r2"] == ("filter:exact-dedup", "exact duplicate of r1")
    assert reasons["r3"][0] == reasons["r4"][0] == reasons["r7"][0] == "filter:trivial-body"
    assert reasons["r5"] == ("filter:size", "output has fewer than 2 non-blank lines")
    assert reasons["r6"][1].startswith("output longer than")
    assert all(r.reason for r in rejected) and len(rejected) + len(kept) == len(records)


def test_dedup_can_be_turned_off():
    kept, _ = apply_filters([rec(1, BODY), rec(2, BODY)], FiltersConfig(dedup="none"))
    assert len(kept) == 2


def test_a_task_whose_outputs_are_short_by_design_keeps_its_one_line_records():
    """A one-line SQL statement, completion, query method or doc comment is the task's whole answer;
    a one-line implement-method output is still too short."""
    short = "List<Product> findBySku(String sku);"
    records = [rec("a", short, "spring-data-method"), rec("b", "SELECT id FROM orders", "text-to-sql"), rec("c", short)]
    kept, rejected = apply_filters(records, FiltersConfig(dedup="none"))
    assert [r.id for r in kept] == ["ra", "rb"]
    assert [(x.id, x.reason) for x in rejected] == [("rc", "output has fewer than 2 non-blank lines")]


def test_exact_dedup_keeps_one_answer_to_different_lessons():
    """Review finding: dedup on the output alone dropped most implement-from-test records (several
    tests of one method share the answer) and implement-method records of tested methods."""
    same = [rec(1, BODY), rec(2, BODY, "implement-from-test"), rec(3, BODY, "implement-from-test")]
    same[2] = same[2].model_copy(update={"input": "another test"})
    same.append(rec(4, BODY))  # a true copy: same task, input and output
    # near-dedup off: these toy inputs ("x", "another test") are too short to tell the lessons apart
    kept, rejected = apply_filters(same, FiltersConfig(near_dedup=None))
    assert [r.id for r in kept] == ["r1", "r2", "r3"]
    assert [(x.id, x.reason) for x in rejected] == [("r4", "exact duplicate of r1")]


def test_field_text_follows_dotted_paths():
    row = {"a": {"b": "x"}, "m": [{"c": "y"}], "a.b": "literal", "n": 3}
    assert field_text({"a": {"b": "x"}}, "a.b") == "x"
    assert field_text(row, "a.b") == "literal", "a key written with a dot wins"
    assert field_text(row, "m.0.c") == "y"
    assert [field_text(row, p) for p in ["m.1.c", "m.x", "a.c", "n", "m", "n.0"]] == [None] * 6


def test_dedup_rows_below_one_finds_near_duplicates_on_a_nested_field():
    body = "public int total(int a, int b) {\n    int sum = a + b;\n    return sum * rate - discount;\n}"
    rows = [
        {"id": "k", "m": [{"c": body}]},
        {"id": "n", "m": [{"c": "// sums\n" + body.replace("    ", "\t")}]},
        {"id": "x", "m": [{"c": "SELECT id FROM orders WHERE status = 'open'"}]},
        {"id": "e", "m": [{"c": body}]},
        {"id": "none"},
    ]
    kept, removed, missing = dedup_rows(rows, "m.0.c", threshold=0.8)
    assert [r["id"] for r in kept] == ["k", "x", "none"] and missing == 1
    assert removed == [RowDuplicate(2, 1, 1.0, False), RowDuplicate(4, 1, 1.0, True)]
