"""The walk of a plain folder: .gitignore as git reads it, vendored folders once, links, sizes, special files."""

import builtins
import json
import os
import subprocess
from pathlib import Path

import pytest

from minions.sources import walk
from minions.sources.walk import WalkEntry, folder_skip_reason, is_vendored, walk_folder


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def entries(root: Path, max_bytes: int = 1_000_000) -> dict[str, WalkEntry]:
    return {e.path: e for e in walk_folder(root, max_bytes)}


IGNORE_TREE = {
    ".gitignore": "# logs\n*.log\n!keep.log\n/top.txt\nout/\ncache/*\n!cache/keep.txt\nlogs/\n!logs/important.txt\n",
    "top.txt": "ignored: anchored at the root",
    "keep.log": "re-included",
    "debug.log": "ignored",
    "out/a.py": "ignored: a folder",
    "docs/out": "kept: a file named out, and `out/` matches folders only",
    "cache/x.bin": "ignored",
    "cache/keep.txt": "re-included",
    "logs/important.txt": "still ignored: git cannot re-include a file in an ignored folder",
    "src/top.txt": "kept: /top.txt is anchored",
    "src/a.log": "ignored",
    "src/.gitignore": "/local.py\n!debug.log\n*.tmp\n",
    "src/local.py": "ignored by src/.gitignore, anchored to src",
    "src/debug.log": "re-included by the deeper .gitignore",
    "src/pkg/local.py": "kept: /local.py is anchored to src",
    "src/pkg/x.tmp": "ignored",
    "x.tmp": "kept: the pattern lives in src/.gitignore",
    "src/pkg/App.java": "class App {}",
}


def test_gitignore_is_read_as_git_reads_it(tmp_path):
    root = write(tmp_path / "shop", IGNORE_TREE)
    walked = entries(root)
    subprocess.run(["git", "-C", str(root), "init", "-q"], check=True)
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--others", "--exclude-standard", "-z"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert set(walked) == set(filter(None, listed.split("\0"))), "the walk keeps what git keeps"
    assert {"src/debug.log", "keep.log", "cache/keep.txt", "docs/out", "src/pkg/local.py", "x.tmp"} <= set(walked)
    assert not {"top.txt", "debug.log", "logs/important.txt", "src/local.py", "out/a.py"} & set(walked)
    assert all(e.reason is None and e.data for e in walked.values()), "ignored files are not reported"
    assert walked["src/pkg/App.java"].data == b"class App {}"


def test_vendored_and_build_folders_are_reported_once_per_folder(tmp_path):
    root = write(
        tmp_path / "shop",
        {
            "node_modules/left-pad/index.js": "x",
            "node_modules/left-pad/package.json": "{}",
            "web/node_modules/react/index.js": "x",
            "vendor/github.com/a/b.go": "package b",
            "third_party/zlib/zlib.h": "x",
            "target/classes/A.class": b"\xca\xfe",
            "dist/app.js": "x",
            "build/libs/a.jar": b"PK",
            "src/main/java/com/shop/build/Tool.java": "class Tool {}",
            "src/dist/index.ts": "export {}",
            "docs/build.md": "# build",
            ".venv/lib/site.py": "x",
            "pkg/__pycache__/a.cpython-311.pyc": b"\0",
            ".idea/misc.xml": "<x/>",
            "main.go": "package main",
        },
    )
    walked = entries(root)
    reported = {p: e.reason for p, e in walked.items() if e.reason}
    assert reported == {
        "build/": "vendored (build)",
        "dist/": "vendored (dist)",
        "node_modules/": "vendored (node_modules)",
        "target/": "vendored (target)",
        "third_party/": "vendored (third_party)",
        "vendor/": "vendored (vendor)",
        "web/node_modules/": "vendored (node_modules)",
    }
    kept = {p for p, e in walked.items() if e.reason is None}
    assert kept == {"main.go", "docs/build.md", "src/main/java/com/shop/build/Tool.java", "src/dist/index.ts"}


@pytest.mark.parametrize(
    ("path", "vendored"),
    [
        ("vendor/x.go", True),
        ("a/node_modules/b/index.js", True),
        ("third_party/z/z.c", True),
        ("target/classes/A.class", True),
        ("module/build/generated/A.java", True),
        (".idea/misc.xml", True),
        ("pkg/__pycache__/a.pyc", True),
        ("src/main/java/com/shop/build/Tool.java", False),
        ("vendor", False),
        ("build.gradle", False),
        ("docs/dist.md", False),
        ("src/App.java", False),
    ],
)
def test_is_vendored_applies_the_walk_rule_to_committed_paths(path, vendored):
    assert is_vendored(path) is vendored


def test_folder_skip_reason_names_the_folder():
    assert folder_skip_reason("web/node_modules") == "vendored (node_modules)"
    assert folder_skip_reason("src/build") is None
    assert folder_skip_reason("") is None


def test_links_are_not_followed_and_those_leaving_the_root_are_reported(tmp_path):
    outside = write(tmp_path / "elsewhere", {"secret.txt": "not ours", "lib/x.py": "x"})
    root = write(tmp_path / "shop", {"src/A.java": "class A {}", "docs/readme.md": "# r"})
    (root / "A-link.java").symlink_to("src/A.java")
    (root / "docs" / "up").symlink_to("..")  # a loop if it were followed
    (root / "stolen.txt").symlink_to(outside / "secret.txt")
    (root / "libs").symlink_to(outside / "lib")
    (root / "relative-escape.txt").symlink_to("../elsewhere/secret.txt")
    (root / "gone.txt").symlink_to("missing.txt")
    (root / "loop-a").symlink_to("loop-b")
    (root / "loop-b").symlink_to("loop-a")
    walked = entries(root)
    assert {p: e.reason for p, e in walked.items()} == {
        "docs/readme.md": None,
        "gone.txt": "broken symlink",
        "libs": "symlink outside the repository",
        "loop-a": "broken symlink",
        "loop-b": "broken symlink",
        "relative-escape.txt": "symlink outside the repository",
        "src/A.java": None,
        "stolen.txt": "symlink outside the repository",
    }
    assert all(e.data is None for e in walked.values() if e.reason)


def test_large_files_are_reported_from_their_size_without_reading_them(tmp_path, monkeypatch):
    root = write(tmp_path / "shop", {"big.sql": b"x" * 101, "edge.sql": b"y" * 100, "a.py": b"a = 1\n"})
    opened = []

    def spy(file, *args, **kwargs):
        opened.append(Path(file).name)
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(walk, "open", spy, raising=False)
    walked = entries(root, max_bytes=100)
    assert walked["big.sql"] == WalkEntry("big.sql", None, "too large")
    assert walked["edge.sql"].data == b"y" * 100 and walked["edge.sql"].reason is None
    assert "big.sql" not in opened and "edge.sql" in opened


def test_an_unreadable_file_is_skipped_with_a_reason_and_the_walk_goes_on(tmp_path, monkeypatch):
    root = write(tmp_path / "shop", {"a.py": "a = 1\n", "b.py": "b = 2\n"})

    def refuse(file, *args, **kwargs):
        if Path(file).name == "a.py":
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(walk, "open", refuse, raising=False)
    walked = entries(root)
    assert walked["a.py"] == WalkEntry("a.py", None, "unreadable")
    assert walked["b.py"].data == b"b = 2\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no fifos on this system")
def test_a_fifo_is_reported_not_read(tmp_path):
    root = write(tmp_path / "shop", {"a.py": "a = 1\n"})
    os.mkfifo(root / "pipe")
    walked = entries(root)  # reading the fifo would block forever
    assert walked["pipe"].reason == "not a regular file"


def test_tool_folders_and_minions_output_are_left_out_silently(tmp_path):
    root = write(
        tmp_path / "shop",
        {
            "A.java": "class A {}",
            ".git/config": "[core]",
            "ws/manifest.json": json.dumps({"tool": "minions", "kind": "workspace"}),
            "ws/files/B.java": "class B {}",
            "artifact.partial/x.jsonl": "{}",
            "cat/catalog.sqlite": b"SQLite",
            "other/manifest.json": json.dumps({"name": "someone else's"}),
        },
    )
    assert set(entries(root)) == {"A.java", "other/manifest.json"}


def test_entries_come_in_sorted_path_order(tmp_path):
    root = write(tmp_path / "shop", {"a.txt": "1", "a/b.txt": "2", "a-b.txt": "3", "a/c/d.txt": "4", "ab/e": "5"})
    paths = [e.path for e in walk_folder(root, 100)]
    assert paths == sorted(paths) == ["a-b.txt", "a.txt", "a/b.txt", "a/c/d.txt", "ab/e"]
