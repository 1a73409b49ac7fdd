"""`minions dedup`: exact and near duplicates of a (nested) field in JSONL, the rejects file, the summary."""

import json

from helpers import run_cli

BODY = """public BigDecimal total(Order order, Customer customer) {
    BigDecimal sum = BigDecimal.ZERO;
    for (OrderLine line : order.getLines()) {
        sum = sum.add(line.getPrice().multiply(BigDecimal.valueOf(line.getQuantity())));
    }
    if (customer.isMember()) {
        sum = sum.multiply(rate).subtract(discount);
    }
    return sum.setScale(2, RoundingMode.HALF_UP);
}"""
ROWS = [
    {"id": "kept", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": BODY}]},
    {"id": "near", "messages": [{"role": "user", "content": "q2"}, {"content": BODY.replace("rate", "ratio")}]},
    {"messages": [{"role": "user", "content": "q3"}, {"content": "// same code\n" + BODY.replace("    ", "  ")}]},
    {"id": "other", "messages": [{"role": "user"}, {"content": "SELECT id, total FROM orders WHERE id = ?"}]},
    {"id": "short", "messages": [{"role": "user"}]},
    {"id": "exact", "messages": [{}, {"content": BODY}], "extra": {"kept": "as is"}},
]


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_near_and_exact_duplicates_of_a_nested_field(tmp_path):
    src = write_rows(tmp_path / "in.jsonl", ROWS)
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    p = run_cli("dedup", str(src), "--field", "messages.1.content", "--out", str(out), "--rejects", str(rej))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "kept 3 removed 3"
    assert "1 row(s) have no text at 'messages.1.content'" in p.stderr
    assert [json.loads(x) for x in out.read_text().splitlines()] == [ROWS[0], ROWS[3], ROWS[4]], "rows untouched"
    lines = [json.loads(x) for x in rej.read_text().splitlines()]
    assert [(x["id"], x["row"], x["kept"], x["kept_row"]) for x in lines] == [
        ("near", 2, "kept", 1),
        (3, 3, "kept", 1),  # no id: its row number
        ("exact", 6, "kept", 1),
    ]
    assert (
        0.8 <= lines[0]["jaccard"] < 1
        and lines[0]["reason"] == f"near duplicate of row 1 (jaccard {lines[0]['jaccard']:.2f})"
    )
    assert lines[1]["jaccard"] == 1.0 and lines[1]["reason"] == "near duplicate of row 1 (jaccard 1.00)"
    assert lines[2]["reason"] == "exact duplicate of row 1"


def test_threshold_one_removes_exact_duplicates_only(tmp_path):
    src = write_rows(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    p = run_cli("dedup", str(src), "--field", "messages.1.content", "--out", str(out), "--threshold", "1")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "kept 5 removed 1"
    assert "exact" not in [json.loads(x).get("id") for x in out.read_text().splitlines()]


def test_the_kept_row_is_named_by_its_row_number_when_it_has_no_id(tmp_path):
    src = write_rows(tmp_path / "a.jsonl", [{"t": BODY}])
    second = write_rows(tmp_path / "b.jsonl", [{"id": "copy", "t": BODY.replace("rate", "ratio")}])
    rej = tmp_path / "rej.jsonl"
    p = run_cli("dedup", str(src), str(second), "-f", "t", "-o", str(tmp_path / "o.jsonl"), "--rejects", str(rej))
    assert p.returncode == 0 and p.stdout.strip().splitlines()[-1] == "kept 1 removed 1"
    line = json.loads(rej.read_text())
    assert (line["id"], line["row"], line["kept"], line["kept_row"]) == ("copy", 2, 1, 1)


def test_a_threshold_outside_0_1_is_refused(tmp_path):
    src = write_rows(tmp_path / "in.jsonl", ROWS)
    for bad in ["0", "1.5", "-0.2"]:
        p = run_cli("dedup", str(src), "--field", "t", "--out", str(tmp_path / "o.jsonl"), "--threshold", bad)
        assert p.returncode == 2 and "is not a Jaccard similarity" in p.stderr and "Traceback" not in p.stderr
        assert not (tmp_path / "o.jsonl").exists()


def test_kept_rows_are_written_as_they_were(tmp_path):
    # review findings: 1.10 became 1.1, 1e400 Infinity (not JSON), and a lone surrogate escape a traceback
    lines = [
        '{"z": 1.10, "a": 1e400, "text": "' + BODY.replace("\n", "\\n").replace('"', '\\"') + '"}',
        '{"text": "\\ud800 lone surrogate escape and more words here"}',
        '{"a": 2, "text": "' + BODY.replace("\n", "\\n").replace('"', '\\"') + '"}',
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    p = run_cli("dedup", str(src), "--field", "text", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "kept 2 removed 1"
    assert out.read_text(encoding="utf-8").split("\n") == [lines[0], lines[1], ""]
