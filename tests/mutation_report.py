"""Mutation score per critical module, from the results `mutmut run` left in mutants/ (see `make mutation`).

The modules are `[tool.mutmut] only_mutate` in pyproject.toml; one not written yet is reported as
missing. Score = (killed + timeout) / mutants: a mutant that hangs the tests is caught as well.
Survivors, mutants no selected test reaches ("no tests") and the rest ("other": suspicious,
segfault, not checked) count against it and are listed by name, for `mutmut show NAME`.
Writes mutants/summary.txt, mutants/summary.json and mutants/survivors.diff (every listed
mutant's diff). Exits 1 only when mutmut did not finish (a module without results, or mutants not checked).
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections import Counter
from pathlib import Path

from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parents[1]
OUT = Path("mutants")
COLUMNS = ("mutants", "killed", "timeout", "survived", "no tests", "other")
CAUGHT = {"killed": "killed", "caught by type check": "killed", "timeout": "timeout"}


def critical_modules() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]


def statuses(path: str) -> dict[str, str] | None:
    """mutmut's status per mutant name of one module, or None when it has no results."""
    meta = OUT / (path + ".meta")
    if not meta.is_file():
        return None
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: status_by_exit_code[codes[name]] for name in sorted(codes, key=numbered)}


def numbered(name: str) -> tuple[str, int]:
    """Sort key: function, then mutant number (x_f__mutmut_2 before x_f__mutmut_10)."""
    function, _, number = name.rpartition("__mutmut_")
    return function, int(number) if number.isdigit() else 0


def column(status: str) -> str:
    return CAUGHT.get(status) or (status if status in ("survived", "no tests") else "other")


def tally(found: dict[str, str]) -> dict:
    counts = Counter(column(s) for s in found.values())
    row = {"mutants": len(found), **{c: counts[c] for c in COLUMNS[1:]}}
    row["score"] = round((row["killed"] + row["timeout"]) / len(found), 4) if found else None
    row["not_caught"] = {name: s for name, s in found.items() if column(s) not in ("killed", "timeout")}
    return row


def render(rows: dict[str, dict | str]) -> str:
    label = {path: path.removeprefix("src/minions/") for path in rows}
    width = max(len(v) for v in [*label.values(), "module"])
    lines = ["module".ljust(width) + "".join(c.rjust(10) for c in COLUMNS) + "score".rjust(8)]
    for path, row in rows.items():
        if isinstance(row, str):
            lines.append(label[path].ljust(width) + f"  ({row})")
            continue
        score = "n/a" if row["score"] is None else f"{row['score']:.1%}"
        lines.append(label[path].ljust(width) + "".join(str(row[c]).rjust(10) for c in COLUMNS) + score.rjust(8))
    lines += ["", "score = (killed + timeout) / mutants; no tests and other count against it", ""]
    for path, row in rows.items():
        if isinstance(row, dict) and row["not_caught"]:
            lines.append(f"{label[path]}: not caught ({len(row['not_caught'])}), see `mutmut show NAME`")
            lines += [f"  {status:11} {name}" for name, status in row["not_caught"].items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    os.chdir(ROOT)
    if not OUT.is_dir():
        print("no mutants/ folder: run `make mutation` (or `mutmut run`) first", file=sys.stderr)
        return 1
    rows: dict[str, dict | str] = {}
    for path in critical_modules():
        found = statuses(path)
        if not Path(path).is_file():
            rows[path] = "missing: not written yet"
        elif found is None:
            rows[path] = "no results: run mutmut first"
        else:
            rows[path] = tally(found)
    text = render(rows)
    print(text, end="")
    (OUT / "summary.txt").write_text(text)
    (OUT / "summary.json").write_text(json.dumps(rows, indent=2) + "\n")
    diffs = [
        f"# {name}: {status}\n{get_diff_for_mutant(name, path=path)}\n"
        for path, row in rows.items()
        if isinstance(row, dict)
        for name, status in row["not_caught"].items()
    ]
    (OUT / "survivors.diff").write_text("\n".join(diffs))
    print(f"written: {OUT}/summary.txt, {OUT}/summary.json, {OUT}/survivors.diff")
    unchecked = sum(
        s == "not checked" for row in rows.values() if isinstance(row, dict) for s in row["not_caught"].values()
    )
    if unchecked:
        print(f"mutmut did not finish: {unchecked} mutants not checked", file=sys.stderr)
    return 1 if unchecked or any(row == "no results: run mutmut first" for row in rows.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
