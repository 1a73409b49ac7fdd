"""implement-from-test: given a unit test and the outline of the class under test, write the method
the test exercises (test-driven development).

The pairs come from parsing (`CodeUnit.pairs`: a test's first link names its focal unit and the rule
that found it). The input is the focal class's compact info (`CodeUnit.info`; its code with member
bodies elided when `TaskOptions.outline` is `skeleton` or no class unit is found) and the test's
code; the output is the focal method, dedented. A test of an endpoint teaches its handler method
(`http.handler`); a test whose focal unit is no method with a body is rejected with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from minions.parsing.classinfo import class_of
from minions.parsing.pairing import focal_class_name
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import (
    LANG_LABEL,
    TaskOptions,
    Wordings,
    dedent,
    fence,
    is_stub,
    make_record,
    parses,
    pick,
    register_task,
)

TASK = "implement-from-test"
LANGS = {"java", "kotlin", "python", "typescript", "tsx", "go"}
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Implement the {what} `{name}` of the {label} {where} `{cls}` so that the test below passes. "
            "Answer with the complete {what} only.",
        ),
        (
            f"{TASK}/en/2",
            "Test first: the test below exercises `{name}` of the {where} `{cls}`, which is not implemented yet. "
            "Using the outline of the {where}, write the {label} {what} `{name}` that makes the test pass.",
        ),
        (
            f"{TASK}/en/3",
            "Here are the outline of the {label} {where} `{cls}` and a unit test of its {what} `{name}`. "
            "Write `{name}` so that it satisfies the test; reply with the whole {what}.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "请实现 {label} {where} `{cls}` 的{what} `{name}`，使下面的测试通过。只回答完整的{what}代码。",
        ),
        (
            f"{TASK}/zh/2",
            "测试驱动开发：下面的测试检查{where} `{cls}` 的 `{name}`，但它还没有实现。"
            "请根据{where}的大纲编写 {label} {what} `{name}`，让测试通过。",
        ),
        (
            f"{TASK}/zh/3",
            "下面是 {label} {where} `{cls}` 的大纲和{what} `{name}` 的单元测试。"
            "请编写满足该测试的 `{name}`，给出完整的{what}。",
        ),
    ],
}
WORDS = {
    "en": {"class": ("method", "class"), "file": ("function", "module")},
    "zh": {"class": ("方法", "类"), "file": ("函数", "模块")},
}


def _focal(t: CodeUnit, by_id: dict[str, CodeUnit]) -> tuple[CodeUnit | None, str]:
    """The method a test teaches, or None and the reason."""
    focal = by_id.get(t.pairs[0].focal_id)
    if focal is None:
        return None, "focal unit not among the units"
    if focal.kind == "endpoint":
        handler = by_id.get((focal.http or {}).get("handler") or "")
        if handler is None or handler.kind != "method":
            return None, "focal is an endpoint without a handler method"
        focal = handler
    if focal.kind != "method":
        return None, f"focal is a {focal.kind}, not a method"
    if focal.lang not in LANGS:
        return None, f"language {focal.lang} not supported"
    if focal.name in (focal.class_name, "__init__", "constructor"):
        return None, "focal is a constructor"
    if is_stub(focal):
        return None, "focal method has no body"
    return focal, ""


def _input(focal: CodeUnit, t: CodeUnit, info: str) -> str:
    outline = "Class outline:" if focal.scope == "class" else "Module outline:"
    shown = fence(info, "") if info else fence(focal.context, focal.lang)
    return "\n".join([f"File: {focal.path}", outline, shown, f"Test ({t.path}):", fence(dedent(t.code), t.lang)])


@register_task(
    TASK,
    "Implement a method from a unit test that exercises it and the outline of its class (test first).",
    needs="tests paired with their focal method (or an endpoint's handler), and the focal class unit",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    by_id = {u.id: u for u in units}
    class_unit = class_of(units)
    for t in units:
        if t.kind != "test" or not t.pairs:
            continue
        focal, why = _focal(t, by_id)
        if focal is None:
            yield Rejection(id=t.id, task=TASK, stage="tasks", reason=why)
            continue
        output = dedent(focal.code).strip()
        if not parses(output, focal.lang):
            yield Rejection(id=t.id, task=TASK, stage="tasks", reason="focal method does not parse")
            continue
        cls = class_unit(focal) if options.outline == "info" else None
        unit_ids = [focal.id, t.id]
        lang, template_id, template = pick(TASK, unit_ids, "", WORDINGS, options)
        what, where = WORDS[lang][focal.scope]
        yield make_record(
            task=TASK,
            template_id=template_id,
            instruction=template.format(
                name=focal.name,
                cls=focal.class_name,
                label=LANG_LABEL.get(focal.lang, focal.lang),
                what=what,
                where=where,
            ),
            input=_input(focal, t, cls.info if cls is not None else ""),
            output=output,
            unit=focal,
            unit_ids=unit_ids,
            instruction_lang=lang,
            focal_class=focal.class_name or focal_class_name(t),
            module=focal.module,
            pairing_rule=t.pairs[0].rule,
        )
