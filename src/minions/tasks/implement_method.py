"""implement-method: given the class outline and a method's signature and doc, write the method.

The outline is the class's compact info (`CodeUnit.info`: constructor, fields, method signatures)
by default, or the class with member bodies elided (`TaskOptions.outline = "skeleton"`, and
wherever no class unit is found: a module's functions, a Go method of a type in another file).

With the info outline, the input also shows "related types": the compact info of the repository's own
classes that the method's signature and body name (capitalised identifiers matched against class
units of the same repository; where two share a name, the one in the method's package, then module,
then the nearest folder), most-named first, the method's own class and test classes left out, as
many as fit in `RELATED_BUDGET` characters (names in the signature count twice: the signature, then
the code that repeats it). A method that names none gets none; the skeleton outline gets none.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from minions.parsing.classinfo import class_of
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.doc_generation import doc_as_written, indent_of, unindent
from minions.tasks.registry import (
    LANG_LABEL,
    TaskOptions,
    Wordings,
    dedent,
    fence,
    is_stub,
    make_record,
    pick,
    register_task,
)

WORDINGS: Wordings = {
    "en": [
        (
            "implement-method/en/1",
            "Implement the {what} `{name}` of the {label} {where} `{cls}`. "
            "The outline shows the other members; answer with the complete {what} only.",
        ),
        (
            "implement-method/en/2",
            "Write the body of `{name}` in the {label} {where} `{cls}`, following its signature and doc "
            "comment and using the members in the outline. Reply with the whole {what}.",
        ),
        (
            "implement-method/en/3",
            "Here is the outline of the {label} {where} `{cls}` and the signature of one {what}, `{name}`. "
            "Give its complete implementation.",
        ),
    ],
    "zh": [
        (
            "implement-method/zh/1",
            "请实现 {label} {where} `{cls}` 中的{what} `{name}`。大纲列出了其他成员；只回答完整的代码。",
        ),
        (
            "implement-method/zh/2",
            "根据签名和文档注释，并使用大纲中的成员，编写 {label} {where} `{cls}` 的{what} `{name}`，给出完整代码。",
        ),
        (
            "implement-method/zh/3",
            "下面是 {label} {where} `{cls}` 的大纲和{what} `{name}` 的签名。请给出它的完整实现。",
        ),
    ],
}
RELATED_BUDGET = 1500  # characters of related types' info per record, at most
_TYPE_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")

WORDS = {
    "en": {"class": ("method", "class"), "file": ("function", "module")},
    "zh": {"class": ("方法", "类"), "file": ("函数", "模块")},
}


def _input(unit: CodeUnit, info: str = "", related: str = "") -> str:
    outline, todo = (
        ("Class outline:", "Method to implement:")
        if unit.scope == "class"
        else (
            "Module outline:",
            "Function to implement:",
        )
    )
    parts = [f"File: {unit.path}", outline, fence(info, "") if info else fence(unit.context, unit.lang)]
    parts += ["Related types:", fence(related, "")] if related else []
    parts.append(todo)
    signature = unindent(unit.signature, indent_of(unit.code))
    doc = doc_as_written(unit) if unit.doc.strip() else ""
    head = (doc + "\n" if doc and unit.lang != "python" else "") + signature
    if unit.lang == "python" and doc:
        head += "\n" + textwrap.indent(doc, "    ")
    parts.append(fence(head, unit.lang))
    return "\n".join(parts)


def _info(cls: CodeUnit | None) -> str:
    return cls.info if cls is not None else ""


def _closeness(unit: CodeUnit, cls: CodeUnit) -> tuple:
    """How near a class is to a method, for picking among classes of one name: the same package, the
    same module, then the longest shared folder path (and the path, so the choice is stable)."""
    a, b = PurePosixPath(unit.path).parent.parts, PurePosixPath(cls.path).parent.parts
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return (cls.package != unit.package or not unit.package, cls.module != unit.module, -shared, cls.path)


def related_types(units: list[CodeUnit]) -> Callable[[CodeUnit, CodeUnit | None], str]:
    """A lookup: method (and its own class unit) -> the compact info of the repository's classes its
    signature and code name, most-named first (then in order of first mention), joined by blank lines
    up to `RELATED_BUDGET` characters; one that does not fit is passed over for the next."""
    by_name: dict[tuple[str, str], list[CodeUnit]] = defaultdict(list)
    for u in units:
        if u.kind == "class" and u.info and u.role != "test":
            by_name[(u.source.repo, u.name)].append(u)

    def find(unit: CodeUnit, own: CodeUnit | None) -> str:
        names = Counter(_TYPE_NAME.findall(unit.signature + "\n" + unit.code))
        chosen = []
        for name in names:  # a Counter keeps the order of first mention
            candidates = [c for c in by_name.get((unit.source.repo, name), []) if c is not own]
            if name != unit.class_name and candidates:
                chosen.append((-names[name], min(candidates, key=lambda c: _closeness(unit, c)).info))
        out, used = [], 0
        for _, info in sorted(chosen, key=lambda x: x[0]):
            cost = len(info) + (2 if out else 0)
            if info not in out and used + cost <= RELATED_BUDGET:
                out.append(info)
                used += cost
        return "\n\n".join(out)

    return find


@register_task(
    "implement-method",
    "Implement a method from its class outline, signature and doc comment.",
    needs="methods (not in test classes, not constructors) and their class units",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord]:
    test_classes = {(u.source.repo, u.path, u.class_name) for u in units if u.kind == "test"}
    class_unit = class_of(units)
    related = related_types(units)
    for u in units:
        if u.kind != "method" or not u.class_name or (u.source.repo, u.path, u.class_name) in test_classes:
            continue  # helpers inside test classes are not the code we teach
        if u.name == u.class_name or u.name == "__init__":
            continue  # constructors: wiring, not behaviour
        if is_stub(u):
            yield Rejection(id=u.id, task="implement-method", stage="tasks", reason="a stub: nothing to implement")
            continue
        label = LANG_LABEL.get(u.lang, u.lang)
        cls = class_unit(u)
        lang, template_id, template = pick("implement-method", [u.id], "", WORDINGS, options)
        what, where = WORDS[lang][u.scope]
        yield make_record(
            task="implement-method",
            template_id=template_id,
            instruction=template.format(name=u.name, cls=u.class_name, label=label, what=what, where=where),
            input=_input(u, _info(cls), related(u, cls)) if options.outline == "info" else _input(u),
            output=dedent(u.code),
            unit=u,
            unit_ids=[u.id],
            instruction_lang=lang,
            focal_class=u.class_name,
            module=u.module,
        )
