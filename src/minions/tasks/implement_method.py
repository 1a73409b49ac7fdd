"""implement-method: given the class outline and a method's signature and doc, write the method.

The outline is the class's compact info (`CodeUnit.info`: constructor, fields, method signatures)
by default, or the class with member bodies elided (`TaskOptions.outline = "skeleton"`, and
wherever no class unit is found: a module's functions, a Go method of a type in another file).
"""

from __future__ import annotations

from collections.abc import Iterator

from minions.parsing.classinfo import class_of
from minions.records import CodeUnit, InstructionRecord
from minions.tasks.registry import (
    LANG_LABEL,
    TaskOptions,
    Wordings,
    dedent,
    fence,
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
WORDS = {
    "en": {"class": ("method", "class"), "file": ("function", "module")},
    "zh": {"class": ("方法", "类"), "file": ("函数", "模块")},
}


def _input(unit: CodeUnit, info: str = "") -> str:
    outline, todo = (
        ("Class outline:", "Method to implement:")
        if unit.scope == "class"
        else (
            "Module outline:",
            "Function to implement:",
        )
    )
    parts = [f"File: {unit.path}", outline, fence(info, "") if info else fence(unit.context, unit.lang), todo]
    head = (dedent(unit.doc) + "\n" if unit.doc and unit.lang != "python" else "") + unit.signature
    if unit.lang == "python" and unit.doc:
        head += "\n    " + unit.doc.strip()
    parts.append(fence(head, unit.lang))
    return "\n".join(parts)


def _info(cls: CodeUnit | None) -> str:
    return cls.info if cls is not None else ""


@register_task(
    "implement-method",
    "Implement a method from its class outline, signature and doc comment.",
    needs="methods (not in test classes, not constructors) and their class units",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord]:
    test_classes = {(u.source.repo, u.path, u.class_name) for u in units if u.kind == "test"}
    class_unit = class_of(units)
    for u in units:
        if u.kind != "method" or not u.class_name or (u.source.repo, u.path, u.class_name) in test_classes:
            continue  # helpers inside test classes are not the code we teach
        if u.name == u.class_name or u.name == "__init__":
            continue  # constructors: wiring, not behaviour
        label = LANG_LABEL.get(u.lang, u.lang)
        lang, template_id, template = pick("implement-method", [u.id], "", WORDINGS, options)
        what, where = WORDS[lang][u.scope]
        yield make_record(
            task="implement-method",
            template_id=template_id,
            instruction=template.format(name=u.name, cls=u.class_name, label=label, what=what, where=where),
            input=_input(u, _info(class_unit(u)) if options.outline == "info" else ""),
            output=dedent(u.code),
            unit=u,
            unit_ids=[u.id],
            instruction_lang=lang,
            focal_class=u.class_name,
            module=u.module,
        )
