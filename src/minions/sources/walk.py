"""The file walk of a plain folder: which files are source, read once, each with a skip reason or its bytes.

Rules, in the order they apply:

- A tool's own folder (`.git`, `.venv`, `__pycache__`, `.idea`, ...) and a folder minions wrote (a
  workspace, an artifact) are never source: left out silently, like files `.gitignore` ignores.
- `.gitignore` files are honoured as git does: each applies to its own folder and below (anchored
  `/x` patterns relative to it), a deeper file overrides a shallower one, `!` re-includes, `dir/`
  matches folders only, and nothing under an ignored folder comes back.
- A vendored or build-output folder (`vendor`, `node_modules`, `third_party`, `dist`, `target`,
  `build`) is reported once, as the folder (`web/node_modules/`, reason `vendored (node_modules)`),
  not file by file. `build`, `target` and `dist` under a `src` folder are packages (a Java package
  `com.shop.build`), not output, and are walked.
- A symbolic link is never followed: one whose target lies inside the folder is left out silently
  (its target is walked in its own place, as git sources treat links); one pointing outside is
  reported (`symlink outside the repository`), and so is a broken one.
- A file over `max_bytes` is reported `too large` from its size, without reading it; a fifo, socket
  or device `not a regular file`; one that cannot be read `unreadable`.

Entries come depth first in path order (the order `sorted` gives the full paths).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pathspec

VENDORED_DIRS = frozenset({"vendor", "node_modules", "third_party"})
BUILD_DIRS = frozenset({"dist", "target", "build"})
TOOL_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", ".idea", ".gradle"})


@dataclass(frozen=True)
class WalkEntry:
    """One file (or a skipped folder, its path ending in `/`): its bytes, or why it was skipped."""

    path: str  # posix, relative to the walked root
    data: bytes | None
    reason: str | None  # None exactly when data holds the file's bytes


@dataclass(frozen=True)
class _Ignore:
    base: str  # the folder of the .gitignore, relative to the root, "" or ending in "/"
    spec: pathspec.GitIgnoreSpec


def folder_skip_reason(path: str) -> str | None:
    """Why the folder at `path` (posix, relative) holds no source: `vendored (node_modules)`, or None."""
    parts = PurePosixPath(path).parts
    if not parts:
        return None
    name = parts[-1]
    if name in VENDORED_DIRS or (name in BUILD_DIRS and "src" not in parts[:-1]):
        return f"vendored ({name})"
    return None


def is_vendored(path: str) -> bool:
    """Whether a file's path (posix, relative) lies in a vendored, build-output or tool folder.

    Git sources apply this to committed paths: a committed `vendor/x.go` is skipped with reason
    `vendored`, the same rule the walk of a plain folder applies to its folders.
    """
    parents = PurePosixPath(path).parts[:-1]
    return any(parents[i] in TOOL_DIRS or folder_skip_reason("/".join(parents[: i + 1])) for i in range(len(parents)))


def is_minions_output(folder: Path) -> bool:
    """A folder minions wrote (a workspace, an artifact, an unfinished one): never pipeline input."""
    if folder.name.endswith(".partial") or (folder / "catalog.sqlite").is_file():
        return True
    manifest = folder / "manifest.json"
    try:
        return manifest.is_file() and json.loads(manifest.read_text()).get("tool") == "minions"
    except (OSError, ValueError, AttributeError):
        return False


def walk_folder(root: Path, max_bytes: int) -> Iterator[WalkEntry]:
    """The files of a plain folder, each with its bytes or a skip reason (see the module docstring)."""
    root = root.resolve()
    yield from _walk(root, root, "", [], max_bytes)


def _walk(root: Path, folder: Path, rel: str, ignores: list[_Ignore], max_bytes: int) -> Iterator[WalkEntry]:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        yield WalkEntry(rel, None, "unreadable")
        return
    ignore_file = next((e for e in entries if e.name == ".gitignore" and e.is_file(follow_symlinks=False)), None)
    if ignore_file is not None:
        ignores = [*ignores, _Ignore(rel, _read_gitignore(Path(ignore_file.path)))]
    # a folder sorts as `name/`, so the walk yields full paths in sorted order
    for entry in sorted(entries, key=lambda e: e.name + ("/" if e.is_dir(follow_symlinks=False) else "")):
        path = rel + entry.name
        if entry.is_symlink():
            if not _ignored(ignores, path, is_dir=False) and (reason := _link_reason(root, Path(entry.path))):
                yield WalkEntry(path, None, reason)
        elif entry.is_dir(follow_symlinks=False):
            if entry.name in TOOL_DIRS or _ignored(ignores, path, is_dir=True) or is_minions_output(Path(entry.path)):
                continue
            if reason := folder_skip_reason(path):
                yield WalkEntry(path + "/", None, reason)
                continue
            yield from _walk(root, Path(entry.path), path + "/", ignores, max_bytes)
        elif not _ignored(ignores, path, is_dir=False):
            yield _read(entry, path, max_bytes)


def _read(entry: os.DirEntry, path: str, max_bytes: int) -> WalkEntry:
    try:
        if not entry.is_file(follow_symlinks=False):
            return WalkEntry(path, None, "not a regular file")
        if entry.stat(follow_symlinks=False).st_size > max_bytes:
            return WalkEntry(path, None, "too large")
        with open(entry.path, "rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat
    except OSError:
        return WalkEntry(path, None, "unreadable")
    return WalkEntry(path, None, "too large") if len(data) > max_bytes else WalkEntry(path, data, None)


def _read_gitignore(path: Path) -> pathspec.GitIgnoreSpec:
    try:
        lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(ignores: list[_Ignore], path: str, is_dir: bool) -> bool:
    """Whether git would ignore `path`: the deepest .gitignore with a matching pattern decides."""
    for ignore in reversed(ignores):
        rel = path[len(ignore.base) :] + ("/" if is_dir else "")
        include = ignore.spec.check_file(rel).include
        if include is not None:
            return include
    return False


def _link_reason(root: Path, link: Path) -> str | None:
    """Why a symbolic link is reported, or None for one that stays inside the root (left out silently)."""
    try:
        return None if link.resolve(strict=True).is_relative_to(root) else "symlink outside the repository"
    except (OSError, RuntimeError):  # a missing target, or a loop of links
        pass
    try:  # where the link points, read without following it further
        pointed = Path(os.path.normpath(link.parent / os.readlink(link)))
    except OSError:
        return "broken symlink"
    return "broken symlink" if pointed.is_relative_to(root) else "symlink outside the repository"
