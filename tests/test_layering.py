"""The map's import rules, checked on the source: siblings never import each other, and torch,
transformers and peft are imported only where the map allows (and then inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "minions"
SIBLINGS = ("training", "serving", "evaluation")
HEAVY = ("torch", "transformers", "peft")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level) for every import in a file."""
    tree = ast.parse(path.read_text())
    top = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, id(node) in top))
    return found


@pytest.mark.parametrize("package", SIBLINGS)
def test_siblings_do_not_import_each_other(package):
    others = [s for s in SIBLINGS if s != package]
    bad = [
        f"{path.relative_to(SRC)} imports {module}"
        for path in (SRC / package).rglob("*.py")
        for module, _ in _imports(path)
        if any(module == f"minions.{o}" or module.startswith(f"minions.{o}.") for o in others)
    ]
    assert not bad, bad


def test_heavy_libraries_only_where_allowed_and_lazily():
    allowed = {"models", "training", "serving", "evaluation"}
    bad = []
    for path in SRC.rglob("*.py"):
        stage = path.relative_to(SRC).parts[0]
        for module, top in _imports(path):
            if module.split(".")[0] in HEAVY and (stage not in allowed or top):
                bad.append(f"{path.relative_to(SRC)} imports {module}{' at top level' if top else ''}")
    assert not bad, bad
