"""The final gate: every file a build releases is re-scanned; a finding leaves only the gate's report."""

import json

import pytest

from helpers import EXAMPLE, ROOT, run_cli
from minions.datasets import split_records, write_dataset
from minions.datasets.gate import GATE_REPORT, gate_folder
from minions.errors import GateFailure
from minions.records import InstructionRecord, Provenance


def rec(i: int, focal_class: str = "Cart") -> InstructionRecord:
    return InstructionRecord(
        id=f"id{i}",
        task="implement-method",
        instruction="Implement total",
        input="class Cart {}",
        output="long total() {\n    return 1;\n}",
        lang="java",
        source=Provenance(repo="shop", commit="c", path=f"src/C{i}.java"),
        unit_ids=[str(i)],
        template_id="implement-method/en/1",
        module="m",
        focal_class=f"{focal_class}{i}",
    )


def test_a_finding_in_the_card_releases_nothing(tmp_path):
    email = "ops.lead@" + "shop-example.org"
    split = split_records([rec(i) for i in range(20)], 0.1)
    with pytest.raises(GateFailure, match=r"card\.md \(email\)") as e:
        write_dataset(tmp_path, "ds", split, [], {}, {}, {"contact": email}, {})
    assert email not in str(e.value) and e.value.exit_code == 3
    assert [p.name for p in tmp_path.iterdir()] == [GATE_REPORT]
    report = json.loads((tmp_path / GATE_REPORT).read_text())
    assert report["released"] is False
    assert report["files"] == {"card.md": {"email": 1}, "manifest.json": {"email": 1}}
    assert "ops.lead" not in (tmp_path / GATE_REPORT).read_text()


def test_fields_the_record_gate_does_not_read_are_caught_in_the_file(tmp_path):
    # gate_records reads instruction, input, output and provenance; the released file holds more
    split = split_records([rec(i, focal_class="AcmeCart") for i in range(20)], 0.1)
    with pytest.raises(GateFailure, match=r"eval\.jsonl \(internal-name\).*train\.jsonl \(internal-name\)"):
        write_dataset(tmp_path, "ds", split, [], {}, {}, {}, {"acme": "example"})
    assert [p.name for p in tmp_path.iterdir()] == [GATE_REPORT]


def test_a_clean_folder_passes_and_is_left_alone(tmp_path):
    (tmp_path / "train.jsonl").write_text('{"output": "return 1;"}\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "card.md").write_text("# card\n")
    gate_folder(tmp_path, {})
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["card.md", "sub", "train.jsonl"]
    (tmp_path / "sub" / "notes.md").write_text("built on ACME's laptop\n")
    with pytest.raises(GateFailure, match=r"sub/notes\.md \(internal-name\)"):
        gate_folder(tmp_path, {"acme": "example"})
    assert [p.name for p in tmp_path.iterdir()] == [GATE_REPORT]


def test_build_exits_3_and_leaves_only_the_report(tmp_path):
    cfg = tmp_path / "leaky.yaml"
    quickstart = (ROOT / "configs" / "quickstart.yaml").read_text()
    cfg.write_text(quickstart.replace("name: quickstart", "name: jenkins.corp"))
    assert "name: jenkins.corp" in cfg.read_text()
    out = tmp_path / "ds"
    p = run_cli("build", str(EXAMPLE), "--out", str(out), "--config", str(cfg))
    assert p.returncode == 3, p.stderr
    assert "internal-host" in p.stderr and "card.md" in p.stderr and "jenkins.corp" not in p.stderr
    assert [f.name for f in out.iterdir()] == [GATE_REPORT]
    assert not (tmp_path / "ds.partial").exists()


def test_jsonl_is_scanned_as_the_records_read_not_as_one_escaped_line(tmp_path, fake):
    # a card number needs a card keyword on its line: in the record it has none (the keyword is
    # in another field), though the escaped JSONL line holds both
    row = {"output": 'charge("4000123456789017", cents)\n', "focal_class": "CardService", "n": 3}
    (tmp_path / "train.jsonl").write_text(json.dumps(row) + "\n")
    gate_folder(tmp_path, {})
    token = fake.github()
    row["input"] = ["ok", {"deep": f"token {token}"}]
    (tmp_path / "train.jsonl").write_text(json.dumps(row) + "\nnot json " + "\n")
    with pytest.raises(GateFailure, match=r"train\.jsonl \(github-token\)"):
        gate_folder(tmp_path, {})


def test_run_keeps_the_gate_report_where_it_says(tmp_path):
    cfg = tmp_path / "leaky.yaml"
    tiny = (ROOT / "configs" / "tiny.yaml").read_text().replace("../examples/acme-shop", str(EXAMPLE))
    cfg.write_text(tiny.replace("name: tiny", "name: jenkins.corp"))
    ws = tmp_path / "ws"
    p = run_cli("run", str(cfg), "--workspace", str(ws))
    assert p.returncode == 3, p.stderr[-2000:]
    [report] = list(ws.glob("runs/*/dataset/" + GATE_REPORT))
    assert [f.name for f in report.parent.iterdir()] == [GATE_REPORT]
    assert str(report.parent) in p.stderr, "the error names the folder that holds the report"
