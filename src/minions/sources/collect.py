"""Read a repository into SourceFiles with provenance; write and read snapshot folders.

A source is a git checkout (its committed files at HEAD), a plain folder (its files, with
commit = `worktree-` + a hash of their content hashes), or a snapshot folder written by
`minions collect` or `minions scrub` (which keeps the ids taken from the raw source).
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from minions.errors import UserError
from minions.records import Rejection, SourceFile, content_hash, stable_id
from minions.sources.generated import generated_reason
from minions.workspace import read_manifest

LANG_BY_SUFFIX = {
    ".java": "java",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".py": "python",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".md": "markdown",
    ".properties": "properties",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".xml": "xml",
    ".sh": "shell",
    ".json": "json",
    ".sql": "sql",
}
SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "target",
    "build",
    "node_modules",
    "__pycache__",
    ".venv",
    ".idea",
    ".gradle",
}
MAX_BYTES = 1_000_000


def _lang(path: str) -> str | None:
    return LANG_BY_SUFFIX.get(Path(path).suffix.lower())


def _decode(data: bytes) -> str | None:
    """The text of a file; None when it is binary, "" when it is text but not UTF-8."""
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def _git_blobs(root: Path) -> tuple[str, Iterator[tuple[str, bytes | None]]]:
    """HEAD's commit and its (path, content) pairs; None for a blob git cannot read (a partial clone,
    a mirror without its large files)."""
    try:
        commit = _git(root, "rev-parse", "HEAD").decode().strip()
    except subprocess.CalledProcessError:
        raise UserError(f"{root} is a git repository without commits; commit something or pass a folder") from None
    entries = [e for e in _git(root, "ls-tree", "-r", "-z", "HEAD").split(b"\0") if e]

    def blobs() -> Iterator[tuple[str, bytes | None]]:
        for entry in entries:
            meta, path = entry.split(b"\t", 1)
            mode, kind, sha = meta.split()
            if kind == b"blob" and mode != b"120000":
                try:
                    yield path.decode(), _git(root, "cat-file", "blob", sha.decode())
                except subprocess.CalledProcessError:
                    yield path.decode(), None

    return commit, blobs()


def _is_minions_output(folder: Path) -> bool:
    """A folder minions wrote (a workspace, an artifact, an unfinished one): never pipeline input."""
    if folder.name.endswith(".partial") or (folder / "catalog.sqlite").is_file():
        return True
    manifest = folder / "manifest.json"
    try:
        return manifest.is_file() and json.loads(manifest.read_text()).get("tool") == "minions"
    except (OSError, ValueError, AttributeError):
        return False


def _folder_files(root: Path) -> list[tuple[str, bytes | None]]:
    out = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _is_minions_output(here / d))
        for name in sorted(names):
            p = here / name
            if p.is_symlink() or not p.is_file():
                continue
            rel = p.relative_to(root).as_posix()
            try:
                out.append((rel, p.read_bytes()))
            except OSError:
                out.append((rel, None))
    return sorted(out, key=lambda item: item[0])


def collect(root: Path, name: str | None = None) -> tuple[list[SourceFile], list[Rejection]]:
    """Read one source into files; a binary, oversized, unreadable or generated file is skipped with a reason."""
    root = root.resolve()
    if (root / "manifest.json").is_file() and (root / "files").is_dir():
        return load_snapshot(root)
    if root.is_file():
        # one file: its folder is the repository, its name the path
        repo = name or root.parent.name
        items = [(root.name, root.read_bytes())]
        commit = "worktree-" + stable_id(content_hash(items[0][1]))
        return _files(repo, commit, items)
    if not root.is_dir():
        raise UserError(f"source {root} is neither a file nor a folder; pass a repository folder or a file")
    repo = name or root.name
    if (root / ".git").exists():
        commit, pairs = _git_blobs(root)
        items = list(pairs)
    else:
        items = _folder_files(root)
        commit = "worktree-" + stable_id(*(content_hash(data or b"") for _, data in items))
    return _files(repo, commit, items)


def _files(repo: str, commit: str, items: list[tuple[str, bytes | None]]) -> tuple[list[SourceFile], list[Rejection]]:
    """Decoded text files, and a rejection with a reason for each unreadable, binary, oversized or
    generated one (reason `generated (what marked it)`, see `generated.py`)."""
    files, skipped = [], []
    for path, data in items:
        reason, text = None, None
        if data is None:
            reason = "unreadable"
        elif len(data) > MAX_BYTES:
            reason = "too large"
        elif (text := _decode(data)) is None or (not text and data):
            reason = "binary" if text is None else "not UTF-8"
        elif why := generated_reason(path, text):
            reason = f"generated ({why})"
        if reason:
            skipped.append(Rejection(id=stable_id(repo, commit, path), task=None, stage="collect", reason=reason))
            continue
        files.append(SourceFile.from_raw(repo, commit, path, text, _lang(path)))
    return files, skipped


def collect_all(sources: list[tuple[Path, str | None]]) -> tuple[list[SourceFile], list[Rejection]]:
    """Collect several sources; two sources with the same repository name are refused."""
    files, skipped, seen = [], [], set()
    for path, name in sources:
        f, s = collect(path, name)
        repos = {x.repo for x in f}
        if repos & seen:
            raise UserError(f"two sources are both named {sorted(repos & seen)[0]!r}; give each a distinct name")
        seen |= repos
        files += f
        skipped += s
    return files, skipped


def stored_path(file: SourceFile, several_repos: bool) -> str:
    return f"{file.repo}/{file.path}" if several_repos else file.path


def write_snapshot(folder: Path, files: list[SourceFile]) -> list[dict]:
    """Write files under `folder/files/`; return their manifest entries (everything but the text).

    `files/` starts empty, so a resumed run never keeps a file of an earlier one. Two files that
    would land on one path (raw paths that scrub to the same one) are both kept: the second is
    stored as `Name~<id>.ext`, its provenance path unchanged.
    """
    several = len({f.repo for f in files}) > 1
    shutil.rmtree(folder / "files", ignore_errors=True)
    entries, used = [], set()
    for f in files:
        rel = stored_path(f, several)
        if rel.casefold() in used:
            stem, dot, ext = rel.rpartition(".") if "." in rel.rsplit("/", 1)[-1] else (rel, "", "")
            rel = f"{stem}~{f.id[:8]}{dot}{ext}"
        used.add(rel.casefold())
        try:
            _write_text(folder / "files" / rel, f.text)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            # a file where a folder must go, or the other way round (`acme` and `example/` with
            # acme -> example): stored apart, under a folder of its own
            rel = f"~{f.id[:8]}/{rel}"
            _write_text(folder / "files" / rel, f.text)
        entries.append({**f.model_dump(exclude={"text"}), "stored": rel})
    (folder / "files").mkdir(exist_ok=True)
    return entries


def _write_text(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def load_snapshot(folder: Path) -> tuple[list[SourceFile], list[Rejection]]:
    """Read a snapshot folder written by `collect` or `scrub`, keeping its ids."""
    manifest = read_manifest(folder) or {}
    if "files" not in manifest:
        raise UserError(f"{folder}/manifest.json lists no files; pass a folder made by minions collect or scrub")
    files = []
    for entry in manifest["files"]:
        stored = entry.pop("stored")
        text = (folder / "files" / stored).read_text()
        files.append(SourceFile(**entry, text=text))
    return files, []


def matches_any(path: str, patterns: list[str]) -> bool:
    name = Path(path).name
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in patterns)
