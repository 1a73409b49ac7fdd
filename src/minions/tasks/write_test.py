"""write-test: given a method (and the test class outline), write the test that exercises it.

The input opens with the compact info of the class under test (its constructor's dependencies,
fields and methods: what a test must build and may call) when there is one and
`TaskOptions.outline` is `info`; then the method, then the test class outline.
"""

from __future__ import annotations

from collections.abc import Iterator

from minions.parsing.classinfo import class_of
from minions.parsing.pairing import focal_class_name
from minions.records import CodeUnit, InstructionRecord
from minions.tasks.registry import TaskOptions, Wordings, dedent, fence, make_record, pick, register_task

FRAMEWORK = {
    "java": "JUnit 5",
    "kotlin": "JUnit 5",
    "python": "pytest",
    "typescript": "Jest",
    "tsx": "Jest",
    "go": "the testing package",
}
WORDINGS: Wordings = {
    "en": [
        (
            "write-test/en/1",
            "Write a {framework} test for the method `{name}` of `{cls}`, in the style of the test class "
            "outlined below. Answer with the test method only.",
        ),
        (
            "write-test/en/2",
            "Add a {framework} test of `{cls}.{name}` to the test class outlined below, reusing its fields "
            "and set-up. Reply with the new test method.",
        ),
        (
            "write-test/en/3",
            "Given the code under test and the outline of its test class, write one {framework} test method "
            "that checks `{name}` of `{cls}`.",
        ),
    ],
    "zh": [
        (
            "write-test/zh/1",
            "请为 `{cls}` 的方法 `{name}` 编写一个 {framework} 测试，风格与下面的测试类大纲一致。只回答测试方法。",
        ),
        (
            "write-test/zh/2",
            "在下面大纲所示的测试类中，为 `{cls}.{name}` 增加一个 {framework} 测试，"
            "复用其字段和初始化代码。只回答新的测试方法。",
        ),
        ("write-test/zh/3", "根据被测代码和测试类大纲，编写一个检查 `{cls}` 的 `{name}` 的 {framework} 测试方法。"),
    ],
}


@register_task(
    "write-test",
    "Write the unit test for a method, from the method and its test class outline.",
    needs="tests paired with their focal method, and the focal class unit",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord]:
    by_id = {u.id: u for u in units}
    class_unit = class_of(units)
    for t in units:
        if t.kind != "test" or not t.pairs:
            continue
        link = t.pairs[0]
        focal = by_id[link.focal_id]
        framework = FRAMEWORK.get(t.lang, "unit")
        focal_class = class_unit(focal) if options.outline == "info" else None
        text_in = "\n".join(
            (["Class under test:", fence(focal_class.info, "")] if focal_class is not None and focal_class.info else [])
            + [
                f"Code under test ({focal.path}):",
                fence(dedent(focal.code), focal.lang),
                f"Test class outline ({t.path}):",
                fence(t.context, t.lang),
            ]
        )
        lang, template_id, template = pick("write-test", [focal.id, t.id], "", WORDINGS, options)
        yield make_record(
            task="write-test",
            template_id=template_id,
            instruction=template.format(framework=framework, name=focal.name, cls=focal.class_name),
            input=text_in,
            output=dedent(t.code),
            unit=t,
            unit_ids=[focal.id, t.id],
            instruction_lang=lang,
            focal_class=focal.class_name or focal_class_name(t),
            module=focal.module,
            pairing_rule=link.rule,
        )
