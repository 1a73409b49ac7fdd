"""controller-test: write a MockMvc test of a Spring controller's endpoint.

One record per test unit (Java or Kotlin) paired with a controller's endpoint or handler method
(the parser's pairing: `explicit`, `name`, `http` or `call`, recorded as the record's
`pairing_rule`) whose code or test class uses MockMvc (`MockMvc`, `mockMvc`, `@WebMvcTest`). The
input is the controller's compact class info, its endpoint table (`| verb | path | request |
response |`) and the test class outline (its fields and set-up: the mocked beans, the `MockMvc`);
the instruction names the handler and, where known, its verb and path. The output is the test
method, dedented. Refused: a paired test that does not use MockMvc (a plain unit test or a
`RestTemplate` integration test), a controller whose class unit is not found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from minions.parsing.classinfo import class_of
from minions.records import CodeUnit, InstructionRecord, Rejection
from minions.tasks.registry import TaskOptions, Wordings, dedent, fence, make_record, parses, pick, register_task
from minions.tasks.spring_layers import SPRING_LANGS, endpoint_table, endpoints_by_class

TASK = "controller-test"
MOCKMVC = re.compile(r"\bMockMvc\b|\bmockMvc\b|@WebMvcTest")
WORDINGS: Wordings = {
    "en": [
        (
            f"{TASK}/en/1",
            "Write a MockMvc test (`@WebMvcTest`) for the handler `{name}` of the controller `{cls}`{route}, "
            "in the style of the test class outlined below. Answer with the test method only.",
        ),
        (
            f"{TASK}/en/2",
            "Add a test to the MockMvc test class outlined below that performs a request against `{cls}.{name}`"
            "{route} and checks the response. Reply with the new test method.",
        ),
        (
            f"{TASK}/en/3",
            "Given the controller `{cls}`, its endpoints and the outline of its web-layer test class, write "
            "one MockMvc test method for `{name}`{route}.",
        ),
    ],
    "zh": [
        (
            f"{TASK}/zh/1",
            "为控制器 `{cls}` 的处理方法 `{name}`{route} 编写一个 MockMvc 测试（`@WebMvcTest`），"
            "风格与下面的测试类大纲一致。只回答测试方法。",
        ),
        (
            f"{TASK}/zh/2",
            "在下面大纲所示的 MockMvc 测试类中增加一个测试：向 `{cls}.{name}`{route} 发请求并检查响应。"
            "只回答新的测试方法。",
        ),
        (
            f"{TASK}/zh/3",
            "根据控制器 `{cls}`、它的接口和 Web 层测试类大纲，为 `{name}`{route} 编写一个 MockMvc 测试方法。",
        ),
    ],
}


def _route(focal: CodeUnit, endpoints: list[CodeUnit]) -> str:
    """` (GET /owners/{ownerId})` for the focal endpoint, or the handler's first endpoint; '' when none."""
    ep = focal if focal.kind == "endpoint" else next((e for e in endpoints if e.http.get("handler") == focal.id), None)
    return f" ({ep.http['method']} {ep.http['path']})" if ep is not None else ""


@register_task(
    TASK,
    "Write a MockMvc test of a controller endpoint from the controller's class info and endpoint table.",
    needs="tests (Java, Kotlin) paired with a controller's endpoints or handler methods, and the controller units",
)
def build(units: list[CodeUnit], options: TaskOptions) -> Iterator[InstructionRecord | Rejection]:
    by_id = {u.id: u for u in units}
    class_unit = class_of(units)
    endpoints = endpoints_by_class(units)
    for t in units:
        if t.kind != "test" or t.lang not in SPRING_LANGS:
            continue
        link = next(
            (p for p in t.pairs if p.focal_id in by_id and by_id[p.focal_id].role == "controller"),
            None,
        )
        if link is None:
            continue  # not a controller's test: not this task's input
        focal = by_id[link.focal_id]
        cls = class_unit(focal)
        code = dedent(t.code)
        why = None
        if not MOCKMVC.search(t.code) and not MOCKMVC.search(t.context):
            why = "not a MockMvc test"
        elif cls is None or not cls.info:
            why = "controller class not found"
        elif not parses(code, t.lang):
            why = "output does not parse"
        if why is not None:
            yield Rejection(id=t.id, task=TASK, stage="tasks", reason=why)
            continue
        eps = endpoints.get(cls.id, [])
        parts = ["Controller:", fence(cls.info, "")]
        if eps:
            parts += ["Endpoints:", endpoint_table(eps)]
        parts += [f"Test class outline ({t.path}):", fence(t.context, t.lang)]
        name = (
            by_id[focal.http["handler"]].name
            if focal.kind == "endpoint" and focal.http.get("handler") in by_id
            else focal.name
        )
        unit_ids = [focal.id, t.id]
        lang, template_id, template = pick(TASK, unit_ids, "", WORDINGS, options)
        yield make_record(
            task=TASK,
            template_id=template_id,
            instruction=template.format(cls=cls.name, name=name, route=_route(focal, eps)),
            input="\n".join(parts),
            output=code,
            unit=t,
            unit_ids=unit_ids,
            instruction_lang=lang,
            focal_class=cls.name,
            module=focal.module,
            pairing_rule=link.rule,
        )
