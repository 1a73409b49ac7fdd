"""spring-controller: write a Spring controller given the interface of the layer below it.

One record per controller class (role controller, Java or Kotlin, not an interface). The input is
the controller's own class info (what to write: its constructor, fields and handler signatures),
its endpoint table (`| verb | path | request | response |`) when it maps endpoints, and the
compact class info of the services it injects (constructor parameters and fields, read from its
class info); where it injects no service, of the repositories (or MyBatis mappers) it injects, the
layer below it then. The output is the controller's code, dedented. A controller whose injected
types include neither is refused ("no injected service or repository found").
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
    endpoint_table,
    endpoints_by_class,
    infos,
    is_data_mapper,
    layer_record,
    layer_refusal,
)

TASK = "spring-controller"
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Implement the Spring {label} controller `{cls}` on top of the {layer} it injects, whose "
            "outlines are given. Answer with the complete class.",
        ),
        (
            f"{TASK}/en/2",
            "Write the controller class `{cls}` ({label}, Spring MVC): it must serve the endpoints listed "
            "and delegate to the injected {layer}. Reply with the whole class.",
        ),
        (
            f"{TASK}/en/3",
            "Given the outline of `{cls}` and the interfaces of the {layer} below it, write the {label} "
            "controller class in full.",
        ),
    ],
    "zh": [
        (f"{TASK}/zh/1", "基于它注入的{layer}（已给出大纲），实现 Spring {label} 控制器 `{cls}`。只回答完整的类。"),
        (
            f"{TASK}/zh/2",
            "编写控制器类 `{cls}`（{label}，Spring MVC）：提供所列接口，并调用注入的{layer}。给出完整的类。",
        ),
        (f"{TASK}/zh/3", "根据 `{cls}` 的大纲和其下层{layer}的接口，完整写出这个 {label} 控制器类。"),
    ],
}
LAYER = {"en": {"service": "services", "repository": "repositories"}, "zh": {"service": "服务", "repository": "仓储"}}


def _input(cls: CodeUnit, endpoints: list[CodeUnit], deps: list[CodeUnit], layer: str) -> str:
    parts = [f"File: {cls.path}", "Controller to write:", fence(cls.info, "")]
    if endpoints:
        parts += ["Endpoints:", endpoint_table(endpoints)]
    parts += ["Services it injects:" if layer == "service" else "Repositories it injects:", infos(deps)]
    return "\n".join(parts)


@register_task(
    TASK,
    "Implement a Spring controller given the class info of the services (or repositories) it injects.",
    needs="controller class units (Java, Kotlin), their endpoints, and the class units of their dependencies",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    find = class_lookup(units)
    endpoints = endpoints_by_class(units)
    for cls in units:
        if cls.kind != "class" or cls.role != "controller" or cls.lang not in SPRING_LANGS:
            continue
        why = layer_refusal(cls)
        deps, layer = dependencies(cls, find, lambda d: d.role == "service"), "service"
        if not deps:
            deps, layer = dependencies(cls, find, is_data_mapper), "repository"
        code = dedent(cls.code)
        if why is None and not deps:
            why = "no injected service or repository found"
        if why is None and not parses(code, cls.lang):
            why = "output does not parse"
        if why is not None:
            yield Rejection(id=cls.id, task=TASK, stage="tasks", reason=why)
            continue
        text_in = _input(cls, endpoints.get(cls.id, []), deps, layer)
        yield layer_record(
            TASK, cls, deps, WORDINGS, options, text_in, code, lambda lang, layer=layer: {"layer": LAYER[lang][layer]}
        )
