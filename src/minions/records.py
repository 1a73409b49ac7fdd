"""The record types that flow between stages, with their stable ids.

Ids are hashes (see ARCHITECTURE.md, "Ids"), so they carry no raw name and are the same on any
machine: a file's id hashes (repository, commit, path) of the raw source, before scrub; a unit's id
hashes (file id, span), the span in bytes so that two units on one line differ; a record's id
hashes (task, unit ids, variant key, template id).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
# the system turn of every chat-form record and training prompt: one wording, so the adapter always sees it
SYSTEM_PROMPT = "You are a coding assistant for this company's code base. Follow its conventions."

UnitKind = Literal["class", "method", "test", "endpoint", "query"]
PairingRule = Literal["explicit", "name", "http", "call"]


def stable_id(*parts: str) -> str:
    """A short, stable hash of the parts (joined by a separator no part contains)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def content_hash(data: str | bytes) -> str:
    """The sha256 of a text or bytes, for dedup and change detection."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Provenance(_Model):
    """Where a record came from: repository, commit and path (scrubbed when it reaches a record)."""

    repo: str
    commit: str
    path: str


class SourceFile(_Model):
    """One text file of a repository snapshot."""

    schema_version: int = SCHEMA_VERSION
    id: str = Field(description="hash of (repo, commit, path) of the raw source")
    repo: str
    commit: str
    path: str = Field(description="posix path relative to the repository root")
    lang: str | None = None
    text_hash: str = Field(
        description="content hash of `text` as it stands: raw when collected, scrubbed after scrub, so a "
        "manifest never publishes a hash of unscrubbed content"
    )
    text: str

    @classmethod
    def from_raw(cls, repo: str, commit: str, path: str, text: str, lang: str | None) -> SourceFile:
        return cls(
            id=stable_id(repo, commit, path),
            repo=repo,
            commit=commit,
            path=path,
            lang=lang,
            text_hash=content_hash(text),
            text=text,
        )

    def provenance(self) -> Provenance:
        return Provenance(repo=self.repo, commit=self.commit, path=self.path)


class PairLink(_Model):
    """A test unit's link to the code unit it tests, and the rule that found it."""

    focal_id: str
    rule: PairingRule


class CodeUnit(_Model):
    """A parsed piece of code: a class, method, test, endpoint or query."""

    schema_version: int = SCHEMA_VERSION
    id: str = Field(description="hash of (file id, byte span)")
    kind: UnitKind
    lang: str
    path: str
    span: tuple[int, int] = Field(description="first and last line, 1-based, inclusive")
    file_id: str
    source: Provenance
    module: str = Field(description="build module or top-level package the file belongs to")
    package: str = Field("", description="the file's package (Java, Kotlin), '' where the language has none")
    name: str
    class_name: str | None = Field(None, description="enclosing class, or the file's stem for top-level functions")
    scope: Literal["class", "file"] = Field("class", description="a class member, or a top-level function")
    signature: str = ""
    doc: str = ""
    code: str
    context: str = Field(
        "",
        description="for members: the enclosing class with member bodies elided; for tests, what a runnable "
        "test needs around it: the file's package and import lines before the class (Java, Kotlin), the "
        "module's outline (Python), the file with only the tests' bodies elided (TypeScript)",
    )
    info: str = Field("", description="for classes: the compact class info (docs/formats.md, 'Class info')")
    role: str = Field(
        "",
        description="controller, service, repository, entity, dto, configuration, mapper, test or other: "
        "a class's role, a member's class's; '' for file-scope functions",
    )
    calls: list[str] = Field(default_factory=list, description="names of methods this unit calls")
    http: dict[str, Any] | None = Field(
        None,
        description="for endpoints: {method, path, returns, handler, params, body, response}: method is a verb or "
        "ANY, returns is body or view, handler the handler method's unit id, params [{name, in, type}] (path, "
        "query, header), body and response types ('' when none or not declared)",
    )
    query: dict[str, Any] | None = Field(
        None,
        description="for queries: {kind, statement, text, entities, tables}; kind is the query language (jpql, sql, "
        "mongo, cql, cypher, n1ql, elasticsearch), mybatis-annotation, mybatis-xml or derived; mapper XML "
        "statements add fragments (the <sql> fragments they include, by id), mapper and method_id",
    )
    pairs: list[PairLink] = Field(default_factory=list, description="for tests: the units they test")

    @staticmethod
    def make_id(file_id: str, byte_span: tuple[int, int]) -> str:
        return stable_id(file_id, f"{byte_span[0]}-{byte_span[1]}")


class InstructionRecord(_Model):
    """One training or evaluation example, flat, one JSON object per line."""

    schema_version: int = SCHEMA_VERSION
    id: str
    task: str
    instruction: str
    input: str
    output: str
    lang: str = Field(description="code language")
    instruction_lang: Literal["en", "zh"] = "en"
    source: Provenance
    unit_ids: list[str]
    pairing_rule: PairingRule | None = None
    template_id: str
    module: str = Field(description="split group: build module or top-level package")
    focal_class: str = Field(description="split group: the class the record is about")

    @staticmethod
    def make_id(task: str, unit_ids: list[str], variant: str, template_id: str) -> str:
        return stable_id(task, ",".join(unit_ids), variant, template_id)

    def to_chat(self, system: str = SYSTEM_PROMPT) -> dict:
        """The chat form: the same object with `messages` in place of instruction/input/output."""
        data = self.model_dump()
        user = data.pop("instruction") + ("\n\n" + data["input"] if data["input"] else "")
        data.pop("input")
        data["messages"] = [
            {"role": "system", "content": system},
            {"role": "user", "content": user},
            {"role": "assistant", "content": data.pop("output")},
        ]
        return data


class Rejection(_Model):
    """Why a record (or file) was dropped; never the rejected text itself."""

    schema_version: int = SCHEMA_VERSION
    id: str
    task: str | None
    stage: str
    reason: str
