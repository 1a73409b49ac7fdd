"""What the server serves: model ids (`base`, the base model's name, `name`, `name@N`) and, behind
each, the base model or one adapter version with its prompt template and system prompt."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from minions.models.templates import PromptTemplate

BASE_ALIAS = "base"


@dataclass(frozen=True)
class ServedModel:
    """The base model (folder None) or one adapter version."""

    id: str  # the base model's name, or name@N
    name: str  # adapter name ("" for the base)
    version: int | None
    folder: Path | None
    template: PromptTemplate
    system_prompt: str = ""

    @property
    def is_base(self) -> bool:
        return self.folder is None


class Catalog:
    """The served models by id. Thread-safe: admin calls add and remove while requests read."""

    def __init__(self, base: ServedModel, resolve: Callable[[str], ServedModel] | None = None):
        self.base = base
        self.resolve = resolve  # an adapter reference to a ServedModel (the registry); admin loads use it
        self._adapters: dict[str, ServedModel] = {}
        self._lock = threading.Lock()

    def add(self, model: ServedModel) -> None:
        with self._lock:
            self._adapters[model.id] = model

    def remove(self, ref: str) -> ServedModel | None:
        with self._lock:
            found = self._find(ref)
            if found is not None:
                del self._adapters[found.id]
            return found

    def find(self, ref: str) -> ServedModel | None:
        """`base`, the base model's name, `name@N`, or `name` (its latest served version)."""
        if ref in (BASE_ALIAS, self.base.id):
            return self.base
        with self._lock:
            return self._find(ref)

    def _find(self, ref: str) -> ServedModel | None:
        if ref in self._adapters:
            return self._adapters[ref]
        versions = [m for m in self._adapters.values() if m.name == ref]
        return max(versions, key=lambda m: m.version or 0) if versions else None

    def adapters(self) -> list[ServedModel]:
        with self._lock:
            return sorted(self._adapters.values(), key=lambda m: (m.name, m.version or 0))

    def ids(self, allowed: Callable[[ServedModel], bool] = lambda m: True) -> list[str]:
        """Every id a caller may send, base first: each version as name@N and each name for its latest."""
        ids = [self.base.id]
        latest: dict[str, ServedModel] = {}
        for m in self.adapters():
            latest[m.name] = m
            if allowed(m):
                ids.append(m.id)
        return ids + [n for n, m in sorted(latest.items()) if allowed(m) and n not in ids]
