"""The workspace: one folder for all a run produces, a SQLite catalog, manifests and atomic writes.

Layout: `<root>/catalog.sqlite`, `<root>/runs/<run-id>/`, `<root>/adapters/<name>/`,
`<root>/models/<name>/`. The root is `--workspace`, else `$MINIONS_WORKSPACE`, else
`./minions-workspace`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from minions import __version__
from minions.errors import GateFailure, UserError
from minions.records import SCHEMA_VERSION, content_hash, stable_id

DEFAULT_WORKSPACE = "minions-workspace"

# the catalog's own schema version (ARCHITECTURE.md: one version per format); an older catalog is
# migrated forward by the steps in _MIGRATIONS, a newer one refused
CATALOG_SCHEMA_VERSION = 3

_TABLES = {
    "runs": "id TEXT PRIMARY KEY, name TEXT, path TEXT, status TEXT, created REAL",
    # a dataset version: id is the content hash of its split files; lineage is JSON (sources, config,
    # filter counts, counts by task and split)
    "datasets": "id TEXT PRIMARY KEY, path TEXT, train INTEGER, eval INTEGER, created REAL, "
    "name TEXT, parent TEXT, test INTEGER, lineage TEXT",
    # one row per released record of a dataset version: what diff and trace read
    "dataset_records": "version TEXT, id TEXT, split TEXT, task TEXT, content TEXT, repo TEXT, path TEXT",
    # one row per adapter version (`name@version`); meta is the adapter's minions-adapter.json,
    # eval_scores the latest `minions eval` metrics (JSON)
    "adapters": "name TEXT NOT NULL, version INTEGER NOT NULL, path TEXT, base_model TEXT, base_hash TEXT, "
    "dataset_id TEXT, team TEXT, created REAL, meta TEXT, eval_scores TEXT, PRIMARY KEY (name, version)",
    "evaluations": "id TEXT PRIMARY KEY, path TEXT, adapter TEXT, dataset_id TEXT, created REAL",
    # one row per comparison marked on the server's /ui page (minions.serving.preferences): prompt is
    # the JSON messages, outputs JSON [{model, output}], chosen a model id or NULL for a tie, team the
    # caller's team from its API key ("" without keys; never the key). A new table, so an older
    # catalog gets it when opened (CREATE TABLE IF NOT EXISTS below): no migration step.
    "preferences": "id TEXT PRIMARY KEY, created REAL, record_id TEXT, task TEXT, prompt TEXT, outputs TEXT, "
    "chosen TEXT, team TEXT",
}
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS dataset_records_version ON dataset_records (version)",
    "CREATE INDEX IF NOT EXISTS dataset_records_id ON dataset_records (id)",
    "CREATE INDEX IF NOT EXISTS dataset_records_path ON dataset_records (path)",
)
# version -> the statements that bring a catalog of the version before it up to it (rows kept)
_MIGRATIONS = {
    2: (
        "ALTER TABLE datasets ADD COLUMN name TEXT",
        "ALTER TABLE datasets ADD COLUMN parent TEXT",
        "ALTER TABLE datasets ADD COLUMN test INTEGER",
        "ALTER TABLE datasets ADD COLUMN lineage TEXT",
    ),
    # adapters get versions: the key becomes (name, version), a table SQLite cannot alter in place, so
    # it is copied; every existing adapter becomes version 1 of its name (its folder is not moved)
    3: (
        "CREATE TABLE IF NOT EXISTS adapters "
        "(name TEXT PRIMARY KEY, path TEXT, base_model TEXT, dataset_id TEXT, created REAL)",
        f"CREATE TABLE adapters_v3 ({_TABLES['adapters']})",
        "INSERT INTO adapters_v3 (name, version, path, base_model, dataset_id, created) "
        "SELECT name, 1, path, base_model, dataset_id, created FROM adapters",
        "DROP TABLE adapters",
        "ALTER TABLE adapters_v3 RENAME TO adapters",
    ),
}


def resolve_root(workspace: Path | None) -> Path:
    """The workspace folder from the option, the environment or the default."""
    return (workspace or Path(os.environ.get("MINIONS_WORKSPACE") or DEFAULT_WORKSPACE)).resolve()


class Catalog:
    """The SQLite catalog of runs, dataset versions, adapters and evaluations."""

    def __init__(self, path: Path):
        self.path = path

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path)
        try:
            _prepare(con, self.path)
            yield con
            con.commit()
        finally:
            con.close()

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        """Rows of a read-only SQL statement, as dicts."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(sql, params)]

    def replace_rows(self, table: str, where: dict[str, object], rows: list[dict]) -> None:
        """Delete the rows matching `where` and insert `rows`, in one transaction."""
        cond = " AND ".join(f"{k} = ?" for k in where)
        with self._connect() as con:
            con.execute(f"DELETE FROM {table} WHERE {cond}", tuple(where.values()))
            if rows:
                cols = list(rows[0])
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
                con.executemany(sql, [tuple(r[c] for c in cols) for r in rows])

    def insert(self, table: str, **row: object) -> bool:
        """Insert one row; False (nothing written) when a row with the same key exists."""
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._connect() as con:
            try:
                con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))
            except sqlite3.IntegrityError:
                return False
        return True

    def update(self, table: str, where: dict[str, object], **values: object) -> int:
        """Set columns of the rows matching `where`; returns how many rows changed."""
        sets = ", ".join(f"{k} = ?" for k in values)
        cond = " AND ".join(f"{k} = ?" for k in where)
        with self._connect() as con:
            cur = con.execute(f"UPDATE {table} SET {sets} WHERE {cond}", (*values.values(), *where.values()))
            return cur.rowcount

    def put(self, table: str, **row: object) -> None:
        """Insert or replace one row."""
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._connect() as con:
            con.execute(f"INSERT OR REPLACE INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))

    def delete(self, table: str, **where: object) -> None:
        """Remove the rows with these column values."""
        cond = " AND ".join(f"{k} = ?" for k in where)
        with self._connect() as con:
            con.execute(f"DELETE FROM {table} WHERE {cond}", tuple(where.values()))

    def rows(self, table: str, **where: object) -> list[dict]:
        """Rows of a table, newest first, optionally filtered by equal columns."""
        cond = " AND ".join(f"{k} = ?" for k in where)
        sql = f"SELECT * FROM {table}" + (f" WHERE {cond}" if cond else "") + " ORDER BY created DESC"
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(sql, tuple(where.values()))]


def _schema_version(con: sqlite3.Connection, path: Path) -> int:
    """The catalog's schema version (a new catalog gets the current one); a newer one is refused."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    fresh = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'datasets'").fetchone() is None
    if fresh:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(CATALOG_SCHEMA_VERSION),))
    else:
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')")
    (found,) = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if not found.isdigit() or int(found) > CATALOG_SCHEMA_VERSION:
        raise UserError(
            f"catalog {path} has schema version {found}, this minions reads up to {CATALOG_SCHEMA_VERSION}; "
            "use another --workspace or the minions version that made it"
        )
    return int(found)


def _prepare(con: sqlite3.Connection, path: Path) -> None:
    """Create missing tables; migrate an older catalog forward (its rows kept); refuse a newer one."""
    if _schema_version(con, path) < CATALOG_SCHEMA_VERSION:
        # one write transaction for all steps, taken before reading the version again: two processes
        # opening an old catalog at once migrate it once, and a failed step leaves it as it was
        con.commit()
        con.execute("BEGIN IMMEDIATE")
        try:
            for version in range(_schema_version(con, path) + 1, CATALOG_SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version]:
                    con.execute(statement)
                con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        except BaseException:
            con.rollback()
            raise
        con.commit()
    for table, cols in _TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
    for statement in _INDEXES:
        con.execute(statement)


class Workspace:
    """Folders and catalog under one root."""

    def __init__(self, root: Path):
        self.root = root
        self.catalog = Catalog(root / "catalog.sqlite")

    @classmethod
    def open(cls, workspace: Path | None) -> Workspace:
        return cls(resolve_root(workspace))

    def dir(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temp name beside it, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_json(path: Path, data: object) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    """Write one JSON object per line, atomically; returns the number of rows."""
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)


def read_json_objects(path: Path) -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSONL file, checked: a line that is not a
    JSON object, or a file that is not UTF-8 text, is a UserError naming the file and line."""
    if not path.is_file():
        raise UserError(f"{path} is not a file; pass a JSONL file")
    try:
        # lines end at "\n" only: a record may hold U+2028 or U+0085 raw (json.dumps with
        # ensure_ascii=False writes them so), which str.splitlines would also break on; a byte-order mark is fine
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; pass a JSONL file") from None
    rows = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise UserError(f"{path} line {i} is not JSON; fix or remove that line") from None
        if not isinstance(row, dict):
            raise UserError(f"{path} line {i} is not a JSON object; each line must be one record")
        rows.append((i, row))
    return rows


def read_jsonl(path: Path) -> list[dict]:
    with path.open() as f:
        return [json.loads(line) for line in f if line.strip()]


def file_hashes(folder: Path) -> dict[str, str]:
    """Content hashes of the files in a folder (relative posix path -> sha256), manifest excluded."""
    return {
        p.relative_to(folder).as_posix(): content_hash(p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def write_manifest(
    folder: Path,
    kind: str,
    config: dict,
    inputs: dict[str, str],
    parents: list[str] | None = None,
    artifact_id: str | None = None,
    **extra: object,
) -> dict:
    """Write `manifest.json` last, so its presence marks the folder complete. Returns it.

    The artifact id hashes kind, config and input hashes: the same inputs give the same id. An
    artifact named by its content (a dataset version) passes its own `artifact_id`.
    """
    artifact_id = artifact_id or stable_id(
        kind, json.dumps(config, sort_keys=True, default=str), json.dumps(inputs, sort_keys=True)
    )
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "id": artifact_id,
        "kind": kind,
        "tool": "minions",
        "tool_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "config": config,
        "inputs": inputs,
        "parents": parents or [],
        "outputs": file_hashes(folder),
        **extra,
    }
    write_json(folder / "manifest.json", manifest)
    return manifest


def read_manifest(folder: Path) -> dict | None:
    path = folder / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else None


def check_input_path(path: Path, what: str = "input") -> Path:
    """A path named on the command line must exist and be readable (else UserError, exit 2)."""
    if not path.exists():
        raise UserError(f"{what} {path} does not exist; pass an existing path")
    if not os.access(path, os.R_OK):
        raise UserError(f"{what} {path} is not readable; fix its permissions or pass another path")
    return path


def create_private_file(path: Path, text: str) -> bool:
    """Create `path` readable by its owner only (mode 0600 from the start, never wider) holding `text`;
    False when it already exists (another process made it first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return True


@contextlib.contextmanager
def output_folder(out: Path, force: bool = False, resume: bool = False) -> Iterator[Path]:
    """Yield a folder to write into; it appears at `out` only when the work succeeds.

    A non-empty `out` is refused unless `force` (start over) or `resume` (continue a killed run).
    Work happens in `<out>.partial`; a killed run leaves it for `resume`; bad input (UserError)
    removes it, so nothing half-written stays behind, except a partial folder that `resume` was
    asked to continue: a refused resume leaves it as it found it.
    """
    out = out.resolve()
    partial = out.with_name(out.name + ".partial")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; name a folder")
    non_empty = out.is_dir() and any(out.iterdir())
    if non_empty and not (force or resume):
        raise UserError(f"output folder {out} is not empty; pass --force to start over or --resume to continue")
    kept = resume and partial.exists()  # a killed run's work: never deleted by a refused resume
    moved = resume and non_empty and not partial.exists()
    if moved:
        out.rename(partial)  # continue from a finished or interrupted folder
    elif not resume and partial.exists() and any(partial.iterdir()):
        shutil.rmtree(partial)  # an empty one may be a reservation (adapters.reserve_version): kept
    partial.mkdir(parents=True, exist_ok=True)
    try:
        yield partial
    except GateFailure:
        # nothing of the dataset is left, only the gate's report: it goes where the user looks
        if out.exists():
            shutil.rmtree(out)
        partial.rename(out)
        raise
    except UserError:
        if moved:
            partial.rename(out)  # the folder the user had stays theirs
        elif not kept:
            shutil.rmtree(partial, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)
