"""The task registry and what builders share: options, templates, the record constructor."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from minions.errors import UserError
from minions.records import CodeUnit, InstructionRecord, PairingRule

LANG_LABEL = {
    "java": "Java",
    "kotlin": "Kotlin",
    "python": "Python",
    "typescript": "TypeScript",
    "tsx": "TypeScript (TSX)",
    "go": "Go",
}


@dataclass(frozen=True)
class TaskOptions:
    instruction_lang: Literal["en", "zh"] = "en"
    # how a class is shown: its compact info (`CodeUnit.info`), or its code with member bodies elided
    outline: Literal["info", "skeleton"] = "info"


Builder = Callable[[list[CodeUnit], TaskOptions], Iterable[InstructionRecord]]


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    build: Builder


TASKS: dict[str, Task] = {}


def register_task(name: str, description: str) -> Callable[[Builder], Builder]:
    """Register a record builder under a kebab-case name; duplicates are refused."""

    def deco(fn: Builder) -> Builder:
        if name in TASKS:
            raise ValueError(f"task {name!r} is already registered")
        if name != name.lower() or " " in name:
            raise ValueError(f"task name {name!r} must be lowercase kebab-case")
        TASKS[name] = Task(name, description, fn)
        return fn

    return deco


def build_records(units: list[CodeUnit], names: list[str], options: TaskOptions) -> list[InstructionRecord]:
    """Run the named builders over the units, in the order given."""
    unknown = [n for n in names if n not in TASKS]
    if unknown:
        raise UserError(f"unknown task {unknown[0]!r}; known tasks: {', '.join(sorted(TASKS))}")
    return [r for n in names for r in TASKS[n].build(units, options)]


def fence(code: str, lang: str) -> str:
    return f"```{lang}\n{code.rstrip()}\n```"


def dedent(code: str) -> str:
    return textwrap.dedent(code).strip("\n")


def make_record(
    task: str,
    template_id: str,
    instruction: str,
    input: str,
    output: str,
    unit: CodeUnit,
    unit_ids: list[str],
    options: TaskOptions,
    focal_class: str,
    module: str,
    pairing_rule: PairingRule | None = None,
    variant: str = "",
) -> InstructionRecord:
    """A record with its stable id (task, unit ids, variant, template) and the unit's provenance."""
    return InstructionRecord(
        id=InstructionRecord.make_id(task, unit_ids, variant, template_id),
        task=task,
        instruction=instruction,
        input=input,
        output=output,
        lang=unit.lang,
        instruction_lang=options.instruction_lang,
        source=unit.source,
        unit_ids=unit_ids,
        pairing_rule=pairing_rule,
        template_id=template_id,
        module=module,
        focal_class=focal_class,
    )
