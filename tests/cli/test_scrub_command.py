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
    assert (out / "files" / "release.sh").read_text() == "export GH_TOKEN=<GITHUB_TOKEN>\necho done\n"
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
    assert text.returncode == 0 and text.stdout.strip().endswith(f"{len(DETECTORS)} rules")
    assert all(f"{name} (" in text.stdout for name in DETECTORS)


def test_scrub_without_a_path_names_the_fix():
    p = run_cli("scrub")
    assert p.returncode == 2 and "minions scrub PATH --out DIR" in p.stderr and "--rules" in p.stderr
