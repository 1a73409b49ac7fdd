"""The task registry and what builders share: options, templates, the record constructor."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from minions.config import TasksConfig
from minions.errors import UserError
from minions.records import CodeUnit, InstructionRecord, PairingRule, Rejection, SourceFile

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
    """What every builder is told. `zh_ratio`: the share of records whose instruction is Chinese,
    chosen per record by a hash (see `pick`); `seed` changes those choices and the capped sample."""

    zh_ratio: float = 0.0
    # how a class is shown: its compact info (`CodeUnit.info`), or its code with member bodies elided
    outline: Literal["info", "skeleton"] = "info"
    seed: int = 0
    max_per_task: int | None = None
    max_per_class: int | None = None
    max_per_file: int | None = None


def task_options(cfg: TasksConfig) -> TaskOptions:
    """The builders' options that a config's `tasks` section sets."""
    ratio = cfg.zh_ratio if cfg.zh_ratio is not None else float(cfg.instruction_lang == "zh")
    return TaskOptions(
        zh_ratio=ratio,
        outline=cfg.outline,
        seed=cfg.seed,
        max_per_task=cfg.max_per_task,
        max_per_class=cfg.max_per_class,
        max_per_file=cfg.max_per_file,
    )


# a builder reads code units (or, for `inputs="documents"`, the collected Markdown/text files) and
# yields records, and a Rejection (stage "tasks", a reason) for each input it refuses to teach from
Builder = Callable[[list, TaskOptions], Iterable[InstructionRecord | Rejection]]
Wordings = dict[str, list[tuple[str, str]]]  # instruction language -> [(template id, template)]


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    build: Builder
    needs: str = ""  # the units (or documents) it reads, in words
    teacher: bool = False  # outputs come from a teacher model (the synthesis stage), not from the code
    inputs: Literal["units", "documents"] = "units"
    # outputs this short are the task's own (a one-line completion, SQL statement or doc comment): the
    # size filter's `filters.min_output_lines` is lowered to it for this task
    min_output_lines: int | None = None


TASKS: dict[str, Task] = {}


def register_task(
    name: str,
    description: str,
    needs: str = "",
    teacher: bool = False,
    inputs: Literal["units", "documents"] = "units",
    min_output_lines: int | None = None,
) -> Callable[[Builder], Builder]:
    """Register a record builder under a kebab-case name; duplicates are refused."""

    def deco(fn: Builder) -> Builder:
        if name in TASKS:
            raise ValueError(f"task {name!r} is already registered")
        if name != name.lower() or " " in name:
            raise ValueError(f"task name {name!r} must be lowercase kebab-case")
        TASKS[name] = Task(name, description, fn, needs, teacher, inputs, min_output_lines)
        return fn

    return deco


def default_task_names() -> list[str]:
    """Every registered task that needs no teacher, by name: what `build` runs by default."""
    return sorted(t.name for t in TASKS.values() if not t.teacher)


def check_task_names(names: list[str]) -> list[str]:
    """The names, or a UserError naming the first unknown one and the known ones (or saying none is named)."""
    if not names:
        raise UserError("no task named; name one or more (see `minions tasks`), or leave tasks.names out for all")
    unknown = [n for n in names if n not in TASKS]
    if unknown:
        raise UserError(f"unknown task {unknown[0]!r}; known tasks: {', '.join(sorted(TASKS))} (see `minions tasks`)")
    return names


def run_tasks(
    units: list[CodeUnit], names: list[str], options: TaskOptions, documents: list[SourceFile] = ()
) -> tuple[list[InstructionRecord], list[Rejection]]:
    """Run the named builders, in the order given, over the units (or the documents, for a task that
    reads documents): their records, and the inputs they refused with a reason (caps: see `cap`)."""
    check_task_names(names)
    records, rejected = [], []
    for n in names:
        task = TASKS[n]
        for out in task.build(list(documents) if task.inputs == "documents" else units, options):
            (rejected if isinstance(out, Rejection) else records).append(out)
    return records, rejected


def build_records(units: list[CodeUnit], names: list[str], options: TaskOptions) -> list[InstructionRecord]:
    """The records of the named builders over the units (see `run_tasks`)."""
    return run_tasks(units, names, options)[0]


def _fraction(*parts: str) -> float:
    """A number in [0, 1) from a hash of the parts: the same parts, the same number on any machine."""
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big") / 2**64


def pick(
    task: str, unit_ids: list[str], variant: str, wordings: Wordings, options: TaskOptions
) -> tuple[str, str, str]:
    """(instruction language, template id, template) for one record, chosen by a hash of the task, its
    unit ids, its variant key and the seed: Chinese for a `zh_ratio` share of records, then one of
    that language's wordings."""
    key = (task, ",".join(unit_ids), variant, str(options.seed))
    lang = "zh" if _fraction(*key, "lang") < options.zh_ratio else "en"
    choices = wordings[lang]
    template_id, template = choices[int(_fraction(*key, "wording") * len(choices))]
    return lang, template_id, template


def cap(records: list[InstructionRecord], options: TaskOptions) -> tuple[list[InstructionRecord], list[Rejection]]:
    """The records within the caps per task, per focal class and per file (each counted within its
    task), the rest rejected with the cap that took them. Which ones stay is a seeded sample (a hash of
    the seed and the record id), the same on every run; the kept ones keep their order."""
    limits = [
        ("task", options.max_per_task, lambda r: (r.task,)),
        ("class", options.max_per_class, lambda r: (r.task, r.source.repo, r.module, r.focal_class)),
        ("file", options.max_per_file, lambda r: (r.task, r.source.repo, r.source.path)),
    ]
    order = sorted(range(len(records)), key=lambda i: _fraction(str(options.seed), records[i].id))
    seen: dict[tuple, int] = {}
    dropped: dict[int, str] = {}
    for i in order:
        r = records[i]
        for label, limit, key in limits:
            if limit is None:
                continue
            k = (label, *key(r))
            if seen.get(k, 0) >= limit:
                dropped[i] = f"over the per-{label} cap ({limit})"
                break
        else:
            for label, limit, key in limits:
                if limit is not None:
                    k = (label, *key(r))
                    seen[k] = seen.get(k, 0) + 1
    kept = [r for i, r in enumerate(records) if i not in dropped]
    rejected = [
        Rejection(id=records[i].id, task=records[i].task, stage="tasks", reason=why)
        for i, why in sorted(dropped.items())
    ]
    return kept, rejected


# how a member cut out of its file becomes a file of its language again
MEMBER_WRAPPERS = {
    "java": ("class X {\n", "\n}"),
    "kotlin": ("class X {\n", "\n}"),
    "typescript": ("class X {\n", "\n}"),
    "tsx": ("class X {\n", "\n}"),
    "go": ("package p\n\n", ""),
}


def parses(code: str, lang: str) -> bool:
    """Whether code parses with tree-sitter for its language: as it stands, or (a member cut out of
    its class, a Go function without its package clause) wrapped as its language needs. A language
    not parsed here does not parse."""
    from minions.parsing.languages import LANGUAGES

    if lang not in LANGUAGES:
        return False
    parser = LANGUAGES[lang].parser()
    if not parser.parse(code.encode()).root_node.has_error:
        return True
    head, tail = MEMBER_WRAPPERS.get(lang, ("", ""))
    return bool(head or tail) and not parser.parse(f"{head}{code}{tail}".encode()).root_node.has_error


_STUB_STATEMENTS = {"pass_statement", "expression_statement", "comment", "ellipsis", "string"}


def is_stub(unit: CodeUnit) -> bool:
    """A declaration with nothing to implement: no body (an interface or abstract method), or a Python
    body of only `...`, `pass`, a docstring and `raise NotImplementedError` (`@overload`, Protocol and
    abstract stubs), which the outline already shows word for word."""
    code = unit.code.strip()
    if code == unit.signature.strip():
        return True
    if unit.lang != "python":
        return code.endswith(";") and "{" not in code
    from minions.parsing.languages import LANGUAGES, descendants

    root = LANGUAGES["python"].parser().parse(dedent(unit.code).encode()).root_node
    fn = next((n for n in descendants(root) if n.type == "function_definition"), None)
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return False
    for stmt in body.named_children:
        if stmt.type == "raise_statement" and "NotImplementedError" in stmt.text.decode("utf-8", "replace"):
            continue  # an abstract method's `raise NotImplementedError`
        if stmt.type not in _STUB_STATEMENTS:
            return False
        if stmt.type == "expression_statement" and any(
            c.type not in ("ellipsis", "string") for c in stmt.named_children
        ):
            return False
    return True


def fence(code: str, lang: str) -> str:
    return f"```{lang}\n{code.rstrip()}\n```"


_COMMENT_LINE = re.compile(r"\s*(?://|/\*)")  # not `#`: a Python string's lines may start with one


def dedent(code: str) -> str:
    """The code without the indentation its lines share, blank lines emptied, leading and trailing
    blank lines dropped. `//` and `/*` comment lines do not count towards the shared indentation (a
    `//` comment at column 0 inside an indented method would otherwise keep the whole method indented)."""
    lines = [line if line.strip() else "" for line in code.split("\n")]
    counted = [line for line in lines if line and not _COMMENT_LINE.match(line)] or [line for line in lines if line]
    margin = os.path.commonprefix([line[: len(line) - len(line.lstrip())] for line in counted])
    out = [line[len(margin) :] if line.startswith(margin) else line.lstrip(" \t") for line in lines]
    return "\n".join(out).strip("\n")


def make_record(
    task: str,
    template_id: str,
    instruction: str,
    input: str,
    output: str,
    unit: CodeUnit,
    unit_ids: list[str],
    instruction_lang: str,
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
        instruction_lang=instruction_lang,
        source=unit.source,
        unit_ids=unit_ids,
        pairing_rule=pairing_rule,
        template_id=template_id,
        module=module,
        focal_class=focal_class,
    )
