import subprocess

import pytest

from minions.errors import UserError
from minions.sources.collect import collect, collect_all, load_snapshot, write_snapshot
from minions.workspace import write_manifest


def test_git_checkout_gives_head_commit_and_committed_content(git_repo):
    root = git_repo({"src/A.java": "class A {}\n", "README.md": "# r\n", "logo.png": b"\x89PNG\0\0binary"})
    (root / "src" / "A.java").write_text("class A { uncommitted }\n")
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    files, skipped = collect(root, name="shop")
    by_path = {f.path: f for f in files}
    assert set(by_path) == {"src/A.java", "README.md"}
    assert by_path["src/A.java"].text == "class A {}\n", "provenance is the commit, not the work tree"
    assert all(f.commit == head and f.repo == "shop" for f in files)
    assert by_path["src/A.java"].lang == "java"
    assert [(s.stage, s.reason) for s in skipped] == [("collect", "binary")]


def test_text_that_is_not_utf8_is_skipped_with_its_own_reason(tmp_path):
    root = tmp_path / "shop"
    root.mkdir()
    (root / "Legacy.java").write_bytes('class Legacy { String s = "café"; }'.encode("latin-1"))
    (root / "Empty.java").write_bytes(b"")
    (root / "logo.png").write_bytes(b"\x89PNG\0\0")
    files, skipped = collect(root)
    assert [f.path for f in files] == ["Empty.java"], "an empty file is text"
    assert sorted(s.reason for s in skipped) == ["binary", "not UTF-8"]


def test_plain_folder_commit_is_a_content_hash(tmp_path):
    root = tmp_path / "shop"
    (root / "target").mkdir(parents=True)
    (root / "A.java").write_text("class A {}")
    (root / "target" / "Gen.java").write_text("class Gen {}")
    files, _ = collect(root)
    assert [f.path for f in files] == ["A.java"], "build output folders are not collected"
    assert files[0].repo == "shop" and files[0].commit.startswith("worktree-")
    again, _ = collect(root)
    assert again[0].id == files[0].id
    (root / "A.java").write_text("class A { int x; }")
    changed, _ = collect(root)
    assert changed[0].commit != files[0].commit and changed[0].id != files[0].id


def test_snapshot_round_trip_keeps_ids(tmp_path):
    root = tmp_path / "shop"
    root.mkdir()
    (root / "A.java").write_text("class A {}")
    files, _ = collect(root)
    snap = tmp_path / "snap"
    entries = write_snapshot(snap, files)
    write_manifest(snap, "snapshot", {}, {}, files=entries)
    loaded, _ = collect(snap)
    assert [f.model_dump() for f in loaded] == [f.model_dump() for f in files]
    assert load_snapshot(snap)[0][0].id == files[0].id


def test_errors_name_the_problem(tmp_path, git_repo):
    with pytest.raises(UserError, match="neither a file nor a folder"):
        collect(tmp_path / "missing")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "a").mkdir()
    (tmp_path / "a" / "x.py").write_text("x = 1")
    (tmp_path / "b" / "a" / "y.py").write_text("y = 1")
    with pytest.raises(UserError, match="distinct name"):
        collect_all([(tmp_path / "a", None), (tmp_path / "b" / "a", None)])
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["git", "-C", str(empty), "init", "-q"], check=True)
    with pytest.raises(UserError, match="without commits"):
        collect(empty)


def test_minions_outputs_inside_a_source_are_not_collected(tmp_path):
    root = tmp_path / "shop"
    root.mkdir()
    (root / "A.java").write_text("class A {}")
    snap = root / "scrubbed"
    write_snapshot(snap, collect(root)[0])
    write_manifest(snap, "scrub", {}, {})
    (root / "minions-workspace").mkdir()
    (root / "minions-workspace" / "catalog.sqlite").write_text("")
    (root / "dataset.partial").mkdir()
    (root / "dataset.partial" / "B.java").write_text("class B {}")
    (root / "docs").mkdir()
    (root / "docs" / "manifest.json").write_text('{"tool": "something else"}')
    files, _ = collect(root)
    assert sorted(f.path for f in files) == ["A.java", "docs/manifest.json"]


def test_a_blob_git_cannot_read_is_skipped_not_fatal(git_repo):
    """A partial clone or a mirror without its large files lists blobs it cannot give: that file is
    skipped with reason `unreadable`, the others are collected."""
    root = git_repo({"src/A.java": "class A {}\n", "assets/upload.zip": b"PK\x03\x04 big archive"})
    sha = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD:assets/upload.zip"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (root / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    files, skipped = collect(root)
    assert [f.path for f in files] == ["src/A.java"]
    assert [(s.stage, s.reason) for s in skipped] == [("collect", "unreadable")]


def test_an_unreadable_file_in_a_folder_has_its_own_reason(tmp_path, monkeypatch):
    from pathlib import Path

    root = tmp_path / "shop"
    root.mkdir()
    (root / "A.java").write_text("class A {}")
    (root / "Locked.java").write_text("class Locked {}")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "Locked.java":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    files, skipped = collect(root)
    assert [f.path for f in files] == ["A.java"]
    assert [s.reason for s in skipped] == ["unreadable"]
