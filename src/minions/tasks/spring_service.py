"""spring-service: write a Spring service given the interface of the repositories it injects.

One record per service class (role service, Java or Kotlin, not an interface: an interface has
no implementation to write). The input is the service's own class info (its constructor, fields
and method signatures) and the compact class info of the repositories, DAOs or MyBatis mappers it
injects (constructor parameters and fields, read from its class info); the output is the service's
code, dedented. A service that injects no repository found in the repository is refused ("no
injected repository found").
"""

from __future__ import annotations

from collections.abc import Iterator

from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import (
    TaskOptions,
    Wordings,
    dedent,
    fence,
    parses,
    register_task,
)
from minions.tasks.spring_layers import (
    SPRING_LANGS,
    class_lookup,
    dependencies,
    infos,
    is_data_mapper,
    layer_record,
    layer_refusal,
)

TASK = "spring-service"
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Implement the Spring {label} service `{cls}` using the repositories it injects, whose outlines "
            "are given. Answer with the complete class.",
        ),
        (
            f"{TASK}/en/2",
            "Write the service class `{cls}` ({label}): implement every method of its outline on top of the "
            "injected repositories. Reply with the whole class.",
        ),
        (
            f"{TASK}/en/3",
            "Given the outline of `{cls}` and the interfaces of the data access layer below it, write the "
            "{label} service class in full.",
        ),
    ],
    "zh": [
        (f"{TASK}/zh/1", "使用它注入的仓储（已给出大纲），实现 Spring {label} 服务 `{cls}`。只回答完整的类。"),
        (f"{TASK}/zh/2", "编写服务类 `{cls}`（{label}）：基于注入的仓储实现大纲中的每个方法。给出完整的类。"),
        (f"{TASK}/zh/3", "根据 `{cls}` 的大纲和其下层数据访问接口，完整写出这个 {label} 服务类。"),
    ],
}


@register_task(
    TASK,
    "Implement a Spring service given the class info of the repositories it injects.",
    needs="service class units (Java, Kotlin) and the class units of their repositories or MyBatis mappers",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    find = class_lookup(units)
    for cls in units:
        if cls.kind != "class" or cls.role != "service" or cls.lang not in SPRING_LANGS:
            continue
        why = layer_refusal(cls)
        deps = dependencies(cls, find, is_data_mapper)
        code = dedent(cls.code)
        if why is None and not deps:
            why = "no injected repository found"
        if why is None and not parses(code, cls.lang):
            why = "output does not parse"
        if why is not None:
            yield Rejection(id=cls.id, task=TASK, stage="tasks", reason=why)
            continue
        text_in = "\n".join(
            [f"File: {cls.path}", "Service to write:", fence(cls.info, ""), "Repositories it injects:", infos(deps)]
        )
        yield layer_record(TASK, cls, deps, WORDINGS, options, text_in, code)
