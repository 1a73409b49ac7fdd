"""A tiny Java repository and a one-call build of it into a registered dataset version (datasets tests)."""

from __future__ import annotations

from pathlib import Path

from minions.config import PipelineConfig, SourceConfig
from minions.datasets.versions import register_dataset
from minions.pipeline.build import build_dataset
from minions.workspace import Workspace

OPS = ["+", "-", "*", "^", "|", "&", "%", "/"]


def service_class(i: int, extra: str = "") -> str:
    """A service class with two methods whose bodies differ from every other class's (no run of 13 tokens
    is the same in two classes, so decontamination leaves them all)."""
    op = OPS[i % len(OPS)]
    return f"""package com.shop.s{i};

public class Service{i} {{
    private final int base{i} = {i + 3};

    public int combine{i}(int left, int right) {{
        int result = left {op} right;
        if (result < {i}) {{
            result = result {op} base{i};
        }}
        return result + {i * 7};
    }}

    public String label{i}(String name) {{
        StringBuilder out{i} = new StringBuilder("s{i}-");
        for (char c{i} : name.toCharArray()) {{
            out{i}.append(Character.toUpperCase(c{i})).append('{chr(97 + i)}');
        }}
        return out{i}.toString(){extra};
    }}
}}
"""


def shop_files(n: int = 8, changed: int | None = None) -> dict[str, str]:
    """The repository's files; `changed`: that class's label method returns something else."""
    return {
        f"src/main/java/com/shop/s{i}/Service{i}.java": service_class(i, ".trim()" if i == changed else "")
        for i in range(n)
    }


def build_version(ws: Workspace, repo: Path, out: Path, name: str = "shop", **sections) -> dict:
    """Build `repo` into `out` (implement-method records unless `tasks` says otherwise) and register it in
    `ws`; the catalog row."""
    sections.setdefault("tasks", {"names": ["implement-method"]})
    cfg = PipelineConfig(name=name, sources=[SourceConfig(path=repo)], split={"eval_share": 0.25}, **sections)
    out.mkdir(parents=True)
    build_dataset(cfg, out)
    return register_dataset(ws, out)
