"""`minions scrub`: a single file, --resume under another config, paths that scrub to one path."""

import json

from helpers import run_cli


def stored(out) -> set[str]:
    return {p.relative_to(out / "files").as_posix() for p in (out / "files").rglob("*") if p.is_file()}


def config(tmp_path, names: dict[str, str]):
    path = tmp_path / f"cfg-{len(names)}.yaml"
    lines = ["scrub:", "  internal_names:" + ("" if names else " {}")]
    lines += [f"    {k}: {v}" for k, v in names.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_single_file_is_scrubbed(tmp_path, fake):
    token = fake.github()
    src = tmp_path / "shop" / "release.sh"
    src.parent.mkdir()
    src.write_text(f"export GH_TOKEN={token}\necho done\n")
    out = tmp_path / "out"
    p = run_cli("scrub", str(src), "--out", str(out), "--json")
    assert p.returncode == 0, p.stderr
    assert stored(out) == {"release.sh"}
    assert (out / "files" / "release.sh").read_text() == "export GH_TOKEN=<SECRET:github_token>\necho done\n"
    manifest = json.loads((out / "manifest.json").read_text())
    [entry] = manifest["files"]
    assert (entry["repo"], entry["path"]) == ("shop", "release.sh") and entry["commit"].startswith("worktree-")
    assert json.loads(p.stdout)["findings"] == {"github-token": 1}


def test_resume_under_another_config_keeps_no_stale_file(tmp_path):
    src = tmp_path / "src"
    (src / "com" / "acme").mkdir(parents=True)
    (src / "com" / "acme" / "Cart.java").write_text("package com.acme;\nclass Cart {}\n")
    out = tmp_path / "out"
    first = run_cli("scrub", str(src), "--out", str(out), "--config", str(config(tmp_path, {"acme": "example"})))
    assert first.returncode == 0, first.stderr
    assert stored(out) == {"com/example/Cart.java"}
    again = run_cli("scrub", str(src), "--out", str(out), "--resume", "--config", str(config(tmp_path, {})))
    assert again.returncode == 0, again.stderr
    assert stored(out) == {"com/acme/Cart.java"}, "nothing made under the earlier config survives"
    listed = [e["stored"] for e in json.loads((out / "manifest.json").read_text())["files"]]
    assert listed == ["com/acme/Cart.java"]


def test_paths_that_scrub_to_one_path_are_both_kept(tmp_path):
    src = tmp_path / "src"
    for pkg in ("acme", "example"):
        (src / "com" / pkg).mkdir(parents=True)
        (src / "com" / pkg / "A.java").write_text(f"package com.{pkg};\nclass A {{ int {pkg}Id; }}\n")
    out = tmp_path / "out"
    p = run_cli("scrub", str(src), "--out", str(out), "--config", str(config(tmp_path, {"acme": "example"})))
    assert p.returncode == 0, p.stderr
    entries = json.loads((out / "manifest.json").read_text())["files"]
    assert [e["path"] for e in entries] == ["com/example/A.java", "com/example/A.java"]
    assert len({e["id"] for e in entries}) == 2, "ids come from the raw paths"
    first, second = (e["stored"] for e in entries)
    assert first == "com/example/A.java" and second == f"com/example/A~{entries[1]['id'][:8]}.java"
    assert stored(out) == {first, second}
    texts = sorted((out / "files" / s).read_text() for s in (first, second))
    assert texts == ["package com.example;\nclass A { int exampleId; }\n"] * 2
    parsed = tmp_path / "parsed"
    p = run_cli("parse", str(out), "--out", str(parsed), "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["classes"] == 2, "both are read back"


def test_rules_lists_every_detector_with_an_example():
    from minions.scrub import DETECTORS

    p = run_cli("scrub", "--rules", "--json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert sorted(r["id"] for r in rows) == sorted(DETECTORS)
    assert [r["category"] for r in rows] == sorted(
        (r["category"] for r in rows), key=["secret", "personal", "internal"].index
    )
    assert all(r["description"] and r["example"] and "«" not in r["example"] and "⟦" not in r["example"] for r in rows)
    text = run_cli("scrub", "--rules")
    assert text.returncode == 0
    assert text.stdout.strip().endswith(f"{len(DETECTORS)} rules and the optional person-name-ner")
    assert "person-name-ner (personal, optional)" in text.stdout and "scrub.ner_model" in text.stdout
    assert all(f"{name} (" in text.stdout for name in DETECTORS)
    assert [r["id"] for r in rows if r["gate_only"]] == ["high-entropy-secret"]
    assert "high-entropy-secret (secret, gate only)" in text.stdout


def test_scrub_without_a_path_names_the_fix():
    p = run_cli("scrub")
    assert p.returncode == 2 and "minions scrub PATH --out DIR" in p.stderr and "--rules" in p.stderr


def leaky_repo(tmp_path, token: str):
    src = tmp_path / "repo"
    (src / "conf").mkdir(parents=True)
    (src / "conf" / "app.properties").write_text(f"github.token={token}\nowner=jane.doe@shop-example.org\n")
    (src / "README.md").write_text(
        "Ask jane.doe@shop-example.org.\n# minions: allow\nfixture: jane.doe@shop-example.org\n"
    )
    return src


def test_review_prints_masked_findings_and_writes_nothing(tmp_path, fake):
    token = fake.github()
    src = leaky_repo(tmp_path, token)
    p = run_cli("scrub", str(src), "--review")
    assert p.returncode == 0, p.stderr
    assert token not in p.stdout and "jane.doe@shop-example.org" not in p.stdout
    assert f"conf/app.properties:1  {token[:4]}****{token[-4:]}" in p.stdout
    assert "README.md:1  jane****.org" in p.stdout and "README.md:3" not in p.stdout
    assert p.stdout.strip().endswith("3 findings, 1 allowed (pragma or baseline)")
    rows = json.loads(run_cli("scrub", str(src), "--review", "--json").stdout)
    assert {(r["rule"], r["path"], r["line"]) for r in rows} == {
        ("github-token", "conf/app.properties", 1),
        ("email", "conf/app.properties", 2),
        ("email", "README.md", 1),
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]


def test_a_baseline_accepts_reviewed_findings(tmp_path, fake):
    token = fake.github()
    src = leaky_repo(tmp_path, token)
    baseline = tmp_path / "baseline.json"
    made = run_cli("scrub", str(src), "--baseline", str(baseline), "--update-baseline")
    assert made.returncode == 0, made.stderr
    assert token not in baseline.read_text() and len(json.loads(baseline.read_text())["findings"]) == 3
    (src / "conf" / "app.properties").write_text(f"github.token={token}\nnew.token={fake.github()}\n")
    out = tmp_path / "out"
    p = run_cli("scrub", str(src), "--out", str(out), "--baseline", str(baseline), "--json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["findings"] == {"github-token": 1}
    assert report["allowed"] == {"github-token": 1, "config-secret": 1, "email": 2}, (
        "one value, allowed under every rule"
    )
    text = (out / "files" / "conf" / "app.properties").read_text()
    assert text.startswith(f"github.token={token}\nnew.token=<SECRET:github_token>")
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    p = run_cli("scrub", str(src), "--out", str(tmp_path / "o2"), "--baseline", str(bad))
    assert p.returncode == 2 and "not a minions baseline" in p.stderr


def test_pseudonyms_are_consistent_and_keyed_by_the_workspace_key_file(tmp_path, fake):
    import stat

    src = leaky_repo(tmp_path, fake.github())
    env = {"MINIONS_SCRUB_KEY": "", "MINIONS_WORKSPACE": str(tmp_path / "ws")}
    outs = []
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        assert run_cli("scrub", str(src), "--out", str(out), env=env).returncode == 0
        outs.append(out)
    key = tmp_path / "ws" / "scrub.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    conf = (outs[0] / "files" / "conf" / "app.properties").read_text()
    pseudonym = conf.split("owner=")[1].strip()
    assert pseudonym.startswith("user-") and pseudonym.endswith("@example.com")
    assert f"Ask {pseudonym}." in (outs[0] / "files" / "README.md").read_text(), "one value, one pseudonym"
    assert conf == (outs[1] / "files" / "conf" / "app.properties").read_text(), "the same in every run"
    other = run_cli("scrub", str(src), "--out", str(tmp_path / "o3"), env={"MINIONS_SCRUB_KEY": "another"})
    assert other.returncode == 0 and pseudonym not in (tmp_path / "o3" / "files" / "README.md").read_text()


def test_mapping_is_written_only_when_asked_and_private(tmp_path, fake):
    import stat

    token = fake.github()
    src = leaky_repo(tmp_path, token)
    mapping = tmp_path / "mapping.json"
    p = run_cli("scrub", str(src), "--out", str(tmp_path / "out"), "--mapping", str(mapping))
    assert p.returncode == 0, p.stderr
    assert stat.S_IMODE(mapping.stat().st_mode) == 0o600
    data = {(e["placeholder"], e["value"]) for e in json.loads(mapping.read_text())}
    assert ("<SECRET:github_token>", token) in data and "jane.doe@shop-example.org" in {v for _, v in data}
    assert token not in p.stdout + p.stderr


def test_a_file_and_a_folder_that_scrub_to_one_name_are_both_kept(tmp_path):
    src = tmp_path / "src"
    (src / "example").mkdir(parents=True)
    (src / "example" / "A.java").write_text("class A {}\n")
    (src / "acme").write_text("notes about acme\n")
    out = tmp_path / "out"
    p = run_cli("scrub", str(src), "--out", str(out), "--config", str(config(tmp_path, {"acme": "example"})))
    assert p.returncode == 0, p.stderr
    entries = {e["path"]: e["stored"] for e in json.loads((out / "manifest.json").read_text())["files"]}
    assert set(entries) == {"example", "example/A.java"} and len(set(entries.values())) == 2
    assert (out / "files" / entries["example"]).read_text() == "notes about example\n"
    assert not (tmp_path / "out.partial").exists()
